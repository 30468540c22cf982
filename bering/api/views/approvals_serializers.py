"""The shapes of the approvals API: what it answers (``...Out``) with the bodies that
fill them, and what it reads (``...In``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from bering.api.serializers import id_field
from bering.approvals import selectors
from bering.approvals.forms import OUTCOME_CHOICES
from bering.approvals.models import Mode, RouteTemplate, Visa
from bering.approvals.selectors import RouteView, VisaRow
from bering.approvals.services import MAX_REASON, StagePlan
from bering.signatures.models import Signature

# --- Output -----------------------------------------------------------------------------


class ApprovalPersonOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RemovalOut(serializers.Serializer[Any]):
    approver = ApprovalPersonOut()
    reason = serializers.CharField()


def person_data(employee: Any) -> dict[str, Any] | None:
    """An employee as ``ApprovalPersonOut``, or None."""
    if employee is None:
        return None
    return {"id": employee.pk, "name": employee.user.display_name}


class VisaOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    round = serializers.IntegerField()
    stage = serializers.IntegerField(help_text="Order of the stage in the round.")
    kind = serializers.ChoiceField(choices=Visa.Kind.choices)
    status = serializers.ChoiceField(choices=Visa.Status.choices)
    approver = ApprovalPersonOut()
    decided_by = ApprovalPersonOut(
        allow_null=True, help_text="The user who decided (a substitute)."
    )
    activated_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()
    remark_file = serializers.CharField(allow_null=True)
    overdue = serializers.BooleanField()
    overdue_label = serializers.CharField(help_text='"просрочено на N раб. дн." or empty.')


def visa_data(row: VisaRow) -> dict[str, Any]:
    visa = row.visa
    user = visa.decided_by_user
    return {
        "id": visa.pk,
        "document": visa.run.document_id,
        "round": visa.run.round,
        "stage": visa.stage.order,
        "kind": visa.kind,
        "status": visa.status,
        "approver": person_data(visa.approver),
        "decided_by": {"id": user.pk, "name": user.display_name} if user else None,
        "activated_at": visa.activated_at,
        "due_at": visa.due_at,
        "due_explanation": visa.due_explanation,
        "decided_at": visa.decided_at,
        "comment": visa.comment,
        "remark_file": visa.remark_file.original_name if visa.remark_file else None,
        "overdue": row.late.overdue,
        "overdue_label": row.late.label,
    }


class InboxItemOut(VisaOut):
    title = serializers.CharField()
    doc_type = serializers.CharField()


class StageOut(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.CharField()
    is_signing = serializers.BooleanField()
    days = serializers.IntegerField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField()
    overdue_label = serializers.CharField()
    visas = VisaOut(many=True)


class RoundOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField()
    overdue_label = serializers.CharField()
    files = serializers.ListField(child=serializers.IntegerField())
    stages = StageOut(many=True)
    removed = RemovalOut(
        many=True,
        help_text="Approvers who did not agree in the previous round and were left out of "
        "this one, with the author's reason.",
    )


class PlanStageOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=Mode.choices)
    days = serializers.IntegerField(allow_null=True)
    approvers = serializers.ListField(child=serializers.IntegerField())


class RoundsOut(serializers.Serializer[Any]):
    """A document's approval: its rounds, who has the draft now, how a next round starts."""

    document = serializers.IntegerField()
    status = serializers.CharField(help_text="The document's status.")
    normative_days = serializers.IntegerField()
    signing_without_approval = serializers.BooleanField(
        help_text="Whether the type's regulation lets a draft go straight to signing "
        "(start with direct_to_signing)."
    )
    next_plan = PlanStageOut(
        many=True,
        help_text="The route a next round starts from: the last round's approval stages "
        "with the same people (empty before the first round).",
    )
    refused_in_last_round = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Employees who did not agree in the last round: leaving them out of the "
        "next round needs removal_reason.",
    )
    holders = VisaOut(many=True, help_text="Who has the draft now.")
    rounds = RoundOut(many=True)


def _plan_data(plan: list[StagePlan] | None) -> list[dict[str, Any]]:
    return [
        {"name": s.name, "mode": s.mode, "days": s.days, "approvers": list(s.approver_ids)}
        for s in plan or []
    ]


def rounds_data(route: RouteView) -> dict[str, Any]:
    active = route.active
    document = route.document
    return {
        "document": document.pk,
        "status": document.status,
        "normative_days": selectors.normative_days(document),
        "signing_without_approval": selectors.signing_without_approval(document),
        "next_plan": _plan_data(selectors.previous_plan(document)),
        "refused_in_last_round": selectors.previous_refusers(document),
        "holders": [visa_data(r) for r in active.holders] if active else [],
        "rounds": [
            {
                "id": rv.run.pk,
                "round": rv.run.round,
                "status": rv.run.status,
                "started_at": rv.run.started_at,
                "finished_at": rv.run.finished_at,
                "due_at": rv.run.due_at,
                "due_explanation": rv.run.due_explanation,
                "overdue_label": rv.late.label,
                "files": list(rv.run.file_ids),
                "removed": [
                    {"approver": person_data(r.approver), "reason": r.reason} for r in rv.removals
                ],
                "stages": [
                    {
                        "order": sv.stage.order,
                        "name": sv.stage.name,
                        "mode": sv.stage.mode,
                        "is_signing": sv.stage.is_signing,
                        "days": sv.stage.days,
                        "status": sv.stage.status,
                        "due_at": sv.stage.due_at,
                        "due_explanation": sv.stage.due_explanation,
                        "overdue_label": sv.late.label,
                        "visas": [visa_data(r) for r in sv.visas],
                    }
                    for sv in rv.stages
                ],
            }
            for rv in route.runs
        ],
    }


