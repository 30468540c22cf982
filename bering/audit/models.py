from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bering.audit.verbs import AuditVerb

ROOT_CHAIN = 0
"""The region's own chain: events of no organization, chain openings and checkpoints."""


class AuditEvent(models.Model):
    """One thing an official did. Append-only; each event hashes the previous one of its chain.

    Each organization has its own chain (``chain`` = its id), so writes in different
    organizations never wait on each other; ``seq`` is the event's place in its chain,
    from 1 (decision 0001).

    ``verb`` names the intent ("document.registered"), not a field diff. The acting
    person, their post and, for a substitute, the absent colleague are all kept.
    """

    occurred_at = models.DateTimeField(db_index=True)
    verb = models.CharField(max_length=80, choices=AuditVerb.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_post = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict, blank=True)
    chain = models.BigIntegerField(default=ROOT_CHAIN)
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"]),
            models.Index(fields=["chain", "id"], name="audit_event_chain_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.verb}"


class AuditChainHead(models.Model):
    """One row per chain (``id`` = the chain): its length and the hash of its newest event.

    Locked while an event is appended to that chain. The root chain's head (id 0) is
    created by the migrations with the genesis hash, before any event: ``record``
    refuses to append without it, and ``chain_verify`` reports a missing head as a
    broken chain (deleting it is tampering, never a fresh start). An organization's
    head is created with its first event, and announced by an event in the root chain.
    """

    id = models.BigIntegerField(primary_key=True)
    length = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash
