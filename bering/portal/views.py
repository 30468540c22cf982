"""The citizen's pages of the internet reception and the public tracking page.

Views are thin: parse, one permission-checked getter, one service, render.
A citizen's appeal is reached only through ``citizen_appeal_get`` (404 for
anyone else's). The tracking token is shown once: it passes from the sending
(or renewing) request to the receipt in the session and is removed there.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.appeals import ratelimit, selectors, services
from bering.appeals.answer_pdf import qr_data_uri
from bering.appeals.models import FILES_MAX, TEXT_MAX, Appeal, AppealFile, Citizen, Milestone
from bering.core.errors import DomainError, NotFound
from bering.documents.services import Upload
from bering.files.http import attachment_response
from bering.files.services import UploadRejected
from bering.portal import forms
from bering.portal.session import citizen_required

SHOWN_TOKEN = "bering_portal_shown_token"  # noqa: S105 (a session key)
"""Session key: ``{"appeal": id, "token": str}`` until the receipt shows it once."""

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


# --- helpers -------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _date(moment: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y") if moment is not None else ""


def _iso_date(value: object) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    except ValueError:
        return ""


def _uploads(files: list[Any]) -> list[Upload]:
    return [Upload(name=f.name or "file", stream=f) for f in files]


def _private(response: HttpResponseBase) -> HttpResponseBase:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def _error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(
        request,
        "portal/error.html",
        {"message": exc.message, "status": exc.status_code},
        status=exc.status_code,
    )


def portal_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponse]:
    """A domain error (a missing or someone else's appeal) as a page of the reception,
    not of the staff side."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            # A download is a streaming response; citizen_required is typed for pages.
            return cast(HttpResponse, view(request, *args, **kwargs))
        except DomainError as exc:
            return _error_page(request, exc)

    return wrapper


def _remember_token(request: HttpRequest, appeal: Appeal, token: str) -> None:
    request.session[SHOWN_TOKEN] = {"appeal": appeal.pk, "token": token}


def _take_token(request: HttpRequest, appeal: Appeal) -> str | None:
    """The token kept for this appeal's receipt, removed from the session: shown once."""
    kept = request.session.get(SHOWN_TOKEN)
    if not isinstance(kept, dict) or kept.get("appeal") != appeal.pk:
        return None
    del request.session[SHOWN_TOKEN]
    token = kept.get("token")
    return token if isinstance(token, str) else None


# --- tracking rows (the public page and the citizen's own) ---------------------------


@dataclass(frozen=True)
class Row:
    label: str
    date: str
    details: list[tuple[str, str]]


def _rows(appeal: Appeal) -> list[Row]:
    """The legal milestones as the citizen may see them: dates and numbers only."""
    tz = appeal.organization.tz
    rows = []
    for step in selectors.tracking_steps(appeal):
        data = step.data
        details: list[tuple[str, str]] = []
        if step.kind == Milestone.Kind.REGISTERED:
            details = [
                (_("Registration number"), str(data.get("number", ""))),
                (_("Registration date"), _iso_date(data.get("date"))),
                (_("Answer due by"), _iso_date(data.get("answer_due"))),
            ]
        elif step.kind == Milestone.Kind.REDIRECTED:
            details = [(_("Redirected to"), str(data.get("to", "")))]
        elif step.kind == Milestone.Kind.EXTENDED:
            details = [(_("New term of the answer"), _iso_date(data.get("until")))]
        elif step.kind == Milestone.Kind.ANSWERED:
            details = [
                (_("Answer number"), str(data.get("number", ""))),
                (_("Answer date"), _iso_date(data.get("date"))),
                (_("SHA-256 of the signed answer"), str(data.get("sha256", ""))),
            ]
        rows.append(
            Row(label=step.label, date=_date(step.at, tz), details=[d for d in details if d[1]])
        )
    return rows


def _state(appeal: Appeal) -> str:
    """The state of the appeal and of what it became, in one line."""
    kinds = [step.kind for step in selectors.tracking_steps(appeal)]
    for kind in (Milestone.Kind.ANSWERED, Milestone.Kind.WITHDRAWN, Milestone.Kind.NO_ANSWER):
        if kind in kinds:
            return str(kind.label)
    if kinds and kinds[-1] == Milestone.Kind.REDIRECTED:
        return str(Milestone.Kind.REDIRECTED.label)
    if Milestone.Kind.REGISTERED in kinds:
        return _("Registered, under consideration")
    return _("Received, awaiting registration")


# --- public pages --------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"text_max": TEXT_MAX})


def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html", {"text_max": TEXT_MAX, "files_max": FILES_MAX})


def _constant_page(template: str) -> bytes:
    """A page rendered without the request: no CSRF token, no nonce, no session,
    so every response with it is byte-identical."""
    return render_to_string(template, {"region_name": settings.BERING_REGION_NAME}).encode()


def track(request: HttpRequest, token: str) -> HttpResponseBase:
    """The public tracking page (the QR's target): milestones only, nothing personal.

    Unknown, revoked and malformed tokens get the same constant 404.
    """
    try:
        ratelimit.hit("tracking", _address(request))
    except ratelimit.RateLimited as exc:
        limited = HttpResponse(_constant_page("portal/track_limited.html"), status=429)
        limited["Retry-After"] = str(exc.retry_after)
        return _private(limited)
    appeal = selectors.appeal_by_token(token)
    if appeal is None:
        return _private(HttpResponse(_constant_page("portal/track_missing.html"), status=404))
    body = render_to_string(
        "portal/track.html",
        {
            "region_name": settings.BERING_REGION_NAME,
            "organization": appeal.organization.name,
            "received": _date(appeal.received_at, appeal.organization.tz),
            "rows": _rows(appeal),
            "state": _state(appeal),
        },
    )
    return _private(HttpResponse(body))


# --- the citizen's pages -------------------------------------------------------------


def _write_context(
    form: forms.AppealForm, citizen: Citizen, q: str, suggested: bool | None = None
) -> dict[str, object]:
    chosen = str(form["organization"].value() or "")
    organizations = forms.organizations_matching(q)
    if chosen.isdigit() and all(str(o.pk) != chosen for o in organizations):
        # Keep the organization chosen before a search that does not show it.
        kept = selectors.organizations_for_citizens().filter(pk=int(chosen)).first()
        organizations = ([kept] if kept is not None else []) + organizations
    return {
        "form": form,
        "organizations": organizations,
        "suggested": suggested,
        "chosen": chosen,
        "reception": forms.RECEPTION,
        "q": q,
        "text_max": TEXT_MAX,
        "files_max": FILES_MAX,
        "profile_complete": citizen.profile_complete,
    }


_FIELDS = {"text", "attachments", "topic", "consent", "answer_by_email", "organization"}


def _field_of(exc: DomainError, fields: set[str]) -> str | None:
    """The form field a service's error belongs next to; a refused file, to the files."""
    if exc.field in fields:
        return exc.field
    return "attachments" if exc.field == "files" or isinstance(exc, UploadRejected) else None


@citizen_required
def write(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if request.method != "POST":
        q = request.GET.get("q", "")[:100]
        form = forms.AppealForm(initial={"q": q})
        return render(request, "portal/write.html", _write_context(form, citizen, q))
    form = forms.AppealForm(request.POST, request.FILES)
    valid = form.is_valid()
    q = form.cleaned_data.get("q", "") if valid else request.POST.get("q", "")[:100]
    action = request.POST.get("action", "send")
    suggested = None
    if action == "suggest" and valid:
        topics = selectors.topic_suggest(form.cleaned_data["text"], limit=1)
        data = request.POST.copy()
        data["topic"] = str(topics[0].pk) if topics else ""
        form = forms.AppealForm(data)
        suggested = bool(topics)
    if action != "send" or not valid or not citizen.profile_complete:
        context = _write_context(form, citizen, q, suggested)
        return render(request, "portal/write.html", context)
    try:
        ratelimit.hit("appeal_account", str(citizen.pk))
        ratelimit.hit("appeal_address", _address(request))
        sent = services.appeal_send(
            citizen=citizen,
            organization=form.cleaned_data["organization"],
            text=form.cleaned_data["text"],
            topic=form.cleaned_data["topic"],
            uploads=_uploads(form.cleaned_data["attachments"]),
            consent=form.cleaned_data["consent"],
            answer_by_email=form.cleaned_data["answer_by_email"],
        )
    except DomainError as exc:
        form.add_error(_field_of(exc, _FIELDS), str(exc.message))
        limited = isinstance(exc, ratelimit.RateLimited)
        context = _write_context(form, citizen, q)
        response = render(request, "portal/write.html", context, status=429 if limited else 200)
        if isinstance(exc, ratelimit.RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    _remember_token(request, sent.appeal, sent.token)
    return redirect("portal:receipt", pk=sent.appeal.pk)


@citizen_required
@portal_errors
def receipt(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponseBase:
    appeal = selectors.citizen_appeal_get(citizen, pk)
    token = _take_token(request, appeal)
    url = services.tracking_url(token) if token else ""
    tz = appeal.organization.tz
    response = render(
        request,
        "portal/receipt.html",
        {
            "appeal": appeal,
            "received": _date(appeal.received_at, tz),
            "registration_due": _date(appeal.registration_due_at, tz),
            "url": url,
            "qr": qr_data_uri(url) if url else "",
            "mailed_to": citizen.email or citizen.login_email or "",
        },
    )
    return _private(response)


@citizen_required
@require_POST
@portal_errors
def renew_link(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponseBase:
    appeal = selectors.citizen_appeal_get(citizen, pk)
    token = services.tracking_link_renew(citizen=citizen, appeal=appeal)
    _remember_token(request, appeal, token)
    return redirect("portal:receipt", pk=appeal.pk)


@citizen_required
def appeals(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    page = Paginator(selectors.citizen_appeals(citizen), 20).get_page(request.GET.get("page"))
    rows = [
        {
            "appeal": appeal,
            "due": selectors.current_due(appeal),
            "tz": appeal.organization.time_zone,
        }
        for appeal in page
    ]
    return render(request, "portal/appeals.html", {"page": page, "rows": rows})


def _detail_context(appeal: Appeal) -> dict[str, object]:
    return {
        "appeal": appeal,
        "tz": appeal.organization.time_zone,
        "due": selectors.current_due(appeal),
        "rows": _rows(appeal),
        "state": _state(appeal),
        "files": [f for f in appeal.files.select_related("stored") if f.supplement_id is None],
        "supplements": appeal.supplements.prefetch_related("files__stored"),
        "has_answer": appeal.status == Appeal.Status.ANSWERED and appeal.answer_file_id,
        "text_max": TEXT_MAX,
        "files_max": FILES_MAX,
    }


@citizen_required
@portal_errors
def appeal(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponseBase:
    found = selectors.citizen_appeal_get(citizen, pk)
    context = _detail_context(found)
    context |= {"supplement_form": forms.SupplementForm(), "withdraw_form": forms.WithdrawForm()}
    return _private(render(request, "portal/appeal.html", context))


@citizen_required
@require_POST
@portal_errors
def supplement(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponseBase:
    found = selectors.citizen_appeal_get(citizen, pk)
    form = forms.SupplementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.appeal_supplement(
                citizen=citizen,
                appeal=found,
                text=form.cleaned_data["text"],
                uploads=_uploads(form.cleaned_data["attachments"]),
            )
        except DomainError as exc:
            form.add_error(_field_of(exc, {"text", "attachments"}), str(exc.message))
        else:
            return HttpResponseRedirect(reverse("portal:appeal", args=[found.pk]) + "#added")
    context = _detail_context(found)
    context |= {"supplement_form": form, "withdraw_form": forms.WithdrawForm()}
    return _private(render(request, "portal/appeal.html", context, status=400))


@citizen_required
@require_POST
@portal_errors
def withdraw(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponseBase:
    found = selectors.citizen_appeal_get(citizen, pk)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        services.appeal_withdraw(citizen=citizen, appeal=found)
        return redirect("portal:appeal", pk=found.pk)
    context = _detail_context(found)
    context |= {"supplement_form": forms.SupplementForm(), "withdraw_form": form}
    return _private(render(request, "portal/appeal.html", context, status=400))


@citizen_required
@portal_errors
def appeal_file(request: HttpRequest, citizen: Citizen, pk: int, file_id: int) -> HttpResponseBase:
    found = selectors.citizen_appeal_get(citizen, pk)
    item = AppealFile.objects.filter(appeal=found, pk=file_id).select_related("stored").first()
    if item is None:
        raise NotFound(_("File not found."))
    return attachment_response(item.stored)


@citizen_required
@portal_errors
def answer(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponseBase:
    found = selectors.citizen_appeal_get(citizen, pk)
    if found.status != Appeal.Status.ANSWERED or found.answer_file is None:
        raise NotFound(_("There is no answer yet."))
    return attachment_response(found.answer_file)
