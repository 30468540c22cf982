"""Acts of the types published automatically: the command publishes them once."""

from __future__ import annotations

import threading
from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection

from bering.audit.models import AuditEvent
from bering.publication import services
from bering.publication.models import Publication, PublicationRule
from bering.publication.reference import ensure_publication_rules
from bering.publication.tests.conftest import mark, signed_act


def test_the_migration_seeds_the_rules_and_keeps_edited_ones(db):
    from django.apps import apps

    seed = import_module("bering.publication.migrations.0002_seed_rules").seed
    PublicationRule.objects.all().delete()
    seed(apps, None)
    rules = dict(PublicationRule.objects.values_list("doc_type__code", "mode"))
    assert rules == {"normative-act": "auto", "decree": "auto", "order": "manual"}
    PublicationRule.objects.filter(doc_type__code="order").update(mode="auto")
    seed(apps, None)
    ensure_publication_rules()
    assert PublicationRule.objects.get(doc_type__code="order").mode == "auto"


def test_the_command_publishes_marked_acts_of_auto_types_only(executor, head, registrar, capsys):
    decree = signed_act(executor, head, registrar, code="decree")
    order = signed_act(executor, head, registrar, code="order", title="О дежурстве")
    unmarked = signed_act(executor, head, registrar, code="decree", title="О порядке")
    mark(executor, decree)
    mark(executor, order)
    call_command("publication_publish_due")
    assert "published: 1" in capsys.readouterr().out
    assert list(Publication.objects.values_list("document_id", flat=True)) == [decree.pk]
    assert Publication.objects.get().published_by is None
    event = AuditEvent.objects.get(verb="publication.published")
    assert event.actor_user is None and event.data["auto"] is True
    assert not Publication.objects.filter(document__in=[order, unmarked]).exists()
    call_command("publication_publish_due")
    assert Publication.objects.count() == 1


def test_an_unpublished_auto_act_is_not_published_again_by_the_command(executor, head, registrar):
    decree = signed_act(executor, head, registrar)
    mark(executor, decree)
    assert services.publication_publish_due() == 1
    services.publication_unpublish(
        actor=registrar.actor, publication=Publication.objects.get(), reason="Отменено"
    )
    assert services.publication_publish_due() == 0


def test_the_sweep_runs_the_command():
    from bering.web.management.commands.sweep import JOBS

    assert "publication_publish_due" in JOBS


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_publish_the_act_once(executor, head, registrar, monkeypatch):
    decree = signed_act(executor, head, registrar)
    mark(executor, decree)
    start = threading.Barrier(2)
    real = services._prepare

    def prepare_together(document):
        prepared = real(document)
        start.wait(timeout=60)  # both have read the act as due and made their copy
        return prepared

    monkeypatch.setattr(services, "_prepare", prepare_together)
    results: list[int] = []

    def run() -> None:
        try:
            results.append(services.publication_publish_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert Publication.objects.filter(document=decree).count() == 1
    assert AuditEvent.objects.filter(verb="publication.published").count() == 1
