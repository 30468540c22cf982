"""Staff pages of appeals. Thin: parse, get through the getter, call one service, render."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bering.appeals import permissions, selectors, services
from bering.appeals.forms import (
    AnswerForm,
    CloseForm,
    ExtendForm,
    PaperForm,
    RedirectForm,
    RegisterForm,
)
from bering.appeals.models import Appeal
from bering.core.errors import DomainError, NotFound
from bering.documents.services import Upload
from bering.files.http import attachment_response
from bering.orgs import widgets
from bering.orgs.actor import Actor
from bering.orgs.current import require_actor


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    flt = selectors.StaffFilter(
        status=request.GET.get("status", "open"),
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", ""),
    )
    page = Paginator(selectors.appeal_list(actor, flt), 20).get_page(request.GET.get("page"))
    rows = [(a, selectors.current_due(a)) for a in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "flt": flt,
        "statuses": Appeal.Status.choices,
        "queue_count": selectors.queue_count(actor),
        "can_register": actor.employee.is_registrar,
    }
    return render(request, "appeals/list.html", context)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Appeals received and waiting for registration, the nearest term first."""
    actor = require_actor(request)
    page = Paginator(selectors.registration_queue(actor), 20).get_page(request.GET.get("page"))
    rows = [(a, selectors.current_due(a)) for a in page.object_list]
    return render(request, "appeals/queue.html", {"page": page, "rows": rows})


def _card(
    request: HttpRequest, actor: Actor, appeal: Appeal, redirect_form: RedirectForm | None = None
) -> dict[str, object]:
    org_id = actor.organization_id
    return {
        "appeal": appeal,
        "due": selectors.current_due(appeal),
        "steps": selectors.tracking_steps(appeal),
        "related": selectors.related_appeals(appeal),
        "files": list(appeal.files.select_related("stored", "supplement")),
        "supplements": list(appeal.supplements.all()),
        "actions": permissions.actions_for(actor.employee, appeal),
        "register_form": RegisterForm(organization_id=org_id),
        "redirect_form": redirect_form or RedirectForm(organization_id=org_id),
        "extend_form": ExtendForm(initial={"days": 30}),
        "close_form": CloseForm(),
        "answer_form": AnswerForm(answers=selectors.answer_candidates(appeal)),
        "has_answers": selectors.answer_candidates(appeal).exists(),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_actor(request)
    appeal = selectors.appeal_get_for_user(actor, pk)
    return render(request, "appeals/detail.html", _card(request, actor, appeal))


def _act(request: HttpRequest, pk: int, do: Callable[[Actor, Appeal], str | None]) -> HttpResponse:
    """Run one action on the appeal; a refusal comes back as a message on the card."""
    actor = require_actor(request)
    appeal = selectors.appeal_get_for_user(actor, pk)
    try:
        done = do(actor, appeal)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("appeals:detail", pk=pk)
    if done:
        messages.success(request, done)
    return redirect("appeals:detail", pk=pk)


def _form_error(form: RegisterForm | RedirectForm | ExtendForm | CloseForm | AnswerForm) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("Check the form.")


class _Invalid(DomainError):
    pass


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, appeal: Appeal) -> str:
        form = RegisterForm(request.POST, organization_id=actor.organization_id)
        if not form.is_valid():
            raise _Invalid(_form_error(form))
        done = services.appeal_register(
            actor=actor,
            appeal=appeal,
            title=form.cleaned_data["title"],
            executor=form.cleaned_data["executor"],
        )
        number = done.document.reg_number if done.document else ""
        return _("Registered: № %(number)s") % {"number": number}

    return _act(request, pk, do)


