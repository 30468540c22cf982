"""notify(): inside the caller's transaction, deduplicated, e-mailed once after commit."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from bering.notifications import services
from bering.notifications.models import Notification
from bering.notifications.tasks import notification_email

pytestmark = pytest.mark.django_db


def _notify(recipients: list[Any], **kwargs: Any) -> list[Notification]:
    fields: dict[str, Any] = {
        "kind": "task_new",
        "title": "Согласовать проект приказа № 12",
        "body": "Срок: до конца дня 14.01.2026.",
        "url": "/documents/12/",
        "object_type": "document",
        "object_id": 12,
    }
    fields.update(kwargs)
    with transaction.atomic():
        return services.notify(recipient_ids=[p.employee.pk for p in recipients], **fields)


def test_notify_creates_one_row_per_recipient(head: Any, executor: Any) -> None:
    created = _notify([head, executor])
    assert [n.recipient_id for n in created] == [head.employee.pk, executor.employee.pk]
    row = Notification.objects.get(recipient=head.employee)
    assert row.kind == "task_new"
    assert row.url == "/documents/12/"
    assert (row.object_type, row.object_id) == ("document", 12)
    assert row.read_at is None and row.emailed_at is None


def test_a_recipient_named_twice_is_told_once(head: Any) -> None:
    created = _notify([head, head])
    assert len(created) == 1


def test_no_recipients_no_rows(db: None) -> None:
    with transaction.atomic():
        assert services.notify(recipient_ids=[], kind="other", title="x") == []


@pytest.mark.django_db(transaction=True)
def test_notify_outside_a_transaction_is_refused(head: Any) -> None:
    with pytest.raises(services.NotInTransaction):
        services.notify(recipient_ids=[head.employee.pk], kind="other", title="Вне транзакции")
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_caller_tells_nobody(head: Any) -> None:
    with pytest.raises(RuntimeError, match="caller failed"), transaction.atomic():
        services.notify(recipient_ids=[head.employee.pk], kind="other", title="Откат")
        raise RuntimeError("caller failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_committed_notification_is_mailed(head: Any) -> None:
    with transaction.atomic():
        services.notify(
            recipient_ids=[head.employee.pk],
            kind="signed",
            title="Приказ подписан",
            url="/documents/5/",
        )
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None


def test_same_dedupe_key_is_stored_once(head: Any, executor: Any) -> None:
    first = _notify([head], kind="reminder", dedupe_key="visa:7:reminder")
    again = _notify([head, executor], kind="reminder", dedupe_key="visa:7:reminder")
    assert len(first) == 1
    assert [n.recipient_id for n in again] == [executor.employee.pk]
    assert Notification.objects.filter(recipient=head.employee).count() == 1


def test_empty_dedupe_keys_never_collide(head: Any) -> None:
    _notify([head])
    _notify([head])
    assert Notification.objects.filter(recipient=head.employee).count() == 2


def test_duplicate_key_leaves_the_callers_transaction_usable(head: Any) -> None:
    """The skipped insert runs under a savepoint: the caller's work goes on."""
    _notify([head], dedupe_key="k")
    with transaction.atomic():
        assert (
            services.notify(
                recipient_ids=[head.employee.pk], kind="other", title="a", dedupe_key="k"
            )
            == []
        )
        Notification.objects.create(recipient=head.employee, kind="other", title="after")
    assert Notification.objects.filter(recipient=head.employee).count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "documents/1/",
        "/documents/\n1/",
        " /documents/1/",
        "/" + "a" * 600,
    ],
)
def test_links_must_be_paths_on_this_site(head: Any, url: str) -> None:
    with pytest.raises(ValueError, match="path on this site"):
        _notify([head], url=url)
    assert not Notification.objects.exists()


def test_unknown_kind_is_refused(head: Any) -> None:
    with pytest.raises(ValueError, match="kind"):
        _notify([head], kind="gossip")


def test_title_is_one_line(head: Any) -> None:
    (row,) = _notify([head], title="Строка\r\nBcc: victim@example.org\t" + "я" * 400)
    assert "\n" not in row.title and "\r" not in row.title
    assert len(row.title) == 300


def test_mail_is_sent_once_after_commit(head: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (row,) = _notify([head])
        assert mail.outbox == []  # nothing before commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [head.user.email]
    assert message.subject == "Согласовать проект приказа № 12"
    assert "Срок: до конца дня 14.01.2026." in message.body
    assert "/documents/12/" in message.body
    row.refresh_from_db()
    assert row.emailed_at is not None
    # A retried or duplicated task sends nothing more.
    assert services.notification_email_send(notification_id=row.pk) is False
    notification_email.enqueue(row.pk)
    assert len(mail.outbox) == 1


def test_mail_link_is_absolute_with_a_site_url(
    head: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.BERING_SITE_URL = "https://sed.kamgov.example/"
    with django_capture_on_commit_callbacks(execute=True):
        _notify([head], url="/documents/12/")
    assert "https://sed.kamgov.example/documents/12/" in mail.outbox[0].body


def test_mail_link_is_relative_without_a_site_url(
    head: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    if hasattr(settings, "BERING_SITE_URL"):
        del settings.BERING_SITE_URL
    with django_capture_on_commit_callbacks(execute=True):
        _notify([head], url="/documents/12/")
    assert "Открыть: /documents/12/" in mail.outbox[0].body  # Russian by default
    assert "http" not in mail.outbox[0].body


def test_no_mail_without_an_address(
    head: Any, executor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    executor.user.email = ""
    executor.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = _notify([head, executor])
    assert len(created) == 2  # both see it in the app
    assert [m.to for m in mail.outbox] == [[head.user.email]]
    assert len(callbacks) == 1
    without = Notification.objects.get(recipient=executor.employee)
    assert without.emailed_at is None
    assert services.notification_email_send(notification_id=without.pk) is False
    assert len(mail.outbox) == 1


def test_no_mail_to_a_disabled_account(head: Any, django_capture_on_commit_callbacks: Any) -> None:
    head.user.is_active = False
    head.user.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        _notify([head])
    assert mail.outbox == []


def test_a_failed_send_may_be_retried(head: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        (row,) = _notify([head])
    with (
        mock.patch.object(services, "send_mail", side_effect=OSError("smtp down")),
        pytest.raises(OSError, match="smtp down"),
    ):
        services.notification_email_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.emailed_at is None  # the claim was released
    assert services.notification_email_send(notification_id=row.pk) is True
    assert services.notification_email_send(notification_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_a_missing_notification_sends_nothing(db: None) -> None:
    assert services.notification_email_send(notification_id=987654) is False
