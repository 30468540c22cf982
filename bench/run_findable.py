"""Time to findable: from registering a document (or adding a file version) to its words
being found by ``document_search``, with a real task worker extracting the text.

Starts ``manage.py db_worker --interval 1`` against the same scratch database,
registers incoming letters with a PDF through the services, each with unique
words in the card and in the PDF, and polls the search every 50 ms:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_bench BERING_DATA_DIR=/tmp/b \\
        .venv/bin/python bench/run_findable.py --repeat 5

Uses a registrar and journal of a database filled by ``bench/generate.py`` (or makes
a tiny region if there is none). Never run it on the working database.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from bering.documents import selectors, services  # noqa: E402
from bering.documents.models import DocumentType, Journal  # noqa: E402
from bering.files.samples import make_pdf  # noqa: E402
from bering.orgs.actor import Actor  # noqa: E402
from bering.orgs.models import Employee  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POLL = 0.05
GIVE_UP = 120.0


def _word() -> str:
    """A word no document holds: Latin letters only (a digit would make it a number)."""
    return "zq" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _until_found(actor: Actor, word: str, since: float) -> float:
    while time.perf_counter() - since < GIVE_UP:
        if selectors.document_search(actor, selectors.SearchQuery(text=word)).hits:
            return time.perf_counter() - since
        time.sleep(POLL)
    raise TimeoutError(f"{word} not found in {GIVE_UP:.0f} s")


def _registrar() -> tuple[Actor, Journal]:
    post = (
        Employee.objects.filter(is_registrar=True, organization__journals__flow="incoming")
        .select_related("user", "organization")
        .order_by("pk")
        .first()
    )
    if post is None:
        from bench.generate import generate

        generate(organizations=2, employees=4, documents=10)
        return _registrar()
    journal = Journal.objects.filter(organization_id=post.organization_id, flow="incoming")
    return Actor(user=post.user, post=post), journal.order_by("pk").first()  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor == "postgresql":
        assert connection.settings_dict["NAME"] != "bering", "use a scratch database"
    actor, journal = _registrar()
    letter = DocumentType.objects.filter(flow="incoming").order_by("pk").first()
    assert letter is not None
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload", "-v0"],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    rows: list[tuple[float, float, float, float, float]] = []
    try:
        time.sleep(5)  # the worker's start-up
        for n in range(args.repeat):
            card_word, file_word, version_word = _word(), _word(), _word()
            pdf = make_pdf(f"Письмо {n}", f"Текст письма о {file_word} и о прочем.")
            start = time.perf_counter()
            document = services.document_register_incoming(
                actor=actor,
                card=services.Card(
                    doc_type=letter,
                    title=f"О проверке {card_word}",
                    correspondent=f"Бенч-корреспондент {card_word}",
                    correspondent_number=f"{n}-bench",
                ),
                journal=journal,
                uploads=[services.Upload(name="letter.pdf", stream=io.BytesIO(pdf))],
                confirm_duplicate=True,
            )
            saved = time.perf_counter() - start
            card = _until_found(actor, card_word, start)
            text = _until_found(actor, file_word, start)
            pdf2 = make_pdf(f"Письмо {n}, версия 2", f"Исправленный текст о {version_word}.")
            start = time.perf_counter()
            services.document_file_add(
                actor=actor,
                document=document,
                upload=services.Upload(name="letter-v2.pdf", stream=io.BytesIO(pdf2)),
                replaces_slot=selectors.current_files(document)[0].slot,
            )
            version = _until_found(actor, version_word, start)
            rows.append((saved, card, text, version, os.getloadavg()[0]))
            print(
                f"run {n + 1}: registration {saved:.2f} s, card found {card:.2f} s, "
                f"file text {text:.2f} s, new version's text {version:.2f} s, "
                f"load {_load()}",
                flush=True,
            )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    median = [statistics.median(column) for column in zip(*rows, strict=True)]
    print(
        f"median of {len(rows)}: registration {median[0]:.2f} s, card {median[1]:.2f} s, "
        f"file text {median[2]:.2f} s, new version {median[3]:.2f} s; "
        f"max file text {max(r[2] for r in rows):.2f} s, max new version "
        f"{max(r[3] for r in rows):.2f} s; load (1 min) {median[4]:.1f}"
    )


if __name__ == "__main__":
    main()