@login_required
@require_POST
def redirect_to(request: HttpRequest, pk: int) -> HttpResponse:
    if widgets.PICK in request.POST:  # «Найти» without JavaScript: the card, with the matches
        actor = require_actor(request)
        appeal = selectors.appeal_get_for_user(actor, pk)
        form = RedirectForm(request.POST, organization_id=actor.organization_id)
        return render(request, "appeals/detail.html", _card(request, actor, appeal, form))

    def do(actor: Actor, appeal: Appeal) -> str:
        form = RedirectForm(request.POST, organization_id=actor.organization_id)
        if not form.is_valid():
            raise _Invalid(_form_error(form))
        services.appeal_redirect(
            actor=actor,
            appeal=appeal,
            organization=form.cleaned_data["organization"],
            outside_name=form.cleaned_data["outside_name"],
            outside_address=form.cleaned_data["outside_address"],
            note=form.cleaned_data["note"],
        )
        return _("Redirected; the citizen is told.")

    return _act(request, pk, do)


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, appeal: Appeal) -> str:
        form = ExtendForm(request.POST)
        if not form.is_valid():
            raise _Invalid(_form_error(form))
        done = services.appeal_extend(
            actor=actor,
            appeal=appeal,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
        assert done.answer_due_at is not None
        due = done.answer_due_at.astimezone(done.organization.tz)
        return _("Extended to %(date)s; the citizen is told.") % {"date": f"{due:%d.%m.%Y}"}

    return _act(request, pk, do)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, appeal: Appeal) -> str:
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise _Invalid(_form_error(form))
        services.appeal_close_without_answer(
            actor=actor,
            appeal=appeal,
            ground=form.cleaned_data["ground"],
            note=form.cleaned_data["note"],
        )
        return _("Left without an answer: %(ground)s.") % {
            "ground": dict(CloseForm.base_fields["ground"].choices)[  # type: ignore[attr-defined]
                form.cleaned_data["ground"]
            ]
        }

    return _act(request, pk, do)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    def do(actor: Actor, appeal: Appeal) -> str:
        form = AnswerForm(request.POST, answers=selectors.answer_candidates(appeal))
        if not form.is_valid():
            raise _Invalid(_form_error(form))
        services.appeal_answer_send(
            actor=actor,
            appeal=appeal,
            answer=form.cleaned_data["answer"],
            result=form.cleaned_data["result"],
        )
        return _("The answer is sent to the citizen.")

    return _act(request, pk, do)


@login_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    actor = require_actor(request)
    appeal = selectors.appeal_get_for_user(actor, pk)
    item = selectors.appeal_file_get(appeal, file_id)
    return attachment_response(item.stored)


@login_required
def answer_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = require_actor(request)
    appeal = selectors.appeal_get_for_user(actor, pk)
    if appeal.answer_file is None:
        raise NotFound(_("File not found."))
    return attachment_response(appeal.answer_file)


@login_required
def paper(request: HttpRequest) -> HttpResponse:
    """A paper appeal, or one from a personal reception: the citizen found or
    typed in, the appeal registered at once, the tracking link shown once."""
    actor = require_actor(request)
    if not actor.employee.is_registrar:
        raise NotFound(_("Page not found."))
    q = request.GET.get("q", "")
    found = list(selectors.citizens_find(actor, q)) if q else []
    form = PaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["citizen"]:
                citizen = selectors.citizen_get_for_registrar(actor, data["citizen"])
            else:
                citizen = services.citizen_create_by_clerk(
                    actor=actor,
                    data=services.CitizenData(
                        last_name=data["last_name"],
                        first_name=data["first_name"],
                        middle_name=data["middle_name"],
                        postal_address=data["postal_address"],
                        email=data["email"],
                    ),
                )
            sent = services.appeal_register_paper(
                actor=actor,
                citizen=citizen,
                text=data["text"],
                channel=data["channel"],
                received_on=data["received_on"],
                topic=data["topic"],
                uploads=[
                    Upload(name=f.name or "scan", stream=f) for f in request.FILES.getlist("scan")
                ],
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            return render(
                request,
                "appeals/paper_done.html",
                {"appeal": sent.appeal, "url": services.tracking_url(sent.token)},
            )
    status = 400 if request.method == "POST" else 200
    chosen = request.GET.get("citizen") or request.POST.get("citizen")
    context = {"form": form, "q": q, "found": found, "chosen": chosen}
    return render(request, "appeals/paper.html", context, status=status)
