"""Bulk import of organizations and of employees from CSV or XLSX.

Every row is checked before anything is written; if any row is wrong nothing is
imported and the report names each wrong cell (row number as the spreadsheet
shows it, column header, message). See docs/decisions/0004-bulk-import.md.

The columns are listed in ``ORGANIZATION_COLUMNS`` and ``EMPLOYEE_COLUMNS``;
headers are matched ignoring case, spaces and ё/е.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bering.accounts.models import User
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import DomainError
from bering.orgs import services
from bering.orgs.actor import Actor
from bering.orgs.import_files import Column, ImportReport, Row, RowError, norm, read_rows
from bering.orgs.models import Employee, Organization
from bering.orgs.services import PersonData


def _person_columns(prefix: str, label: str, who: str | Promise) -> list[Column]:
    return [
        Column(f"{label}: фамилия", f"{prefix}last_name", True, who),
        Column(f"{label}: имя", f"{prefix}first_name", True),
        Column(f"{label}: отчество", f"{prefix}middle_name"),
        Column(f"{label}: логин", f"{prefix}username", False, gettext_lazy("Generated if empty.")),
        Column(f"{label}: e-mail", f"{prefix}email"),
        Column(f"{label}: должность", f"{prefix}position"),
    ]


ORGANIZATION_COLUMNS: tuple[Column, ...] = (
    Column("Полное наименование", "name", True),
    Column("Краткое наименование", "short_name", True),
    Column("Код", "code", True, gettext_lazy("Unique; used in registration numbers.")),
    Column(
        "Вид",
        "kind",
        True,
        gettext_lazy("орган исполнительной власти, муниципальное образование or иная организация."),
    ),
    Column(
        "Вышестоящая организация",
        "parent",
        False,
        gettext_lazy("Code of a connected organization or of a row above."),
    ),
    Column("Часовой пояс", "time_zone", False, gettext_lazy("Asia/Kamchatka if empty.")),
    Column("Дата подключения", "connected_on", False, gettext_lazy("DD.MM.YYYY; today if empty.")),
    Column("ИНН", "inn"),
    Column("Электронная почта", "email"),
    Column("Адрес", "address"),
    *_person_columns("registrar_", "Регистратор", gettext_lazy("The clerk who registers.")),
    *_person_columns("head_", "Руководитель", gettext_lazy("The head of the organization.")),
)

EMPLOYEE_COLUMNS: tuple[Column, ...] = (
    Column("Код организации", "org_code", True, gettext_lazy("Code of a connected organization.")),
    Column("Фамилия", "last_name", True),
    Column("Имя", "first_name", True),
    Column("Отчество", "middle_name"),
    Column(
        "Логин",
        "username",
        False,
        gettext_lazy("Generated if empty. An existing login of the same person adds a post."),
    ),
    Column("Электронная почта", "email"),
    Column("Подразделение", "department"),
    Column("Должность", "position"),
    Column(
        "Роли",
        "roles",
        False,
        gettext_lazy("Comma-separated: регистратор, руководитель, контролёр, администратор."),
    ),
)

KIND_WORDS = {
    "орган исполнительной власти": Organization.Kind.EXECUTIVE,
    "оив": Organization.Kind.EXECUTIVE,
    "executive": Organization.Kind.EXECUTIVE,
    "муниципальное образование": Organization.Kind.MUNICIPALITY,
    "муниципалитет": Organization.Kind.MUNICIPALITY,
    "мо": Organization.Kind.MUNICIPALITY,
    "municipality": Organization.Kind.MUNICIPALITY,
    "иная организация": Organization.Kind.OTHER,
    "учреждение": Organization.Kind.OTHER,
    "other": Organization.Kind.OTHER,
}
ROLE_WORDS = {
    "регистратор": "is_registrar",
    "делопроизводитель": "is_registrar",
    "руководитель": "is_head",
    "контролер": "is_controller",
    "администратор": "is_org_admin",
}


class _RowFailed(Exception):
    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.error = RowError(row, column, message)


# --- Checking values ------------------------------------------------------------------------


def _header(columns: Sequence[Column], key: str) -> str:
    return next(c.header for c in columns if c.key == key)


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _check(
    report: ImportReport,
    row: Row,
    columns: Sequence[Column],
    prefix: str,
    check: Callable[[], None],
) -> None:
    """Run a service's check; a ``DomainError`` becomes an error of the cell it names."""
    try:
        check()
    except DomainError as exc:
        key = f"{prefix}{exc.field}" if exc.field else ""
        known = {c.key for c in columns}
        report.add(row.number, _header(columns, key) if key in known else "", exc.message)


def _required_filled(report: ImportReport, row: Row, columns: Sequence[Column]) -> bool:
    missing = [c for c in columns if c.required and not row.values[c.key]]
    for column in missing:
        report.add(row.number, column.header, _("This cell must be filled."))
    return not missing


def _person(values: dict[str, str], prefix: str = "") -> PersonData:
    return PersonData(
        last_name=values[f"{prefix}last_name"],
        first_name=values[f"{prefix}first_name"],
        middle_name=values[f"{prefix}middle_name"],
        username=values[f"{prefix}username"],
        email=values[f"{prefix}email"],
        position=values.get(f"{prefix}position", ""),
        department=values.get(f"{prefix}department", ""),
    )


def _check_login(
    report: ImportReport,
    row: Row,
    column: str,
    person: PersonData,
    seen: dict[str, PersonData],
) -> None:
    """A login may reappear only for the same person, in the file and in the database."""
    login = person.username.strip().casefold()
    if not login:
        return
    earlier = seen.get(login)
    if earlier is not None and (
        norm(earlier.last_name) != norm(person.last_name)
        or norm(earlier.first_name) != norm(person.first_name)
    ):
        report.add(row.number, column, _("This login is given to another person above."))
        return
    seen[login] = person
    user = User.objects.filter(username__iexact=login).first()
    if user is not None and not services.same_person(user, person):
        report.add(
            row.number,
            column,
            _("The login %(login)s belongs to another person.") % {"login": person.username},
        )


@dataclass(frozen=True)
class _OrgPlan:
    row: int
    values: dict[str, str]
    kind: str
    parent_code: str
    connected_on: dt.date


def _plan_organizations(rows: list[Row], report: ImportReport) -> list[_OrgPlan]:
    cols = ORGANIZATION_COLUMNS
    plans = []
    codes: set[str] = set()
    names: set[str] = set()
    logins: dict[str, PersonData] = {}
    connected = {norm(o.code): o for o in Organization.objects.filter(is_active=True)}
    for row in rows:
        v = row.values
        errors_before = len(report.errors)
        if not _required_filled(report, row, cols):
            continue
        kind = KIND_WORDS.get(norm(v["kind"]), "")
        if v["kind"] and not kind:
            report.add(row.number, _header(cols, "kind"), _("Unknown kind of organization."))
        connected_on = clock.local_date(clock.now(), "Asia/Kamchatka")
        if v["connected_on"]:
            parsed = _parse_date(v["connected_on"])
            if parsed is None:
                report.add(
                    row.number,
                    _header(cols, "connected_on"),
                    _("Write the date as DD.MM.YYYY."),
                )
            else:
                connected_on = parsed
        parent: Organization | None = None
        parent_code = v["parent"]
        if parent_code and norm(parent_code) not in codes:
            parent = connected.get(norm(parent_code))
            if parent is None:
                report.add(
                    row.number,
                    _header(cols, "parent"),
                    _("No organization with code %(code)s is connected or listed above.")
                    % {"code": parent_code},
                )
        if norm(v["code"]) in codes:
            report.add(row.number, _header(cols, "code"), _("This code is already used above."))
        if norm(v["name"]) in names:
            report.add(row.number, _header(cols, "name"), _("This name is already used above."))
        _check(
            report,
            row,
            cols,
            "",
            partial(
                services.organization_check,
                name=v["name"],
                short_name=v["short_name"],
                code=v["code"],
                kind=kind or Organization.Kind.OTHER,
                parent=parent,
                time_zone=v["time_zone"] or "Asia/Kamchatka",
                inn=v["inn"],
                email=v["email"],
            ),
        )
        for prefix in ("registrar_", "head_"):
            person = _person(v, prefix)
            _check(report, row, cols, prefix, partial(services.person_check, person))
            _check_login(report, row, _header(cols, f"{prefix}username"), person, logins)
        codes.add(norm(v["code"]))
        names.add(norm(v["name"]))
        if len(report.errors) == errors_before:
            plans.append(_OrgPlan(row.number, v, kind, parent_code, connected_on))
    return plans


def _roles(text: str) -> tuple[dict[str, bool], list[str]]:
    roles: dict[str, bool] = {}
    unknown = []
    for word in text.replace(";", ",").split(","):
        if not norm(word):
            continue
        role = ROLE_WORDS.get(norm(word))
        if role is None:
            unknown.append(word.strip())
        else:
            roles[role] = True
    return roles, unknown


@dataclass(frozen=True)
class _EmployeePlan:
    row: int
    organization: Organization
    person: PersonData
    roles: dict[str, bool]


