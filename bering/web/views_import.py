"""The import page: a region administrator connects organizations and adds employees
from a CSV or XLSX file and sees the per-row report.

It lives here, above ``orgs`` and ``documents``, because connecting an organization
for work also creates its journals (``documents.onboarding``).
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bering.accounts.models import User
from bering.core.errors import Forbidden
from bering.documents.onboarding import organization_onboard
from bering.orgs import importing, permissions
from bering.orgs.current import request_actor
from bering.orgs.forms import ImportForm

SAMPLES = {
    ImportForm.ORGANIZATIONS: (importing.ORGANIZATION_COLUMNS, importing.ORGANIZATION_EXAMPLE),
    ImportForm.EMPLOYEES: (importing.EMPLOYEE_COLUMNS, importing.EMPLOYEE_EXAMPLE),
}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file of organizations or employees and see the per-row report."""
    user = request.user
    if not isinstance(user, User) or not permissions.can_connect_organizations(user):
        raise Forbidden(_("Only a region administrator may import organizations and employees."))
    actor = request_actor(request)
    if actor is None:
        raise Forbidden(_("Choose the post you act in: the history must name who imported."))
    sample = request.GET.get("sample", "")
    if sample in SAMPLES:
        columns, example = SAMPLES[sample]
        response = HttpResponse(
            importing.sample_csv(columns, example), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{sample}.csv"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = (
            partial(importing.organizations_import, connect=organization_onboard)
            if form.cleaned_data["kind"] == ImportForm.ORGANIZATIONS
            else importing.employees_import
        )
        report = run(actor=actor, data=upload.read(), name=upload.name or "")
    context = {
        "form": form,
        "report": report,
        "organization_columns": importing.ORGANIZATION_COLUMNS,
        "employee_columns": importing.EMPLOYEE_COLUMNS,
    }
    failed = request.method == "POST" and (report is None or not report.ok)
    return render(request, "orgs/import.html", context, status=400 if failed else 200)
