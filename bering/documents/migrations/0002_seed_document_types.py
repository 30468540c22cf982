from django.db import migrations

TYPES = [
    ("incoming-letter", "Входящее письмо", "incoming"),
    ("appeal", "Обращение гражданина", "incoming"),
    ("outgoing-letter", "Исходящее письмо", "outgoing"),
    ("memo", "Служебная записка", "internal"),
    ("order", "Приказ", "internal"),
    ("decree", "Постановление", "outgoing"),
    ("disposition", "Распоряжение", "internal"),
    ("normative-act", "Нормативный правовой акт", "outgoing"),
    ("agreement", "Соглашение", "outgoing"),
    ("protocol", "Протокол", "internal"),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, flow in TYPES:
        DocumentType.objects.get_or_create(code=code, defaults={"name": name, "flow": flow})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
