"""One hash chain per organization (decision 0001, issue 14).

The chain so far becomes the root chain (0): its events keep their order as
``seq``, and the single head row moves from id 1 to id 0 with the chain's length.
An organization's chain starts with its next event.
"""

from typing import Any

from django.db import migrations, models


def number_the_root_chain(apps: Any, schema_editor: Any) -> None:
    event = apps.get_model("audit", "AuditEvent")
    head = apps.get_model("audit", "AuditChainHead")
    table = schema_editor.quote_name(event._meta.db_table)
    schema_editor.execute(
        f"UPDATE {table} SET seq = numbered.rn FROM "  # noqa: S608
        f"(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM {table}) AS numbered "
        f"WHERE {table}.id = numbered.id"
    )
    head.objects.filter(pk=1).update(id=0, length=event.objects.count())


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_publication_verbs"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="auditchainhead", name="audit_head_single"),
        migrations.AlterField(
            model_name="auditchainhead",
            name="id",
            field=models.BigIntegerField(primary_key=True, serialize=False),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="length",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(number_the_root_chain, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["chain", "id"], name="audit_event_chain_id"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ),
    ]
