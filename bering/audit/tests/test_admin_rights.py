"""No change of a person's rights through the Django admin escapes the audit log
(issue 11, fault 6).

Rights change only in the audited services. The test walks every registered
admin and its inlines: a field that grants or takes away rights is never an
editable form field; the models that *are* rights (posts, substitutions, API
tokens, second-factor devices, groups, the route templates that say who approves)
cannot be changed or deleted there, and
can be added only where the admin's save goes through an audited service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin, ModelAdmin
from django.test import Client, RequestFactory

from bering.accounts.models import ApiToken
from bering.audit.models import AuditEvent
from bering.core import clock
from bering.orgs.models import Employee, Organization, Substitution
from bering.orgs.tests.factories import UserFactory

# Field names that decide what a person may do, on whatever model they appear.
RIGHTS_FIELDS = {
    "is_region_admin",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "is_registrar",
    "is_head",
    "is_controller",
    "is_org_admin",
}
# Fields that are rights on these models in particular (on others, e.g. a
# journal's ``is_active``, they are reference data).
RIGHTS_FIELDS_OF = {
    "accounts.User": {"is_active"},
    "orgs.Organization": {"is_active", "parent"},
}
# Models whose rows are rights: never changed or deleted in the admin.
RIGHTS_MODELS = {
    "orgs.Employee",
    "orgs.Substitution",
    "accounts.ApiToken",
    "otp_totp.TOTPDevice",
    "auth.Group",
    "auth.Permission",
    # Who approves a document: route templates, their stages and participants change
    # only through the audited services of approvals/route_templates.py.
    "approvals.RouteTemplate",
    "approvals.RouteStage",
    "approvals.RouteParticipant",
}
# Rights models the admin may add only because its save calls the audited service.
ADDED_THROUGH_A_SERVICE = {"orgs.Substitution"}


@pytest.fixture
def superuser(db: None) -> Any:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _admins() -> list[tuple[str, ModelAdmin[Any] | InlineModelAdmin[Any, Any]]]:
    found: list[tuple[str, ModelAdmin[Any] | InlineModelAdmin[Any, Any]]] = []
    for model, model_admin in admin.site._registry.items():
        found.append((model._meta.label, model_admin))
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            found.append((inline.model._meta.label, inline))
    return found


def _editable(label: str, model_admin: Any, request: Any, obj: Any) -> set[str]:
    """Field names a superuser could change on the add (obj None) or change form."""
    if obj is None and not model_admin.has_add_permission(request, *_inline_args(model_admin)):
        return set()
    if obj is not None and not model_admin.has_change_permission(request, obj):
        return set()
    readonly = set(model_admin.get_readonly_fields(request, obj))
    if isinstance(model_admin, InlineModelAdmin):
        fields = model_admin.get_formset(request, obj).form.base_fields
    else:
        fields = model_admin.get_form(request, obj).base_fields
    return set(fields) - readonly


def _inline_args(model_admin: Any) -> tuple[Any, ...]:
    return (None,) if isinstance(model_admin, InlineModelAdmin) else ()


def test_the_walk_sees_the_admins_of_people_and_posts() -> None:
    labels = {label for label, _ in _admins()}
    assert {"accounts.User", "orgs.Employee", "orgs.Organization", "orgs.Substitution"} <= labels


def test_no_admin_form_edits_a_field_that_changes_rights(superuser: Any, registrar: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    problems = []
    for label, model_admin in _admins():
        rights = RIGHTS_FIELDS | RIGHTS_FIELDS_OF.get(label, set())
        obj = model_admin.model._default_manager.first()
        for target in (None, obj) if obj is not None else (None,):
            editable = _editable(label, model_admin, request, target)
            if label in RIGHTS_MODELS and label not in ADDED_THROUGH_A_SERVICE:
                rights = editable or rights  # any field of such a row is a right
            if bad := sorted(editable & rights):
                form = "add" if target is None else "change"
                problems.append(f"{type(model_admin).__name__} {form} form edits {bad}")
    assert problems == []


def test_rows_that_are_rights_are_not_changed_or_deleted_in_the_admin(
    superuser: Any, registrar: Any
) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    problems = []
    for label, model_admin in _admins():
        if label not in RIGHTS_MODELS:
            continue
        args = _inline_args(model_admin)
        if model_admin.has_change_permission(request, None):
            problems.append(f"{label}: can be changed")
        if model_admin.has_delete_permission(request, None):
            problems.append(f"{label}: can be deleted")
        if label not in ADDED_THROUGH_A_SERVICE and model_admin.has_add_permission(request, *args):
            problems.append(f"{label}: can be added")
    # Deleting a user or an organization would take rights away unaudited too.
    for label in ("accounts.User", "orgs.Organization"):
        model_admin = dict(_admins())[label]
        if model_admin.has_delete_permission(request, None):
            problems.append(f"{label}: can be deleted")
    assert problems == []


def test_posting_rights_to_the_user_form_changes_nothing(superuser: Any, registrar: Any) -> None:
    client = Client()
    client.force_login(superuser)
    user = registrar.user
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_region_admin"' not in page.content
    assert b'name="is_superuser"' not in page.content
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "last_name": "Алексеева",
            "first_name": "Алиса",
            "middle_name": "",
            "email": "",
            "is_region_admin": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user.refresh_from_db()
    assert (user.is_region_admin, user.is_superuser, user.is_staff, user.is_active) == (
        False,
        False,
        False,
        True,
    )


def test_posting_to_a_post_or_an_organization_changes_no_rights(
    superuser: Any, registrar: Any
) -> None:
    client = Client()
    client.force_login(superuser)
    post = registrar.employee
    response = client.post(
        f"/admin/orgs/employee/{post.pk}/change/", {"is_head": "on", "is_registrar": ""}
    )
    assert response.status_code == 403
    assert client.get("/admin/orgs/employee/add/").status_code == 403
    assert Employee.objects.filter(pk=post.pk, is_head=False, is_registrar=True).exists()
    org = registrar.org
    page = client.get(f"/admin/orgs/organization/{org.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_active"' not in page.content
    assert client.get("/admin/orgs/organization/add/").status_code == 403
    assert Organization.objects.filter(pk=org.pk, is_active=True).exists()


def test_api_tokens_are_not_revoked_in_the_admin(superuser: Any, registrar: Any) -> None:
    token = ApiToken.objects.create(user=registrar.user, key_hash="f" * 64, name="1С")
    client = Client()
    client.force_login(superuser)
    assert (
        client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_substitution_added_in_the_admin_leaves_an_audit_event(
    superuser: Any, head: Any, executor: Any
) -> None:
    """The one rights row the admin may add: its save runs ``substitution_create``."""
    client = Client()
    client.force_login(superuser)
    today = clock.today() if hasattr(clock, "today") else dt.date.today()
    response = client.post(
        "/admin/orgs/substitution/add/",
        {
            "absent": head.employee.pk,
            "substitute": executor.employee.pk,
            "starts_on": (today + dt.timedelta(days=1)).isoformat(),
            "ends_on": (today + dt.timedelta(days=5)).isoformat(),
            "reason": "Отпуск",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    substitution = Substitution.objects.get()
    assert AuditEvent.objects.filter(
        verb="substitution.created", object_id=substitution.pk
    ).exists()


def test_route_templates_are_shown_but_not_changed_in_the_admin(
    superuser: Any, registrar: Any
) -> None:
    """Who approves a document changes only through ``approvals.route_templates``."""
    from bering.approvals.models import RouteTemplate

    template = RouteTemplate.objects.create(organization=registrar.org, name="Приказы")
    client = Client()
    client.force_login(superuser)
    url = f"/admin/approvals/routetemplate/{template.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Другой", "is_active": ""}).status_code == 403
    assert client.get("/admin/approvals/routetemplate/add/").status_code == 403
    delete = client.post(f"/admin/approvals/routetemplate/{template.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert RouteTemplate.objects.filter(pk=template.pk, name="Приказы", is_active=True).exists()
