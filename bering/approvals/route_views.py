"""Staff pages for keeping route templates: the list, and one template with its stages.

Thin: parse, get the template through its getter, call one service of ``route_templates``,
redirect (POST-redirect-GET). A refused change shows the page again with the
form as typed and its message (400), so nothing typed is lost. Forms post
without htmx: a 400 page must be shown, and htmx does not swap error answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bering.approvals import route_templates, selectors
from bering.approvals.forms import (
    RouteParticipantForm,
    RouteRefForm,
    RouteStageForm,
    RouteTemplateForm,
)
from bering.approvals.models import RouteParticipant, RouteTemplate
from bering.audit.selectors import history_for
from bering.core.errors import Forbidden, ValidationFailed
from bering.orgs.actor import Actor
from bering.orgs.current import require_actor

ROUTE_VERBS = {
    "route.created": _lazy("template created"),
    "route.changed": _lazy("name or document type changed"),
    "route.activated": _lazy("template switched on"),
    "route.deactivated": _lazy("template switched off"),
    "route.stage_added": _lazy("stage added"),
    "route.stage_changed": _lazy("stage changed"),
    "route.stage_moved": _lazy("stage moved"),
    "route.stage_removed": _lazy("stage removed"),
    "route.participant_added": _lazy("participant added"),
    "route.participant_removed": _lazy("participant removed"),
}
HISTORY_ROWS = 20


@dataclass
class Failed:
    """A form that was refused: shown again, as typed, with its message."""

    action: str
    form: forms.Form
    stage_id: int | None = None


def _refuse(form: forms.Form, exc: ValidationFailed) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def _submit(
    form: forms.Form, save: Callable[[dict[str, Any]], object], done: str, failed: Failed
) -> str | Failed:
    """A form action: a valid form goes to the service; a refusal goes back to the form."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationFailed as exc:
            _refuse(form, exc)
        else:
            return done
    return failed


def _complain(request: HttpRequest, form: forms.Form) -> None:
    """The first reason at the top of the page; every reason stays beside its field."""
    for errors in form.errors.values():
        messages.error(request, _("Not saved: %(reason)s") % {"reason": errors[0]})
        return


def _typed(form: forms.Form, name: str) -> str:
    value = form[name].value()
    return "" if value is None else str(value)


@login_required
def route_list(request: HttpRequest) -> HttpResponse:
    """Route templates of my organization, and a new one for those who keep them."""
    actor = require_actor(request)
    can_edit = selectors.may_edit_routes(actor)
    form = RouteTemplateForm(request.POST or None, auto_id=False)
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(route_templates.EDIT_DENIED)
        if form.is_valid():
            try:
                template = route_templates.route_template_create(
                    actor=actor,
                    name=form.cleaned_data["name"],
                    doc_type_id=form.cleaned_data["doc_type"],
                )
            except ValidationFailed as exc:
                _refuse(form, exc)
            else:
                messages.success(request, _("Template created: now add its stages."))
                return redirect("approvals:route", pk=template.pk)
        _complain(request, form)
    context = {
        "templates": selectors.route_templates_kept(actor),
        "can_edit": can_edit,
        "form": form,
        "doc_type_typed": _typed(form, "doc_type"),
        "doc_types": selectors.route_doc_types() if can_edit else [],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "approvals/routes.html", context, status=status)


