"""The normative approval times of the region, in working days (editable in the admin).

A normative act is approved in 2 working days in total; letters in 3; agreements,
government decrees and governor's protocols involve many officials and get 5-7.
"""

from django.db import migrations

# code: (total, per stage, signing)
REGULATIONS = {
    "normative-act": (2, 1, 1),
    "outgoing-letter": (3, 1, 1),
    "memo": (2, 1, 1),
    "order": (3, 1, 1),
    "disposition": (3, 1, 1),
    "agreement": (5, 2, 1),
    "decree": (7, 2, 1),
    "protocol": (6, 2, 1),
}


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    Regulation = apps.get_model("approvals", "Regulation")
    for code, (total, stage, sign) in REGULATIONS.items():
        doc_type = DocumentType.objects.filter(code=code).first()
        if doc_type is None:
            continue
        Regulation.objects.get_or_create(
            doc_type=doc_type,
            defaults={"total_days": total, "stage_days": stage, "sign_days": sign},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("documents", "0002_seed_document_types"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