def _plan_employees(rows: list[Row], report: ImportReport) -> list[_EmployeePlan]:
    cols = EMPLOYEE_COLUMNS
    plans = []
    logins: dict[str, PersonData] = {}
    posts: set[tuple[str, str, str]] = set()
    organizations = {norm(o.code): o for o in Organization.objects.filter(is_active=True)}
    for row in rows:
        v = row.values
        errors_before = len(report.errors)
        if not _required_filled(report, row, cols):
            continue
        organization = organizations.get(norm(v["org_code"]))
        if organization is None:
            report.add(
                row.number,
                _header(cols, "org_code"),
                _("No active organization with code %(code)s.") % {"code": v["org_code"]},
            )
        roles, unknown = _roles(v["roles"])
        if unknown:
            report.add(
                row.number,
                _header(cols, "roles"),
                _("Unknown roles: %(roles)s.") % {"roles": ", ".join(unknown)},
            )
        person = _person(v)
        _check(report, row, cols, "", partial(services.person_check, person))
        _check_login(report, row, _header(cols, "username"), person, logins)
        if person.username and organization is not None:
            key = (norm(person.username), norm(v["org_code"]), norm(person.position))
            if key in posts:
                report.add(
                    row.number, _header(cols, "username"), _("This post is already listed above.")
                )
            posts.add(key)
            if Employee.objects.filter(
                user__username__iexact=person.username.strip(),
                organization=organization,
                position__name=person.position.strip() or None,
            ).exists():
                report.add(
                    row.number,
                    _header(cols, "position"),
                    _("This person already holds this post."),
                )
        if len(report.errors) == errors_before and organization is not None:
            plans.append(_EmployeePlan(row.number, organization, person, roles))
    return plans


# --- Importing ------------------------------------------------------------------------------


def _write_all(report: ImportReport, steps: Iterable[tuple[int, Callable[[], object]]]) -> None:
    """Run every step in one transaction; the first refusal rolls all of them back."""

    def work() -> int:
        done = 0
        for row, step in steps:
            try:
                step()
            except DomainError as exc:
                raise _RowFailed(row, "", str(exc.message)) from exc
            done += 1
        return done

    try:
        report.created = atomic_with_retry(work)
    except _RowFailed as exc:
        report.errors.append(exc.error)
        report.created = 0


def organizations_import(
    *, actor: Actor | None, data: bytes, name: str, connect: Callable[..., Organization]
) -> ImportReport:
    """Connect every organization of the file (with registrar and head), or none.

    ``connect`` does the connecting: ``documents.onboarding.organization_onboard``,
    which adds the journals (a layer above this one), for the page and the command.
    """
    report = ImportReport(kind="organizations")
    rows = read_rows(data=data, name=name, columns=ORGANIZATION_COLUMNS, report=report)
    report.rows = len(rows)
    plans = _plan_organizations(rows, report)
    if not report.ok:
        return report

    def connect_one(plan: _OrgPlan) -> Organization:
        v = plan.values
        parent = None
        if plan.parent_code:
            key = norm(plan.parent_code)
            parent = next(o for o in Organization.objects.all() if norm(o.code) == key)
        return connect(
            actor=actor,
            name=v["name"],
            short_name=v["short_name"],
            code=v["code"],
            kind=plan.kind,
            parent=parent,
            time_zone=v["time_zone"] or "Asia/Kamchatka",
            connected_on=plan.connected_on,
            registrar=_person(v, "registrar_"),
            head=_person(v, "head_"),
            inn=v["inn"],
            email=v["email"],
            address=v["address"],
        )

    _write_all(report, ((p.row, partial(connect_one, p)) for p in plans))
    return report


def employees_import(*, actor: Actor | None, data: bytes, name: str) -> ImportReport:
    """Add every employee of the file to their organization, or none."""
    report = ImportReport(kind="employees")
    rows = read_rows(data=data, name=name, columns=EMPLOYEE_COLUMNS, report=report)
    report.rows = len(rows)
    plans = _plan_employees(rows, report)
    if not report.ok:
        return report
    steps = (
        (
            p.row,
            partial(
                services.employee_add,
                actor=actor,
                organization=p.organization,
                person=p.person,
                **p.roles,
            ),
        )
        for p in plans
    )
    _write_all(report, steps)
    return report


def sample_csv(columns: Sequence[Column], example: Sequence[str]) -> bytes:
    """A CSV with the headers and one example row, for Excel (UTF-8 with BOM, ';')."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.header for c in columns])
    writer.writerow(list(example))
    return ("\ufeff" + out.getvalue()).encode()


ORGANIZATION_EXAMPLE = (
    "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 7»",
    "МБОУ СШ № 7",
    "СШ7",
    "иная организация",
    "ПКГО",
    "Asia/Kamchatka",
    "01.02.2026",
    "4101000000",
    "school7@example.org",
    "ул. Ленинская, д. 1, г. Петропавловск-Камчатский",
    "Петрова",
    "Анна",
    "Сергеевна",
    "petrova.as",
    "",
    "Секретарь",
    "Сидоров",
    "Иван",
    "Петрович",
    "",
    "",
    "Директор",
)
EMPLOYEE_EXAMPLE = (
    "МЗ",
    "Иванова",
    "Мария",
    "Петровна",
    "",
    "ivanova@example.org",
    "Отдел кадров",
    "Консультант",
    "контролёр",
)
