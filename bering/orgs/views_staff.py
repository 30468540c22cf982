"""The staff page of an organization: roles of its posts, ending a post, disabling the
account of a person who left, ending a substitution early.

Thin: the organization through its one getter, parse, call one service, then PRG; a refusal
is the page again (400) with the reason next to its row and the input as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bering.core import clock
from bering.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from bering.core.paging import page_of
from bering.orgs import permissions, selectors, services
from bering.orgs.actor import Actor
from bering.orgs.current import require_actor
from bering.orgs.forms import RolesForm, SubstitutionEndForm
from bering.orgs.models import Employee, Organization


@dataclass(frozen=True)
class Refusal:
    """A refused row: which one, why, and what was typed (shown again, nothing lost)."""

    kind: str
    """``"post"`` or ``"substitution"``."""
    pk: int
    message: str
    typed: dict[str, Any] = field(default_factory=dict)


def _back(organization: Organization, request: HttpRequest) -> HttpResponse:
    url = reverse("orgs:staff", args=[organization.pk])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _staff_page(
    request: HttpRequest,
    actor: Actor,
    organization: Organization,
    *,
    status: int = 200,
    refusal: Refusal | None = None,
) -> HttpResponse:
    page = page_of(request, selectors.staff_of(organization))
    rows = []
    for employee in page.object_list:
        refused = (
            refusal if refusal and refusal.kind == "post" and refusal.pk == employee.pk else None
        )
        roles = (
            refused.typed
            if refused is not None
            else {role: getattr(employee, role) for role in services.ROLES}
        )
        rows.append(
            {
                "employee": employee,
                "actions": permissions.staff_actions_for(actor, employee),
                "roles": roles,
                "error": refused.message if refused is not None else "",
            }
        )
    today = organization.local_today(clock.now())
    substitutions_page = page_of(request, selectors.substitutions_of(organization), "subs")
    substitutions = []
    for item in substitutions_page.object_list:
        refused = (
            refusal
            if refusal and refusal.kind == "substitution" and refusal.pk == item.pk
            else None
        )
        substitutions.append(
            {
                "substitution": item,
                "actions": permissions.substitution_actions_for(actor, item),
                "on": refused.typed.get("on", "") if refused else today.isoformat(),
                "error": refused.message if refused is not None else "",
            }
        )
    context = {
        "organization": organization,
        "page_actions": permissions.staff_page_actions_for(actor),
        "page": page,
        "rows": rows,
        "substitutions_page": substitutions_page,
        "substitutions": substitutions,
        "query": request.GET.urlencode(),
        "refusal": refusal,
    }
    return render(request, "orgs/staff.html", context, status=status)


def _refused(
    request: HttpRequest, actor: Actor, organization: Organization, exc: DomainError, **kw: Any
) -> HttpResponse:
    if isinstance(exc, NotFound | Forbidden):
        raise exc
    refusal = Refusal(message=str(exc.message), **kw)
    fresh = selectors.organization_get_for_staff(actor, organization.pk)
    return _staff_page(request, actor, fresh, status=exc.status_code, refusal=refusal)


def _post_of(organization: Organization, employee_id: int) -> Employee:
    """A current post of this organization, or 404."""
    employee = selectors.staff_of(organization).filter(pk=employee_id).first()
    if employee is None:
        raise NotFound(_("Employee not found."))
    return employee


@login_required
@require_GET
def staff_index(request: HttpRequest) -> HttpResponse:
    """The menu's «Сотрудники»: one's own organization; a region administrator chooses one."""
    actor = require_actor(request)
    if not permissions.sees_staff_menu(actor):
        raise Forbidden(_("Only an administrator of the organization may manage its staff."))
    if not permissions.can_connect_organizations(actor.user):
        return redirect("orgs:staff", pk=actor.organization_id)
    query = request.GET.get("q", "")[:100]
    organizations = selectors.region_organizations().order_by("short_name")
    matches = selectors.organizations_matching(organizations, query) if query.strip() else None
    context = {
        "q": query,
        "matches": matches,
        "page": page_of(request, organizations) if matches is None else None,
    }
    return render(request, "orgs/staff_index.html", context)


@login_required
@require_GET
def staff(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    organization = selectors.organization_get_for_staff(actor, pk)
    return _staff_page(request, actor, organization)


@login_required
@require_POST
def roles_change(request: HttpRequest, pk: int, employee_id: int) -> HttpResponse:
    actor = require_actor(request)
    organization = selectors.organization_get_for_staff(actor, pk)
    employee = _post_of(organization, employee_id)
    form = RolesForm(request.POST)
    form.is_valid()  # check boxes: always valid
    roles = {role: bool(form.cleaned_data.get(role)) for role in services.ROLES}
    try:
        services.employee_roles_change(actor=actor, employee=employee, **roles)
    except DomainError as exc:
        return _refused(request, actor, organization, exc, kind="post", pk=employee.pk, typed=roles)
    messages.success(request, _("Roles of %(name)s saved.") % {"name": employee.user.display_name})
    return _back(organization, request)


@login_required
@require_POST
def post_end(request: HttpRequest, pk: int, employee_id: int) -> HttpResponse:
    actor = require_actor(request)
    organization = selectors.organization_get_for_staff(actor, pk)
    employee = _post_of(organization, employee_id)
    try:
        services.employee_end(actor=actor, employee=employee)
    except DomainError as exc:
        typed = {role: getattr(employee, role) for role in services.ROLES}
        return _refused(request, actor, organization, exc, kind="post", pk=employee.pk, typed=typed)
    messages.success(
        request, _("The post of %(name)s has ended.") % {"name": employee.user.display_name}
    )
    return _back(organization, request)


@login_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, pk: int, employee_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: the account is disabled."""
    actor = require_actor(request)
    organization = selectors.organization_get_for_staff(actor, pk)
    employee = _post_of(organization, employee_id)
    if not permissions.can_deactivate_person(actor, employee.user):
        raise Forbidden(_("Only a region administrator may disable an account."))
    if request.method == "POST":
        services.person_deactivate(actor=actor, user=employee.user)
        messages.success(
            request,
            _("The account of %(name)s is disabled: sessions and API tokens have ended.")
            % {"name": employee.user.display_name},
        )
        return _back(organization, request)
    context = {
        "organization": organization,
        "employee": employee,
        "posts": list(selectors.posts_for_user(employee.user)),
        "query": request.GET.urlencode(),
    }
    return render(request, "orgs/deactivate.html", context)


@login_required
@require_POST
def substitution_end(request: HttpRequest, pk: int, substitution_id: int) -> HttpResponse:
    actor = require_actor(request)
    organization = selectors.organization_get_for_staff(actor, pk)
    substitution = selectors.substitutions_of(organization).filter(pk=substitution_id).first()
    if substitution is None:
        raise NotFound(_("Substitution not found."))
    typed = {"on": request.POST.get("on", "")[:20]}
    form = SubstitutionEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Enter the last day as DD.MM.YYYY."), field="on")
        services.substitution_end(
            actor=actor, substitution=substitution, on=form.cleaned_data["on"]
        )
    except DomainError as exc:
        return _refused(
            request, actor, organization, exc, kind="substitution", pk=substitution.pk, typed=typed
        )
    messages.success(request, _("The substitution ends early."))
    return _back(organization, request)
