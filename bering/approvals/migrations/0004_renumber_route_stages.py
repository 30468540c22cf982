"""Number the stages of every route template 1..n before their order becomes unique.

Stages added in the admin all defaulted to order 1; their order was then the
order of their ids. That order is kept.
"""

from django.db import migrations


def renumber(apps, schema_editor):
    RouteStage = apps.get_model("approvals", "RouteStage")
    template_id = None
    position = 0
    for stage in RouteStage.objects.order_by("template_id", "order", "pk"):
        if stage.template_id != template_id:
            template_id, position = stage.template_id, 0
        position += 1
        if stage.order != position:
            RouteStage.objects.filter(pk=stage.pk).update(order=position)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0003_report_indexes")]
    operations = [migrations.RunPython(renumber, migrations.RunPython.noop)]
