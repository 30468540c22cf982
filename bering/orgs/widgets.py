"""Pickers of people and organizations: a search box and ticks, not a wall of checkboxes.

Without JavaScript a picker is a search box with a «Найти» button that submits the
same form (``PICK``): the form re-renders, keeping what was typed and chosen, with
the matches to tick. With htmx the box asks the search endpoints as one types
(two letters or more) and swaps the list in place. The chosen items stay in the
form as checked inputs, so the ordinary POST carries them. A short list (fewer
than ``SHORT`` choices) is plain checkboxes or a plain select.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Model, QuerySet
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorDict
from django.forms.widgets import ChoiceWidget
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bering.orgs import selectors
from bering.orgs.models import Employee, Organization

PICK = "_pick"
"""The name of the «Найти» button: a submit that searches instead of saving."""
SEARCH_SUFFIX = "__q"
"""The search box of field ``x`` is ``x__q``."""
SHORT = 30
"""Fewer choices than this are listed whole."""
PEOPLE = "people"
ORGANIZATIONS = "organizations"
NAME_RE = re.compile(r"^[\w-]{1,80}$")


@dataclass(frozen=True)
class Option:
    pk: int
    label: str
    hint: str = ""


@dataclass
class Group:
    label: str
    items: list[Option] = field(default_factory=list)


def option_for(item: Model) -> Option:
    if isinstance(item, Employee):
        position = item.position.name if item.position_id and item.position else ""
        return Option(pk=item.pk, label=item.user.display_name, hint=position)
    if isinstance(item, Organization):
        hint = truncatechars(item.name, 70) if item.name != item.short_name else ""
        return Option(pk=item.pk, label=item.short_name, hint=hint)
    return Option(pk=int(item.pk), label=str(item))


def group_label(item: Model) -> str:
    """People are grouped by department; organizations by kind and municipality."""
    if isinstance(item, Employee):
        return (
            item.department.name if item.department_id and item.department else _("No department")
        )
    if isinstance(item, Organization):
        kind = item.get_kind_display()
        return f"{kind} · {item.parent.short_name}" if item.parent_id and item.parent else kind
    return ""


def grouped(items: Iterable[Model]) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in items:
        label = group_label(item)
        groups.setdefault(label, Group(label)).items.append(option_for(item))
    return list(groups.values())


def list_context(
    *, name: str, multiple: bool, query: str, chosen: Sequence[Model], matches: Sequence[Model]
) -> dict[str, Any]:
    """What ``orgs/widgets/_picker_list.html`` shows: the chosen, then the matches."""
    query = query.strip()
    return {
        "name": name,
        "input_type": "checkbox" if multiple else "radio",
        "query": query,
        "too_short": 0 < len(query) < selectors.PICK_MIN,
        "chosen": [option_for(item) for item in chosen],
        "groups": grouped(matches),
        "more": len(matches) >= selectors.PICK_MAX,
    }


def valid_ids(values: Iterable[Any]) -> list[int]:
    ids = []
    for value in values:
        text = str(value)
        if text.isdigit() and len(text) < 12:
            ids.append(int(text))
    return ids


class Picker(forms.Widget):
    """Search and tick people (``PEOPLE``) or organizations (``ORGANIZATIONS``).

    The field's queryset is the scope: the matches and the chosen come from it only.
    ``params`` go to the search endpoint (``others=1``: not one's own organization).
    """

    template_name = "orgs/widgets/picker.html"
    use_fieldset = True
    choices: Any

    def __init__(
        self,
        kind: str,
        *,
        multiple: bool = True,
        params: Mapping[str, str] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.multiple = multiple
        self.allow_multiple_selected = multiple
        self.params = dict(params or {})
        self.query = ""
        self.choices = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Picker:
        obj: Picker = super().__deepcopy__(memo)
        obj.params = dict(self.params)
        return obj

    @property
    def queryset(self) -> QuerySet[Any]:
        return self.choices.queryset  # type: ignore[no-any-return]

    def is_short(self) -> bool:
        if not hasattr(self.choices, "queryset"):
            return True
        if not hasattr(self, "_short"):
            self._short = self.queryset.count() < SHORT
        return self._short

    def _fallback(self) -> ChoiceWidget:
        widget: ChoiceWidget = (
            forms.CheckboxSelectMultiple(self.attrs) if self.multiple else forms.Select(self.attrs)
        )
        widget.choices = self.choices
        return widget

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        if self.is_short():
            rendered: SafeString = self._fallback().render(name, value, attrs, renderer)
            return rendered
        return super().render(name, value, attrs, renderer)

    def id_for_label(self, id_: str) -> str:
        if self.is_short():
            return str(self._fallback().id_for_label(id_))
        return ""  # a group of inputs: the legend names it, not a label

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False if self.multiple else name not in data

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(v.pk if isinstance(v, Model) else v) for v in value]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ids = valid_ids(context["widget"]["value"])
        chosen = list(self.queryset.filter(pk__in=ids)) if ids else []
        rest = self.queryset.exclude(pk__in=ids)
        query = self.query
        if self.kind == PEOPLE:
            matches: list[Any] = selectors.people_matching(rest, query)
            url = reverse("orgs:pick-people")
        else:
            matches = selectors.organizations_matching(rest, query)
            url = reverse("orgs:pick-organizations")
        params = {"name": name, "multiple": "1" if self.multiple else "0", **self.params}
        element_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            {
                "search_name": f"{name}{SEARCH_SUFFIX}",
                "search_id": f"{element_id}{SEARCH_SUFFIX}",
                "list_id": f"{element_id}-list",
                "search_url": f"{url}?{urlencode(params)}",
                "pick": PICK,
                "query": query,
            }
        )
        context.update(
            list_context(
                name=name, multiple=self.multiple, query=query, chosen=chosen, matches=matches
            )
        )
        return context


class PickerForm(forms.Form):
    """A form with pickers: the «Найти» button (``PICK``) searches, it does not save."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, bound_field in self.fields.items():
            if isinstance(bound_field.widget, Picker) and self.is_bound:
                typed = self.data.get(f"{self.add_prefix(name)}{SEARCH_SUFFIX}", "")
                bound_field.widget.query = str(typed)[:100]

    @property
    def picking(self) -> bool:
        """The person pressed «Найти»: show the matches, save nothing, blame nothing."""
        return self.is_bound and PICK in self.data

    def full_clean(self) -> None:
        super().full_clean()
        if self.picking:
            self._errors = ErrorDict()

    def is_valid(self) -> bool:
        return not self.picking and super().is_valid()
