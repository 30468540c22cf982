"""Factories for organizations and people (Faker in Russian)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from bering.accounts.models import User
from bering.orgs.models import Department, Employee, Organization, Position

PASSWORD = "Secret-Pass-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="ru_RU")
    last_name = factory.Faker("last_name", locale="ru_RU")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Министерство тестирования № {n}")
    short_name = factory.Sequence(lambda n: f"Минтест-{n}")
    code = factory.Sequence(lambda n: f"T{n:03d}")
    kind = Organization.Kind.EXECUTIVE
    time_zone = "Asia/Kamchatka"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Отдел № {n}")


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Специалист {n}")


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
