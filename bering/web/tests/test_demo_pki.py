"""The demo CA: a demo head signs a draft with `demo_sign`, and the signature passes every
check against the demo's root and CRL, as it does under `make run`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from bering.signatures.cms import verify_detached
from bering.signatures.trust import TrustStore
from bering.web.demo import pki
from bering.web.tests.test_seed_demo import seed


@pytest.mark.django_db
def test_demo_head_signs_with_the_demo_key_and_the_demo_root_verifies_it(tmp_path, settings):
    seed(documents=0)
    folder = pki.directory()
    assert {p.name for p in folder.iterdir()} >= {"root.cer", "ca.crl", "head.cer", "head.key"}
    draft = tmp_path / "проект.pdf"
    draft.write_bytes(b"%PDF-1.7 demo draft")
    out = io.StringIO()
    call_command("demo_sign", str(draft), "--login", "head", stdout=out)
    signature = (tmp_path / "проект.pdf.sig").read_bytes()

    trust = TrustStore.load(
        roots=[(folder / "root.cer").read_bytes()], crls=[(folder / "ca.crl").read_bytes()]
    )
    verdict = verify_detached(
        signature, draft.read_bytes(), trust=trust, at=dt.datetime.now(dt.UTC)
    )
    assert verdict.ok, verdict.message
    from bering.accounts.models import User

    assert verdict.certificate is not None
    assert verdict.certificate.owner == User.objects.get(username="head").full_name
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    seed(documents=0)  # a second run keeps the CA and the keys
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before
