"""Django admin of the calendar. Every save goes through the services: the change is
audited, the year's revision grows and the cached calendar is dropped."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bering.deadlines import services
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.orgs.current import request_actor


def _who(request: HttpRequest) -> dict[str, Any]:
    return {
        "actor": request_actor(request),
        "via": "admin",
        "username": request.user.get_username(),
    }


class CalendarDayForm(forms.ModelForm[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ("date", "kind", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date = data.get("date")
        if date is not None and not CalendarYear.objects.filter(year=date.year).exists():
            raise forms.ValidationError(
                _("The calendar of %(year)s is not filled in yet: run calendar_seed first.")
                % {"year": date.year}
            )
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    form = CalendarDayForm
    list_display = ("date", "kind", "name")
    list_filter = ("year", "kind")
    date_hierarchy = "date"
    search_fields = ("name",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: CalendarDay | None = None
    ) -> tuple[str, ...]:
        return ("date",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = services.calendar_day_set(
            day=obj.date, kind=DayKind(obj.kind), name=obj.name, **_who(request)
        )
        if saved is not None:
            obj.pk, obj.year_id = saved.pk, saved.year_id

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_set(day=obj.date, kind=None, **_who(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in list(queryset):
            services.calendar_day_set(day=day.date, kind=None, **_who(request))


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ("year", "decree", "official_working_days", "source", "updated_at")
    fields = ("year", "decree", "official_working_days", "source", "revision", "updated_at")
    readonly_fields = ("year", "source", "revision", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a year is filled in with calendar_seed or from the calendar page

    def has_delete_permission(self, request: HttpRequest, obj: CalendarYear | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        services.calendar_year_describe(
            year=obj.year,
            decree=obj.decree,
            official_working_days=obj.official_working_days,
            **_who(request),
        )
