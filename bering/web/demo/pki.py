"""The demo's own certification authority, so a demo user can try the qualified signature.

``ensure()`` (run by ``manage.py seed_demo``) makes, once, in ``BERING_DEMO_PKI_DIR``:
a root «Демонстрационный УЦ» (``root.cer``), its revocation list (``ca.crl``, valid a
year; made again when stale) and,
for the demo heads (``head``, ``deputy``), a ГОСТ Р 34.10-2012 certificate in their names
with its private key (``<login>.cer``, ``<login>.key``). ``scripts/serve.sh`` trusts this
root when no trust store is configured, so only ``make run`` trusts it. ``sign()`` makes a
detached signature with a demo key, as the signer's tool would (``manage.py demo_sign``).
The keys lie in a file: a demo, never a qualified signature.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings

from bering.accounts.models import User
from bering.orgs.models import Employee
from bering.signatures import gost, testpki

SIGNERS = ("head", "deputy")
CA_NAME = "Демонстрационный УЦ «Беринг»"


def directory() -> Path:
    return Path(settings.BERING_DEMO_PKI_DIR)


def ensure() -> Path:
    """The demo CA, its CRL and the demo heads' certificates; what exists is kept."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "root.cer").exists():
        ca = testpki.make_ca(CA_NAME, algorithm="gost256")
        _save(folder, "ca", ca)
        (folder / "root.cer").write_bytes(ca.pem)
    ca = _load(folder, "ca")
    if _crl_stale(folder / "ca.crl"):
        now = dt.datetime.now(dt.UTC)
        crl = testpki.make_crl(ca, this_update=now, next_update=now + dt.timedelta(days=365))
        (folder / "ca.crl").write_bytes(crl)
    for login in SIGNERS:
        if (folder / f"{login}.key").exists():
            continue
        employee = (
            Employee.objects.select_related("user", "organization", "position")
            .filter(user__username=login, is_active=True)
            .first()
        )
        if employee is None:
            continue
        issued = testpki.make_cert(
            ca,
            owner=employee.user.full_name,
            organization=employee.organization.name,
            title=employee.position.name if employee.position else "",
        )
        _save(folder, login, issued)
    return folder


def sign(login: str, data: bytes) -> bytes:
    """A detached CMS of ``data`` with the demo key of ``login``."""
    if not User.objects.filter(username=login).exists():
        raise LookupError(f"no demo login {login!r}")
    path = directory() / f"{login}.key"
    if not path.exists():
        raise LookupError(f"{login!r} has no demo certificate; logins with one: {SIGNERS}")
    return testpki.sign_detached(
        data, _load(directory(), login), signing_time=dt.datetime.now(dt.UTC)
    )


def _save(folder: Path, name: str, issued: testpki.Issued) -> None:
    key = issued.key
    assert isinstance(key, gost.PrivateKey)
    (folder / f"{name}.cer").write_bytes(issued.certificate)
    secret = {"bits": key.bits, "paramset": key.paramset, "d": format(key.d, "x")}
    path = folder / f"{name}.key"
    path.write_text(json.dumps({"algorithm": issued.algorithm, **secret}))
    path.chmod(0o600)


def _load(folder: Path, name: str) -> testpki.Issued:
    secret = json.loads((folder / f"{name}.key").read_text())
    key = gost.PrivateKey(bits=secret["bits"], paramset=secret["paramset"], d=int(secret["d"], 16))
    return testpki.Issued(
        certificate=(folder / f"{name}.cer").read_bytes(), key=key, algorithm=secret["algorithm"]
    )


def _crl_stale(path: Path) -> bool:
    if not path.exists():
        return True
    from asn1crypto import crl  # type: ignore[import-untyped]

    next_update = crl.CertificateList.load(path.read_bytes())["tbs_cert_list"]["next_update"]
    return bool(next_update.native < dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
