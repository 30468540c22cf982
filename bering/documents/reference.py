"""Reference data every installation starts with: the document types."""

from __future__ import annotations

DOCUMENT_TYPES: list[tuple[str, str, str]] = [
    ("incoming-letter", "Входящее письмо", "incoming"),
    ("appeal", "Обращение гражданина", "incoming"),
    ("outgoing-letter", "Исходящее письмо", "outgoing"),
    ("memo", "Служебная записка", "internal"),
    ("order", "Приказ", "internal"),
    ("decree", "Постановление", "outgoing"),
    ("disposition", "Распоряжение", "internal"),
    ("normative-act", "Нормативный правовой акт", "outgoing"),
    ("agreement", "Соглашение", "outgoing"),
    ("protocol", "Протокол", "internal"),
]


def ensure_document_types() -> None:
    """Create the standard types that are missing; never touches edited ones."""
    from bering.documents.models import DocumentType

    for code, name, flow in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(code=code, defaults={"name": name, "flow": flow})
