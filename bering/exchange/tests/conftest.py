"""The МЭДО tests' world: a test CA trusted by the settings, a registered outgoing letter of
the Ministry of Health signed with a qualified signature, and its exported container."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bering.documents.models import Document
from bering.exchange import selectors_medo, services_medo_export
from bering.exchange.models import MedoPackage
from bering.exchange.tests.factories import outgoing
from bering.exchange.tests.medo_kit import Pki, make_pki, sign_qualified
from conftest import Persona


@pytest.fixture
def pki(tmp_path: Path, settings: Any) -> Pki:
    made, trust = make_pki(tmp_path)
    for name, value in trust.items():
        setattr(settings, name, value)
    return made


@pytest.fixture
def letter(registrar: Persona) -> Document:
    return outgoing(registrar, title="О поставке вакцины в Усть-Камчатск")


@pytest.fixture
def signed(letter: Document, registrar: Persona, pki: Pki) -> Document:
    sign_qualified(letter, registrar, pki)
    return letter


@pytest.fixture
def package(signed: Document, registrar: Persona, education: Any) -> MedoPackage:
    return services_medo_export.medo_export(
        actor=registrar.actor,
        document=signed,
        addressee=education.name,
        addressee_code=education.code,
    )


@pytest.fixture
def container_data(package: MedoPackage) -> bytes:
    return selectors_medo.container_bytes(package.storage_name)
