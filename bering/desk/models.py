from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncCursor(models.Model):
    """What a tablet holds after one answer of the changes endpoint: each item's version.

    The next call names the cursor and gets only what differs from it. A cursor is never
    changed once written, so a tablet whose answer was lost in transit asks again with its
    old cursor and gets the same changes again (decision 0019). Old cursors are deleted
    by ``desk_purge_cursors`` (in the sweep); a tablet with a deleted cursor syncs in full.
    """

    token = models.CharField(max_length=43, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post_id = models.BigIntegerField()
    on_behalf_of_id = models.BigIntegerField(null=True, blank=True)
    versions = models.JSONField(default=dict)
    """``{item key: version}``: what the tablet has."""
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tablet sync cursor")

    def __str__(self) -> str:
        return f"{self.user_id}/{self.post_id}: {len(self.versions)}"
