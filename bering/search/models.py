"""The search index: one entry per searchable object, built from named parts.

An entry (a document, say) is found when every asked term is among its tokens, in
any of its parts: the card, each file's text, each resolution. Each part is kept
with its own tokens so that one part can change (a new file version, a confirmed
resolution) without reading the others again; the entry holds the union, which
the database indexes: an FTS5 table on SQLite, a ``tsvector`` column with a GIN
index on PostgreSQL (both made by the migration, not declared here).
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    organization_id = models.BigIntegerField()
    card = models.TextField(blank=True)
    """Distinct tokens of the parts of weight A (the card), and the organization's."""
    body = models.TextField(blank=True)
    """Distinct tokens of the parts of weight B (files' text)."""
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchPart(models.Model):
    class Weight(models.TextChoices):
        CARD = "A", "card"
        BODY = "B", "body"

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(max_length=60)
    weight = models.CharField(max_length=1, choices=Weight.choices)
    source = models.CharField(max_length=60, blank=True, db_index=True)
    """Where the text comes from when it is made later (``file:<id>``); empty otherwise."""
    tokens = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "name"], name="search_part_unique")]

    def __str__(self) -> str:
        return self.name
