"""The interagency exchange's transport container (МЭДО 2.7.1 vocabulary), without the database.

A container is one ZIP: ``passport.xml`` and, for a document, its files side by side
(flat names, no folders). The passport says which message it is (``документ``,
``уведомление``, ``квитанция``), who sends it to whom, and for a document its
requisites and every file with its role, size and SHA-256; a signature names the
file it signs. Writing uses ``xml.etree``; reading uses ``defusedxml`` only, so a
DTD, an entity or an external reference is refused before anything is expanded.
Every check refuses the whole container with a message a clerk understands
(``ContainerRefused``): nothing of a refused container is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET  # writing only; reading is defusedxml's

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring as safe_fromstring  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from bering.core.errors import ValidationFailed

PASSPORT = "passport.xml"
NAMESPACE = "urn:bering:medo:container:1"
VERSION = "2.7.1"
MAX_MEMBERS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PASSPORT_BYTES = 1024 * 1024
MAX_RATIO = 100
MAX_PAGES = 100_000
_NUMBER = re.compile(r"[0-9]{1,12}")
"""A count in the passport: ASCII digits only (``str.isdigit`` takes «²»), and small."""
RATIO_FLOOR_BYTES = 10 * 1024 * 1024

DOCUMENT = "документ"
NOTIFICATION = "уведомление"
ACKNOWLEDGEMENT = "квитанция"
MESSAGE_TYPES = (DOCUMENT, NOTIFICATION, ACKNOWLEDGEMENT)

ROLE_DOCUMENT = "document"
ROLE_RENDITION = "rendition"
ROLE_SIGNATURE = "signature"
ROLE_ATTACHMENT = "attachment"
ROLES = (ROLE_DOCUMENT, ROLE_RENDITION, ROLE_SIGNATURE, ROLE_ATTACHMENT)

# The events of a notification: the МЭДО notices «зарегистрирован», «отказано в
# регистрации», «назначен исполнитель», «дан ответ».
REGISTERED = "registered"
REFUSED = "refused"
EXECUTOR_ASSIGNED = "executor_assigned"
ANSWERED = "answered"
EVENTS = (REGISTERED, REFUSED, EXECUTOR_ASSIGNED, ANSWERED)

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ContainerRefused(ValidationFailed):
    """The whole container is refused; the message says why."""

    code = "container_refused"


@dataclass(frozen=True)
class Party:
    name: str
    code: str = ""
    inn: str = ""


@dataclass(frozen=True)
class FileEntry:
    name: str
    role: str
    size: int
    sha256: str
    original_name: str = ""
    signs: str = ""
    """For a signature: the name of the file it signs."""
    of: str = ""
    """For a rendition: the name of the file it is a copy of."""


@dataclass(frozen=True)
class DocumentPart:
    kind: str
    title: str
    number: str
    date: dt.date
    signer_name: str = ""
    signer_post: str = ""
    pages: int | None = None


@dataclass(frozen=True)
class NotificationPart:
    refers_to: str
    event: str
    number: str = ""
    date: dt.date | None = None
    reason: str = ""
    reason_label: str = ""
    note: str = ""


@dataclass
class Passport:
    uid: str
    type: str
    created: dt.datetime
    sender: Party
    recipient: Party
    document: DocumentPart | None = None
    notification: NotificationPart | None = None
    refers_to: str = ""
    """For an acknowledgement: the uid of the document message it acknowledges."""
    files: list[FileEntry] = field(default_factory=list)


@dataclass
class Container:
    passport: Passport
    members: dict[str, bytes]
    """The files by name, as listed in the passport (the passport itself excluded)."""


def new_uid() -> str:
    return str(uuid.uuid4())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(name: str, role: str, data: bytes, **extra: str) -> FileEntry:
    return FileEntry(name=name, role=role, size=len(data), sha256=sha256(data), **extra)


# Writing


def _party(parent: ET.Element, tag: str, party: Party) -> None:
    element = ET.SubElement(parent, tag, name=party.name)
    if party.code:
        element.set("code", party.code)
    if party.inn:
        element.set("inn", party.inn)


def passport_xml(passport: Passport) -> bytes:
    root = ET.Element("container", xmlns=NAMESPACE, version=VERSION)
    header = ET.SubElement(
        root,
        "header",
        uid=passport.uid,
        type=passport.type,
        created=passport.created.isoformat(timespec="seconds"),
    )
    _party(header, "sender", passport.sender)
    _party(header, "recipient", passport.recipient)
    if passport.document is not None:
        doc = passport.document
        element = ET.SubElement(
            root,
            "document",
            kind=doc.kind,
            number=doc.number,
            date=doc.date.isoformat(),
        )
        if doc.pages is not None:
            element.set("pages", str(doc.pages))
        ET.SubElement(element, "title").text = doc.title
        if doc.signer_name:
            ET.SubElement(element, "signer", name=doc.signer_name, post=doc.signer_post)
    if passport.notification is not None:
        note = passport.notification
        element = ET.SubElement(root, "notification", refersTo=note.refers_to, event=note.event)
        if note.number:
            element.set("number", note.number)
        if note.date is not None:
            element.set("date", note.date.isoformat())
        if note.reason:
            element.set("reason", note.reason)
            ET.SubElement(element, "reasonText").text = note.reason_label
        if note.note:
            ET.SubElement(element, "comment").text = note.note
    if passport.type == ACKNOWLEDGEMENT:
        ET.SubElement(root, "acknowledgement", refersTo=passport.refers_to)
    if passport.files:
        files = ET.SubElement(root, "files")
        for item in passport.files:
            element = ET.SubElement(
                files,
                "file",
                name=item.name,
                role=item.role,
                size=str(item.size),
                sha256=item.sha256,
            )
            for attribute, value in (
                ("originalName", item.original_name),
                ("signs", item.signs),
                ("of", item.of),
            ):
                if value:
                    element.set(attribute, value)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data


def build(passport: Passport, members: dict[str, bytes]) -> bytes:
    """The ZIP: the passport first, then the files in the passport's order."""
    if passport.type == DOCUMENT:
        assert [f.name for f in passport.files] == list(members)  # our own call
    out = io.BytesIO()
    stamp = passport.created.timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(PASSPORT, date_time=stamp), passport_xml(passport))
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


