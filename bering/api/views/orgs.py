"""Staff of an organization over the API: roles of posts, ending a post, disabling the
account of a person who left, ending a substitution early. Thin views; every write with
@idempotent; objects through the staff getters of ``orgs.selectors``."""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.accounts.models import User
from bering.api.actor import api_actor
from bering.api.base import ApiView, Paging, parse
from bering.api.idempotency import idempotent
from bering.orgs import permissions, selectors, services
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Substitution


class RolesIn(serializers.Serializer[Any]):
    """All four roles of the post, as they should be after the call."""

    is_registrar = serializers.BooleanField()
    is_head = serializers.BooleanField()
    is_controller = serializers.BooleanField()
    is_org_admin = serializers.BooleanField()


class SubstitutionEndIn(serializers.Serializer[Any]):
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The substitution's new last day; today (in the organization's time zone) "
        "when not given.",
    )


class StaffActionsOut(serializers.Serializer[Any]):
    """What the caller may do with the post now (the staff page's buttons)."""

    change_roles = serializers.BooleanField()
    end_post = serializers.BooleanField()
    deactivate = serializers.BooleanField(help_text="Disable the person's account.")


class EmployeeOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organization = serializers.IntegerField()
    user = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    user_is_active = serializers.BooleanField()
    position = serializers.CharField()
    department = serializers.CharField()
    is_active = serializers.BooleanField()
    is_registrar = serializers.BooleanField()
    is_head = serializers.BooleanField()
    is_controller = serializers.BooleanField()
    is_org_admin = serializers.BooleanField()
    actions = StaffActionsOut()


class AccountOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()


class SubstitutionOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    absent = serializers.IntegerField()
    substitute = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField()


def employee_out(actor: Actor, employee: Employee) -> dict[str, Any]:
    return {
        "id": employee.pk,
        "organization": employee.organization_id,
        "user": employee.user_id,
        "username": employee.user.username,
        "name": employee.user.full_name,
        "user_is_active": employee.user.is_active,
        "position": employee.position.name if employee.position else "",
        "department": employee.department.name if employee.department else "",
        "is_active": employee.is_active,
        "is_registrar": employee.is_registrar,
        "is_head": employee.is_head,
        "is_controller": employee.is_controller,
        "is_org_admin": employee.is_org_admin,
        "actions": dataclasses.asdict(permissions.staff_actions_for(actor, employee)),
    }


def user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.full_name,
        "is_active": user.is_active,
    }


def substitution_out(item: Substitution) -> dict[str, Any]:
    return {
        "id": item.pk,
        "absent": item.absent_id,
        "substitute": item.substitute_id,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "reason": item.reason,
    }


class OrganizationEmployeesView(ApiView):
    """The current posts of an organization, by surname (its administrators, region
    administrators)."""

    pagination_class = Paging

    @extend_schema(responses=EmployeeOut(many=True), operation_id="organizations_employees")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        organization = selectors.organization_get_for_staff(actor, pk)
        paging = Paging()
        page = paging.paginate_queryset(selectors.staff_of(organization), request, view=self)
        return paging.get_paginated_response(
            EmployeeOut([employee_out(actor, e) for e in page or []], many=True).data
        )


class EmployeeRolesView(ApiView):
    """Set the four roles of a post; a last registrar or head of an active organization
    cannot lose the role (400)."""

    @extend_schema(request=RolesIn, responses={200: EmployeeOut}, operation_id="employees_roles")
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        employee = selectors.employee_get_for_staff(actor, pk)
        data = parse(RolesIn, request.data)
        changed = services.employee_roles_change(actor=actor, employee=employee, **data)
        return Response(employee_out(actor, changed))


class EmployeeEndView(ApiView):
    """End a post today: it no longer acts; its substitutions end."""

    @extend_schema(request=None, responses={200: EmployeeOut}, operation_id="employees_end")
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        employee = selectors.employee_get_for_staff(actor, pk)
        ended = services.employee_end(actor=actor, employee=employee)
        return Response(employee_out(actor, ended))


class UserDeactivateView(ApiView):
    """Disable a person's account (region administrators): sessions and tokens end now."""

    @extend_schema(request=None, responses={200: AccountOut}, operation_id="users_deactivate")
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        user = selectors.user_get_for_deactivation(actor, pk)
        services.person_deactivate(actor=actor, user=user)
        return Response(user_out(user))


class SubstitutionEndView(ApiView):
    """End a substitution early: ``on`` (default today) becomes its last day."""

    @extend_schema(
        request=SubstitutionEndIn,
        responses={200: SubstitutionOut},
        operation_id="substitutions_end",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        substitution = selectors.substitution_get_for_staff(actor, pk)
        data = parse(SubstitutionEndIn, request.data)
        ended = services.substitution_end(actor=actor, substitution=substitution, on=data.get("on"))
        return Response(substitution_out(ended))
