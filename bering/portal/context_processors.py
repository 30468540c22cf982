from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from bering.portal.session import current_citizen


def portal(request: HttpRequest) -> dict[str, object]:
    """The signed-in citizen and the region's name, on the public side's pages only."""
    if not request.path.startswith("/reception/"):
        return {}
    return {
        "citizen": current_citizen(request),
        "region_name": settings.BERING_REGION_NAME,
        "error_base": "portal/base.html",  # the 400/403/404 pages of the public side
    }
