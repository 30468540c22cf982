"""Staff pages for keeping route templates: the list, one template, and one URL per change.

Thin: parse, get the template through its getter, call one service of ``route_templates``,
redirect (POST-redirect-GET). A refused change shows the template's page again with
the form as typed and its message (400), so nothing typed is lost. Forms post
without htmx: a 400 page must be shown, and htmx does not swap error answers.

Each change has its own URL (``routes/<pk>/rename/``, ``routes/<pk>/stages/add/``,
``routes/<pk>/stages/<stage>/move-up/``, ...) and takes only POST; the template is
found (404 for another organization, 403 without the right) before the method is
checked, so a stranger learns nothing from a GET either.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bering.approvals import route_templates, selectors
from bering.approvals.forms import RouteParticipantForm, RouteStageForm, RouteTemplateForm
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


def _refuse(form: forms.Form, exc: ValidationFailed) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def _saved(form: forms.Form, save: Callable[[dict[str, Any]], object]) -> bool:
    """A valid form goes to the service; a refusal is put back on the form."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationFailed as exc:
        _refuse(form, exc)
        return False
    return True


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

    Each form posts to its own URL (the views below)."""
    actor = require_actor(request)
    template = selectors.route_template_get_for_user(actor, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _route_page(request, actor, template)


def _route_page(
    request: HttpRequest,
    actor: Actor,
    template: RouteTemplate,
    *,
    status: int = 200,
    template_form: RouteTemplateForm | None = None,
    stage_form: RouteStageForm | None = None,
    changed_stage: tuple[int, RouteStageForm] | None = None,
    participant_form: RouteParticipantForm | None = None,
) -> HttpResponse:
    """The template's page; a refused form (passed in) is shown as typed, open."""
    can_edit = selectors.may_edit_routes(actor)
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
        refused = changed_stage is not None and changed_stage[0] == stage.pk
        if changed_stage is not None and refused:
            edit = changed_stage[1]
        else:
            initial = {"name": stage.name, "mode": stage.mode, "days": stage.days}
            edit = RouteStageForm(initial=initial, auto_id=False)
        stages.append(
            {"stage": stage, "participants": participants, "form": edit, "refused": refused}
        )
    if participant_form is None:
        chosen = request.GET.get("stage", "")
        participant_form = RouteParticipantForm(
            initial={"stage": int(chosen) if chosen.isdigit() else None}, auto_id=False
        )
    rename_refused = template_form is not None
    if template_form is None:
        template_form = RouteTemplateForm(
            initial={"name": template.name, "doc_type": template.doc_type_id}, auto_id=False
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
        "rename_refused": rename_refused,
        "doc_type_typed": _typed(template_form, "doc_type"),
        "stage_form": stage_form or RouteStageForm(auto_id=False),
        "participant_form": participant_form,
        "typed": {
            name: _typed(participant_form, name)
            for name in ("stage", "kind", "employee", "position", "department")
        },
        "kinds": RouteParticipant.Kind.choices,
        "history": [
            (event, ROUTE_VERBS.get(event.verb, event.verb)) for event in events[:HISTORY_ROWS]
        ],
    }
    return render(request, "approvals/route.html", context, status=status)


# --- changes: one view per URL, POST only ------------------------------------------------

ChangeView = Callable[..., HttpResponse]


def _change(view: ChangeView) -> ChangeView:
    """A change of one template: signed in, the template found through its getter
    (404 for another organization, 403 without the right), then POST only."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, pk: int, **ids: int) -> HttpResponse:
        actor = require_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, actor, template, **ids)

    return wrapped


def _done(template: RouteTemplate, request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("approvals:route", pk=template.pk)


def _refused(
    request: HttpRequest, actor: Actor, template: RouteTemplate, form: forms.Form, **shown: Any
) -> HttpResponse:
    """The page again (400): the refused form as typed, its first reason on top."""
    _complain(request, form)
    fresh = selectors.route_template_get_for_user(actor, template.pk)
    return _route_page(request, actor, fresh, status=400, **shown)


@_change
def route_rename(request: HttpRequest, actor: Actor, template: RouteTemplate) -> HttpResponse:
    form = RouteTemplateForm(request.POST, auto_id=False)
    if _saved(
        form,
        lambda data: route_templates.route_template_update(
            actor=actor, template=template, name=data["name"], doc_type_id=data["doc_type"]
        ),
    ):
        return _done(template, request, _("Saved."))
    return _refused(request, actor, template, form, template_form=form)


@_change
def route_switch_on(request: HttpRequest, actor: Actor, template: RouteTemplate) -> HttpResponse:
    route_templates.route_template_update(actor=actor, template=template, is_active=True)
    return _done(template, request, _("The template is on: authors can choose it."))


@_change
def route_switch_off(request: HttpRequest, actor: Actor, template: RouteTemplate) -> HttpResponse:
    route_templates.route_template_update(actor=actor, template=template, is_active=False)
    return _done(template, request, _("The template is off: authors no longer see it."))


@_change
def route_stage_add(request: HttpRequest, actor: Actor, template: RouteTemplate) -> HttpResponse:
    form = RouteStageForm(request.POST, auto_id=False)
    if _saved(
        form,
        lambda data: route_templates.route_stage_add(
            actor=actor, template=template, name=data["name"], mode=data["mode"], days=data["days"]
        ),
    ):
        return _done(template, request, _("Stage added."))
    return _refused(request, actor, template, form, stage_form=form)


@_change
def route_stage_change(
    request: HttpRequest, actor: Actor, template: RouteTemplate, stage_id: int
) -> HttpResponse:
    form = RouteStageForm(request.POST, auto_id=False)
    if _saved(
        form,
        lambda data: route_templates.route_stage_update(
            actor=actor,
            template=template,
            stage_id=stage_id,
            name=data["name"],
            mode=data["mode"],
            days=data["days"],
        ),
    ):
        return _done(template, request, _("Stage saved."))
    return _refused(request, actor, template, form, changed_stage=(stage_id, form))


@_change
def route_stage_move_up(
    request: HttpRequest, actor: Actor, template: RouteTemplate, stage_id: int
) -> HttpResponse:
    route_templates.route_stage_move(
        actor=actor, template=template, stage_id=stage_id, direction=route_templates.UP
    )
    return _done(template, request, _("Stage moved."))


@_change
def route_stage_move_down(
    request: HttpRequest, actor: Actor, template: RouteTemplate, stage_id: int
) -> HttpResponse:
    route_templates.route_stage_move(
        actor=actor, template=template, stage_id=stage_id, direction=route_templates.DOWN
    )
    return _done(template, request, _("Stage moved."))


@_change
def route_stage_remove(
    request: HttpRequest, actor: Actor, template: RouteTemplate, stage_id: int
) -> HttpResponse:
    route_templates.route_stage_remove(actor=actor, template=template, stage_id=stage_id)
    return _done(template, request, _("Stage removed."))


@_change
def route_participant_add(
    request: HttpRequest, actor: Actor, template: RouteTemplate
) -> HttpResponse:
    form = RouteParticipantForm(request.POST, auto_id=False)
    if _saved(
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
    ):
        return _done(template, request, _("Participant added."))
    return _refused(request, actor, template, form, participant_form=form)


@_change
def route_participant_remove(
    request: HttpRequest, actor: Actor, template: RouteTemplate, stage_id: int, participant_id: int
) -> HttpResponse:
    route_templates.route_participant_remove(
        actor=actor, template=template, stage_id=stage_id, participant_id=participant_id
    )
    return _done(template, request, _("Participant removed."))