class CertificateOut(serializers.Serializer[Any]):
    serial = serializers.CharField()
    owner = serializers.CharField()
    organization = serializers.CharField()
    title = serializers.CharField()
    issuer = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()
    algorithm = serializers.CharField()
    thumbprint = serializers.CharField()


def signature_certificate_data(s: Signature) -> dict[str, Any]:
    """A signature's certificate, verification result and marked copy, for the API."""
    return {
        "certificate": dict(s.certificate) if s.is_qualified else None,
        "verification": s.verification,
        "verification_message": s.verification_message,
        "verified_at": s.verified_at,
        "marked_copy": reverse("api-signature-marked-copy", args=[s.pk]) if s.marked_name else None,
    }


class SignatureOut(serializers.Serializer[Any]):
    file = serializers.IntegerField()
    file_name = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.CharField()
    signer = ApprovalPersonOut()
    signed_by = serializers.CharField()
    signed_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    certificate = CertificateOut(
        allow_null=True, help_text="A qualified signature's certificate; null for a simple one."
    )
    verification = serializers.CharField(
        help_text='"valid" when every check passed at signing; a failure code otherwise; "" '
        "for a simple signature."
    )
    verification_message = serializers.CharField()
    verified_at = serializers.DateTimeField(allow_null=True)
    marked_copy = serializers.CharField(
        allow_null=True, help_text="The PDF copy with the signature mark, once made."
    )


class SheetOut(RoundsOut):
    title = serializers.CharField()
    reg_number = serializers.CharField()
    signatures = SignatureOut(many=True)


class OfferedRouteTemplateStageOut(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)


class OfferedRouteTemplateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    doc_type = serializers.CharField(allow_null=True)
    stages = OfferedRouteTemplateStageOut(many=True)


def offered_template_data(template: RouteTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "doc_type": template.doc_type.code if template.doc_type else None,
        "stages": [
            {"order": s.order, "name": s.name, "mode": s.mode, "days": s.days}
            for s in template.stages.all()
        ],
    }


# --- Input ------------------------------------------------------------------------------


class StagePlanIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.PARALLEL)
    days = serializers.IntegerField(
        min_value=1, max_value=60, required=False, allow_null=True, default=None
    )
    approvers = serializers.ListField(child=id_field(), max_length=200)


class StartIn(serializers.Serializer[Any]):
    """The plan of the round: ``stages`` as given; otherwise a route ``template``'s
    stages; otherwise, for a next round, the previous round's route (``next_plan`` of
    the route); then ``remove`` and ``add`` are applied."""

    template = id_field(required=False, allow_null=True, default=None)
    stages = serializers.ListField(
        child=StagePlanIn(),
        required=False,
        max_length=50,
        help_text="The stages and approvers as the author wants them (the signer's stage "
        "is always added last).",
    )
    remove = serializers.ListField(child=id_field(), default=list, max_length=200)
    add = serializers.ListField(child=id_field(), default=list, max_length=200)
    removal_reason = serializers.CharField(
        max_length=MAX_REASON,
        allow_blank=True,
        default="",
        help_text="Required when an approver who did not agree in the previous round is "
        "left out; shown on the route.",
    )
    direct_to_signing = serializers.BooleanField(
        default=False,
        help_text="Send the draft straight to the signer with no approval stage: the plan "
        "must then be empty, and the type's regulation must allow it. Without it an empty "
        "plan is refused.",
    )


class DecideIn(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=[c[0] for c in OUTCOME_CHOICES])
    comment = serializers.CharField(max_length=5000, allow_blank=True, default="")
    remark_file = serializers.FileField(required=False, allow_null=True, default=None)


class SignIn(serializers.Serializer[Any]):
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class DetachedSignatureIn(serializers.Serializer[Any]):
    file = serializers.IntegerField(help_text="The file version (id) the signature is of.")
    cms = serializers.CharField(
        max_length=400_000,
        help_text="The detached CMS (PKCS#7) signature of the file's exact bytes, base64 (DER).",
    )


class SignQualifiedIn(serializers.Serializer[Any]):
    signatures = DetachedSignatureIn(many=True)


class FileToSignOut(serializers.Serializer[Any]):
    file = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    download = serializers.CharField(help_text="Where to fetch the exact bytes to sign.")


class RecallIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class TemplateQueryIn(serializers.Serializer[Any]):
    doc_type = id_field(required=False)
