"""Citizens' sign-in pages: e-mail one-time code, ЕСИА (OpenID Connect), profile.

The pages only parse, call one service and render. A rate-limit refusal is a
429 page with ``Retry-After``; a failed provider sign-in is a 400 page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bering.appeals import citizen_auth
from bering.appeals import services as appeal_services
from bering.appeals.models import Citizen
from bering.appeals.ratelimit import RateLimited
from bering.core.errors import ValidationFailed
from bering.portal import oidc
from bering.portal.forms_auth import CodeForm, EmailForm, ProfileForm
from bering.portal.session import citizen_login, citizen_logout, citizen_required, current_citizen

PENDING_EMAIL = "bering_login_email"
PENDING_NEXT = "bering_login_next"
PREFIX = "/reception/"


def safe_next(raw: str | None) -> str:
    """``raw`` if it is a path of this site under /reception/, else ""."""
    if not raw or len(raw) > 2000 or "\\" in raw or any(ord(ch) < 32 for ch in raw):
        return ""
    if ".." in raw or "%2e" in raw.lower():
        return ""
    if not raw.startswith(PREFIX) or raw.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(raw, allowed_hosts=None):
        return ""
    return raw


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _after_login(citizen: Citizen, next_url: str) -> HttpResponseRedirect:
    target = safe_next(next_url) or reverse("portal:home")
    if not citizen.profile_complete:
        profile = reverse("portal:profile")
        if target != profile:
            return HttpResponseRedirect(f"{profile}?{urlencode({'next': target})}")
        return HttpResponseRedirect(profile)
    return HttpResponseRedirect(target)


def _too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = render(
        request,
        "portal/auth/error.html",
        {"title": _("Too many attempts"), "message": exc.message},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _login_context(form: EmailForm, next_url: str) -> dict[str, object]:
    return {
        "form": form,
        "next": next_url,
        "oidc_enabled": oidc.enabled(),
        "oidc_name": settings.BERING_OIDC_NAME,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """The e-mail form (a code is sent), and the button of ЕСИА when it is configured."""
    if request.method != "POST":
        next_url = safe_next(request.GET.get("next"))
        citizen = current_citizen(request)
        if citizen is not None:
            return _after_login(citizen, next_url)
        form = EmailForm(initial={"next": next_url})
        return render(request, "portal/auth/login.html", _login_context(form, next_url))
    form = EmailForm(request.POST)
    next_url = safe_next(request.POST.get("next"))
    if not form.is_valid():
        return render(request, "portal/auth/login.html", _login_context(form, next_url))
    email = citizen_auth.normalize_email(form.cleaned_data["email"])
    try:
        citizen_auth.login_code_send(email=email, client_address=_client_address(request))
    except RateLimited as exc:
        return _too_many(request, exc)
    except ValidationFailed as exc:
        form.add_error("email", str(exc.message))
        return render(request, "portal/auth/login.html", _login_context(form, next_url))
    request.session[PENDING_EMAIL] = email
    request.session[PENDING_NEXT] = next_url
    return HttpResponseRedirect(reverse("portal:login-code"))


@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The six-digit code from the letter."""
    email = request.session.get(PENDING_EMAIL)
    if not isinstance(email, str) or not email:
        return HttpResponseRedirect(reverse("portal:login"))
    if request.method != "POST":
        return render(request, "portal/auth/login_code.html", {"form": CodeForm(), "email": email})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/auth/login_code.html", {"form": form, "email": email})
    try:
        citizen = citizen_auth.login_code_verify(
            email=email, code=form.cleaned_data["code"], client_address=_client_address(request)
        )
    except RateLimited as exc:
        return _too_many(request, exc)
    except ValidationFailed as exc:
        form.add_error("code", str(exc.message))
        return render(request, "portal/auth/login_code.html", {"form": form, "email": email})
    next_url = str(request.session.get(PENDING_NEXT) or "")
    citizen_login(request, citizen)
    request.session.pop(PENDING_EMAIL, None)
    request.session.pop(PENDING_NEXT, None)
    return _after_login(citizen, next_url)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    citizen_logout(request)
    return HttpResponseRedirect(reverse("portal:home"))


def _oidc_error(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "portal/auth/error.html",
        {"title": _("Sign-in failed"), "message": message, "retry": True},
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Off to the identity provider, with state, nonce and PKCE kept in the session."""
    if not oidc.enabled():
        raise Http404
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    try:
        url = oidc.begin(
            request.session,
            redirect_uri=request.build_absolute_uri(reverse("portal:oidc-callback")),
            next_url=next_url,
        )
    except oidc.OidcError as exc:
        return _oidc_error(request, exc.message)
    return HttpResponseRedirect(url)


@require_http_methods(["GET", "HEAD"])
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: verify, find or create the citizen, sign in."""
    if not oidc.enabled():
        raise Http404
    params = {k: v for k, v in request.GET.items() if isinstance(v, str)}
    try:
        identity = oidc.finish(request.session, params)
        citizen = citizen_auth.oidc_citizen(
            issuer=identity.issuer, subject=identity.subject, claims=identity.claims
        )
    except oidc.OidcError as exc:
        return _oidc_error(request, exc.message)
    except ValidationFailed as exc:
        return _oidc_error(request, str(exc.message))
    citizen_login(request, citizen)
    return _after_login(citizen, identity.next_url)


@require_http_methods(["GET", "HEAD", "POST"])
@citizen_required
def profile(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    """Surname, name, patronymic and the addresses to answer to (59-ФЗ)."""
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        form = ProfileForm.for_citizen(citizen)
        return render(request, "portal/auth/profile.html", {"form": form, "next": next_url})
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            appeal_services.citizen_profile_update(
                citizen=citizen, data=appeal_services.CitizenData(**form.cleaned_data)
            )
        except ValidationFailed as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
        else:
            messages.success(request, _("Your profile is saved."))
            return HttpResponseRedirect(next_url or reverse("portal:profile"))
    return render(request, "portal/auth/profile.html", {"form": form, "next": next_url})
