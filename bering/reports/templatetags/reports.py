"""Template filters of the reports: figures the Russian way (a decimal comma)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def cell(value: object) -> object:
    """A table cell: a float with one decimal and a comma, anything else as it is."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


@register.filter
def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