@login_required
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One template: its stages in order with their participants, and a form for each change.

    A change is posted here with its ``action``; it redirects back, or shows the page
    again with the refused form as typed (400).
    """
    actor = require_actor(request)
    if request.method != "POST":
        return _route_page(request, actor, selectors.route_template_get_for_user(actor, pk))
    template = selectors.route_template_get_for_user(actor, pk, for_write=True)
    action = request.POST.get("action", "")
    handler = _ROUTE_ACTIONS.get(action)
    if handler is None:
        messages.error(request, _("Unknown action."))
        return _route_page(request, actor, template, status=400)
    outcome = handler(request, actor, template)
    if isinstance(outcome, Failed):
        _complain(request, outcome.form)
        fresh = selectors.route_template_get_for_user(actor, pk)
        return _route_page(request, actor, fresh, failed=outcome, status=400)
    messages.success(request, outcome)
    return redirect("approvals:route", pk=pk)


def _route_page(
    request: HttpRequest,
    actor: Actor,
    template: RouteTemplate,
    *,
    failed: Failed | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = selectors.may_edit_routes(actor)

    def form_for(action: str, stage_id: int | None, fresh: forms.Form) -> forms.Form:
        if failed is not None and failed.action == action and failed.stage_id == stage_id:
            return failed.form
        return fresh

    stages = []
    resolved = selectors.participants_people(
        [p for stage in template.stages.all() for p in stage.participants.all()],
        actor.organization_id,
    )
    for stage in template.stages.all():
        participants = [
            (p, route_templates.participant_label(p), resolved[p.pk])
            for p in stage.participants.all()
        ]
        initial = {"name": stage.name, "mode": stage.mode, "days": stage.days}
        edit = form_for("stage_edit", stage.pk, RouteStageForm(initial=initial, auto_id=False))
        stages.append({"stage": stage, "participants": participants, "form": edit})
    chosen = request.GET.get("stage", "")
    participant_form = form_for(
        "participant_add",
        None,
        RouteParticipantForm(
            initial={"stage": int(chosen) if chosen.isdigit() else None}, auto_id=False
        ),
    )
    template_form = form_for(
        "rename",
        None,
        RouteTemplateForm(
            initial={"name": template.name, "doc_type": template.doc_type_id}, auto_id=False
        ),
    )
    events = history_for(object_type=route_templates.OBJECT_TYPE, object_id=template.pk).order_by(
        "-id"
    )
    context = {
        "template": template,
        "stages": stages,
        "can_edit": can_edit,
        "choices": selectors.route_choices(actor) if can_edit else None,
        "template_form": template_form,
        "doc_type_typed": _typed(template_form, "doc_type"),
        "stage_form": form_for("stage_add", None, RouteStageForm(auto_id=False)),
        "participant_form": participant_form,
        "typed": {
            name: _typed(participant_form, name)
            for name in ("stage", "kind", "employee", "position", "department")
        },
        "kinds": RouteParticipant.Kind.choices,
        "failed": failed,
        "history": [
            (event, ROUTE_VERBS.get(event.verb, event.verb)) for event in events[:HISTORY_ROWS]
        ],
    }
    return render(request, "approvals/route.html", context, status=status)


RouteAction = Callable[[HttpRequest, Actor, RouteTemplate], "str | Failed"]


def _rename(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
    form = RouteTemplateForm(request.POST, auto_id=False)
    return _submit(
        form,
        lambda data: route_templates.route_template_update(
            actor=actor, template=template, name=data["name"], doc_type_id=data["doc_type"]
        ),
        _("Saved."),
        Failed("rename", form),
    )


def _switch(is_active: bool) -> RouteAction:
    def act(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
        route_templates.route_template_update(actor=actor, template=template, is_active=is_active)
        if is_active:
            return _("The template is on: authors can choose it.")
        return _("The template is off: authors no longer see it.")

    return act


def _stage_add(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
    form = RouteStageForm(request.POST, auto_id=False)
    return _submit(
        form,
        lambda data: route_templates.route_stage_add(
            actor=actor, template=template, name=data["name"], mode=data["mode"], days=data["days"]
        ),
        _("Stage added."),
        Failed("stage_add", form),
    )


def _ref(request: HttpRequest) -> RouteRefForm:
    ref = RouteRefForm(request.POST)
    if not ref.is_valid():
        raise ValidationFailed(_("Choose a stage."), field="stage")
    return ref


def _stage_edit(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
    stage_id: int = _ref(request).cleaned_data["stage"]
    form = RouteStageForm(request.POST, auto_id=False)
    return _submit(
        form,
        lambda data: route_templates.route_stage_update(
            actor=actor,
            template=template,
            stage_id=stage_id,
            name=data["name"],
            mode=data["mode"],
            days=data["days"],
        ),
        _("Stage saved."),
        Failed("stage_edit", form, stage_id=stage_id),
    )


def _stage_move(direction: str) -> RouteAction:
    def act(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
        stage_id: int = _ref(request).cleaned_data["stage"]
        route_templates.route_stage_move(
            actor=actor, template=template, stage_id=stage_id, direction=direction
        )
        return _("Stage moved.")

    return act


def _stage_remove(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
    stage_id: int = _ref(request).cleaned_data["stage"]
    route_templates.route_stage_remove(actor=actor, template=template, stage_id=stage_id)
    return _("Stage removed.")


def _participant_add(request: HttpRequest, actor: Actor, template: RouteTemplate) -> str | Failed:
    form = RouteParticipantForm(request.POST, auto_id=False)
    return _submit(
        form,
        lambda data: route_templates.route_participant_add(
            actor=actor,
            template=template,
            stage_id=data["stage"],
            kind=data["kind"],
            employee_id=data["employee"],
            position_id=data["position"],
            department_id=data["department"],
        ),
        _("Participant added."),
        Failed("participant_add", form),
    )


def _participant_remove(
    request: HttpRequest, actor: Actor, template: RouteTemplate
) -> str | Failed:
    ref = _ref(request)
    participant_id = ref.cleaned_data["participant"]
    if participant_id is None:
        raise ValidationFailed(_("Choose a participant."), field="participant")
    route_templates.route_participant_remove(
        actor=actor,
        template=template,
        stage_id=ref.cleaned_data["stage"],
        participant_id=participant_id,
    )
    return _("Participant removed.")


_ROUTE_ACTIONS: dict[str, RouteAction] = {
    "rename": _rename,
    "activate": _switch(True),
    "deactivate": _switch(False),
    "stage_add": _stage_add,
    "stage_edit": _stage_edit,
    "stage_up": _stage_move(route_templates.UP),
    "stage_down": _stage_move(route_templates.DOWN),
    "stage_remove": _stage_remove,
    "participant_add": _participant_add,
    "participant_remove": _participant_remove,
}
