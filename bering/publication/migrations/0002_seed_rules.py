"""The types published from the start: normative acts and decrees automatically on
registration, orders by the registrar (decision 0018). Edited in the admin later."""

from django.db import migrations



def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from bering.documents.reference import DOCUMENT_TYPES
    from bering.publication.reference import RULES

    DocumentType = apps.get_model("documents", "DocumentType")
    PublicationRule = apps.get_model("publication", "PublicationRule")
    names = {code: (name, flow) for code, name, flow in DOCUMENT_TYPES}
    for code, mode in RULES.items():
        name, flow = names[code]
        doc_type, _ = DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "flow": flow}
        )
        PublicationRule.objects.get_or_create(doc_type=doc_type, defaults={"mode": mode})


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