# Reading


def _refuse(message: str) -> ContainerRefused:
    return ContainerRefused(message, field="container")


def _open(data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(_("This is not a МЭДО container: the file is not a ZIP archive."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _refuse(_("The container's ZIP archive is damaged.")) from exc
    if len(infos) > MAX_MEMBERS:
        raise _refuse(_("The container has more than %(limit)s files.") % {"limit": MAX_MEMBERS})
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES or (
        unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_RATIO * len(data)
    ):
        raise _refuse(_("The container unpacks to too much data: refused as a ZIP bomb."))
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name != PASSPORT and not _SAFE_NAME.match(name):
            raise _refuse(
                _("The container holds a file with a path or a forbidden name: %(name)s")
                % {"name": name[:100]}
            )
        if name in seen:
            raise _refuse(_("The container holds the file %(name)s twice.") % {"name": name})
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _refuse(_("The container's files are encrypted."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(_("The container's ZIP archive is damaged."))
    return archive


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _refuse(_("The container's ZIP archive is damaged.")) from exc
    if len(data) > limit:
        raise _refuse(_("The container unpacks to too much data: refused as a ZIP bomb."))
    return data


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _attr(element: ET.Element, name: str, *, required: bool = True) -> str:
    value = (element.get(name) or "").strip()
    if required and not value:
        raise _refuse(
            _("The passport lacks «%(field)s» in «%(element)s».")
            % {"field": name, "element": element.tag.rsplit("}", 1)[-1]}
        )
    return value


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _refuse(
            _("The passport has a wrong date: %(value)s") % {"value": value[:40]}
        ) from exc


def _find(root: ET.Element, path: str) -> ET.Element | None:
    return root.find("/".join(f"{{{NAMESPACE}}}{p}" for p in path.split("/")))


def _party_of(element: ET.Element | None, missing: str) -> Party:
    if element is None:
        raise _refuse(missing)
    return Party(
        name=_attr(element, "name"),
        code=_attr(element, "code", required=False),
        inn=_attr(element, "inn", required=False),
    )


def parse_passport(data: bytes) -> Passport:
    """The passport, parsed safely: a DTD or an entity is refused, not expanded."""
    try:
        root: ET.Element = safe_fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _refuse(
            _("The passport declares a DTD or entities, which are not allowed: refused unread.")
        ) from exc
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: unknown encoding
        raise _refuse(_("The passport is not well-formed XML.")) from exc
    if root.tag != f"{{{NAMESPACE}}}container":
        raise _refuse(_("The passport is not a МЭДО container passport."))
    header = _find(root, "header")
    if header is None:
        raise _refuse(_("The passport has no header."))
    kind = _attr(header, "type")
    if kind not in MESSAGE_TYPES:
        raise _refuse(_("Unknown message type: %(type)s") % {"type": kind[:40]})
    uid = _attr(header, "uid")
    try:
        uid = str(uuid.UUID(uid))
    except ValueError as exc:
        raise _refuse(_("The message's identifier is not a UUID.")) from exc
    stamp = _attr(header, "created")
    try:
        created = dt.datetime.fromisoformat(stamp)
    except ValueError as exc:
        raise _refuse(
            _("The passport has a wrong date: %(value)s") % {"value": stamp[:40]}
        ) from exc
    if created.tzinfo is None:  # a moment without its zone is read as UTC, never stored naive
        created = created.replace(tzinfo=dt.UTC)
    passport = Passport(
        uid=uid,
        type=kind,
        created=created,
        sender=_party_of(_find(header, "sender"), _("The passport does not name the sender.")),
        recipient=_party_of(
            _find(header, "recipient"), _("The passport does not name the recipient.")
        ),
    )
    document = _find(root, "document")
    if kind == DOCUMENT:
        if document is None:
            raise _refuse(_("The passport of a document has no document requisites."))
        signer = _find(document, "signer")
        pages = _attr(document, "pages", required=False)
        passport.document = DocumentPart(
            kind=_attr(document, "kind", required=False),
            title=_text(_find(document, "title"))[:1000],
            number=_attr(document, "number")[:60],
            date=_date(_attr(document, "date")),
            signer_name=_attr(signer, "name", required=False)[:300] if signer is not None else "",
            signer_post=_attr(signer, "post", required=False)[:300] if signer is not None else "",
            pages=int(pages) if _NUMBER.fullmatch(pages) and 0 < int(pages) <= MAX_PAGES else None,
        )
        if not passport.document.title:
            raise _refuse(_("The passport does not give the document's summary."))
    notification = _find(root, "notification")
    if kind == NOTIFICATION:
        if notification is None:
            raise _refuse(_("The passport of a notification has no notification."))
        event = _attr(notification, "event")
        if event not in EVENTS:
            raise _refuse(_("Unknown notification: %(event)s") % {"event": event[:40]})
        date = _attr(notification, "date", required=False)
        passport.notification = NotificationPart(
            refers_to=_attr(notification, "refersTo"),
            event=event,
            number=_attr(notification, "number", required=event == REGISTERED)[:60],
            date=_date(date) if date else None,
            reason=_attr(notification, "reason", required=event == REFUSED)[:20],
            reason_label=_text(_find(notification, "reasonText"))[:300],
            note=_text(_find(notification, "comment"))[:1000],
        )
    if kind == ACKNOWLEDGEMENT:
        ack = _find(root, "acknowledgement")
        if ack is None:
            raise _refuse(_("The passport of an acknowledgement has no acknowledgement."))
        passport.refers_to = _attr(ack, "refersTo")
    files = _find(root, "files")
    for element in files if files is not None else []:
        role = _attr(element, "role")
        digest = _attr(element, "sha256").lower()
        size = _attr(element, "size")
        if role not in ROLES or not _SHA256.match(digest) or not _NUMBER.fullmatch(size):
            raise _refuse(_("The passport lists a file with a wrong role, size or hash."))
        passport.files.append(
            FileEntry(
                name=_attr(element, "name"),
                role=role,
                size=int(size),
                sha256=digest,
                original_name=_attr(element, "originalName", required=False)[:255],
                signs=_attr(element, "signs", required=False),
                of=_attr(element, "of", required=False),
            )
        )
    return passport


def read(data: bytes) -> Container:
    """Open a container and check it whole: the ZIP, the passport, every listed file
    present with its size and hash, nothing unlisted. Signatures are checked by the
    caller (``medo.verify_signatures``), which knows the trust store."""
    archive = _open(data)
    with archive:
        names = [info.filename for info in archive.infolist()]
        if PASSPORT not in names:
            raise _refuse(_("The container has no passport.xml."))
        passport = parse_passport(_read(archive, PASSPORT, MAX_PASSPORT_BYTES))
        if passport.type != DOCUMENT:  # the files of a receipt are listed, not carried
            if names != [PASSPORT]:
                raise _refuse(_("A notification or acknowledgement carries no files."))
            return Container(passport=passport, members={})
        listed = {f.name for f in passport.files}
        if len(listed) != len(passport.files):
            raise _refuse(_("The passport lists a file twice."))
        for name in names:
            if name != PASSPORT and name not in listed:
                raise _refuse(
                    _("The container holds a file the passport does not list: %(name)s")
                    % {"name": name}
                )
        members: dict[str, bytes] = {}
        for item in passport.files:
            if item.name not in names:
                raise _refuse(
                    _("The passport lists the file %(name)s, but the container lacks it.")
                    % {"name": item.name}
                )
            content = _read(archive, item.name, MAX_UNPACKED_BYTES)
            if len(content) != item.size or sha256(content) != item.sha256:
                raise _refuse(
                    _(
                        "The file %(name)s does not match its hash in the passport: it was changed "
                        "or damaged on the way."
                    )
                    % {"name": item.name}
                )
            members[item.name] = content
    _check_links(passport)
    return Container(passport=passport, members=members)


def _check_links(passport: Passport) -> None:
    names = {f.name: f for f in passport.files}
    for item in passport.files:
        if item.role == ROLE_SIGNATURE and names.get(item.signs) is None:
            raise _refuse(
                _("The signature %(name)s does not name a file of the container.")
                % {"name": item.name}
            )
        if item.role == ROLE_RENDITION and names.get(item.of) is None:
            raise _refuse(
                _("The copy %(name)s does not name a file of the container.") % {"name": item.name}
            )
    if passport.type != DOCUMENT:
        return
    originals = [f for f in passport.files if f.role == ROLE_DOCUMENT]
    if not originals:
        raise _refuse(_("The container has no document file."))
    signed = {f.signs for f in passport.files if f.role == ROLE_SIGNATURE}
    for item in originals:
        if item.name not in signed:
            raise _refuse(
                _("The document %(name)s has no qualified electronic signature: МЭДО requires one.")
                % {"name": item.original_name or item.name}
            )
