"""Signing in with an optional second factor, and the page that turns it on and off.

With the second factor on, the password alone does not sign in: the login page
remembers who passed the password (for five minutes, in the session) and asks
for the authenticator code; only a correct code logs the user in. The audited
steps are ``bering.orgs.security``'s (it stays in ``orgs``: ``accounts`` sits below the audit log).
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from bering.accounts import twofactor
from bering.accounts.models import User
from bering.accounts.security import AuthenticationFailed, LockedOut
from bering.core.errors import ValidationFailed
from bering.orgs import security as sign_in_security
from bering.orgs.current import request_actor

PENDING = "bering_2fa_pending"
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    """Django's login page; with the second factor on, a correct password leads to the
    code step instead of a session."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not isinstance(user, User) or not twofactor.is_on(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "since": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login-code")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - float(data.get("since", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    if not isinstance(user, User):
        return None
    return user, data


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app."""
    found = _pending(request)
    if found is None:
        messages.info(
            request, _("Sign in again: the code must follow the password within 5 minutes.")
        )
        return redirect("login")
    user, data = found
    error = ""
    if request.method == "POST":
        try:
            code = request.POST.get("code", "")
            device = sign_in_security.second_factor_sign_in(user=user, code=code)
        except ValidationFailed as exc:
            error = str(exc.message)
        else:
            request.session.pop(PENDING, None)
            auth_login(request, user, backend=data.get("backend") or None)
            otp_login(request, device)
            return redirect(data.get("next") or "documents:list")
    return render(request, "web/login_code.html", {"error": error}, status=400 if error else 200)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (scan, confirm with a code) or off (password and code)."""
    user = request.user
    assert isinstance(user, User)
    errors: dict[str, str] = {}
    status = 400
    if request.method == "POST":
        action = request.POST.get("action", "")
        actor = request_actor(request)
        code = request.POST.get("code", "")
        try:
            if action == "begin":
                sign_in_security.second_factor_begin(user=user)
            elif action == "confirm":
                device = sign_in_security.second_factor_confirm(actor=actor, user=user, code=code)
                otp_login(request, device)
                messages.success(request, _("The second factor is on."))
            elif action == "cancel":
                sign_in_security.second_factor_cancel(user=user)
            elif action == "disable":
                sign_in_security.second_factor_disable(
                    actor=actor,
                    user=user,
                    password=request.POST.get("password", ""),
                    code=code,
                    request=request,
                )
                messages.success(request, _("The second factor is off."))
            else:
                raise ValidationFailed(_("Unknown action."), code="bad_action")
        except LockedOut as exc:
            errors["form"] = str(exc.message)
            status = exc.status_code
        except (ValidationFailed, AuthenticationFailed) as exc:
            errors[exc.field or "form"] = str(exc.message)
        else:
            return redirect("security")
    on = twofactor.is_on(user)
    device = None if on else twofactor.pending_device(user)
    context: dict[str, Any] = {"on": on, "pending": device, "errors": errors}
    if device is not None:
        # segno's own markup of the otpauth:// address: modules as paths, no text, no script.
        context["qr"] = mark_safe(twofactor.qr_svg(device))  # noqa: S308
        context["secret"] = twofactor.secret_text(device)
    return render(request, "web/security.html", context, status=status if errors else 200)
