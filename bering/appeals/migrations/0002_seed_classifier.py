from django.db import migrations


def seed(apps, schema_editor):
    from bering.appeals.classifier import SECTIONS

    Topic = apps.get_model("appeals", "Topic")
    for code, name, themes in SECTIONS:
        section, _ = Topic.objects.get_or_create(code=code, defaults={"name": name})
        for theme_code, theme_name, keywords in themes:
            Topic.objects.get_or_create(
                code=theme_code,
                defaults={"name": theme_name, "parent": section, "keywords": keywords},
            )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
