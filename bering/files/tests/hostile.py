"""Hand-made hostile files: each one built byte by byte, so a test shows what it attacks.

Benign documents come from ``bering.files.samples`` (WeasyPrint, python-docx, odfpy,
Pillow); the files here are what an attacker would write instead.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def pdf(
    catalog_extra: bytes = b"",
    *extra: bytes,
    page_extra: bytes = b"",
    pages: int = 1,
    compressed: bool = False,
) -> bytes:
    """A PDF of blank A4 pages (object 3, listed ``pages`` times).

    ``catalog_extra`` goes into the catalog (object 1), ``page_extra`` into the page,
    and ``extra`` become objects 4, 5 ... With ``compressed`` the objects after the
    catalog sit in a Flate-compressed object stream behind a cross-reference stream,
    so no name in them is visible in the raw bytes.
    """
    catalog = b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>"
    kids = b" ".join([b"3 0 R"] * pages)
    tree = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b" >>"
    bodies = [catalog, tree, page, *extra]
    if compressed:
        return _pdf_with_object_stream(bodies)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    )
    return out.getvalue()


def _pdf_with_object_stream(bodies: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    catalog_offset = out.tell()
    out.write(b"1 0 obj\n%s\nendobj\n" % bodies[0])
    inner = bodies[1:]
    header, payload = [], b""
    for number, body in enumerate(inner, start=2):
        header.append(b"%d %d" % (number, len(payload)))
        payload += body + b"\n"
    head = b" ".join(header) + b"\n"
    stream = zlib.compress(head + payload)
    stm_number = len(bodies) + 1
    stm_offset = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n"
        % (stm_number, len(inner), len(head), len(stream), stream)
    )
    xref_number = stm_number + 1
    rows = [struct.pack(">BIH", 0, 0, 65535), struct.pack(">BIH", 1, catalog_offset, 0)]
    rows += [struct.pack(">BIH", 2, stm_number, index) for index in range(len(inner))]
    rows.append(struct.pack(">BIH", 1, stm_offset, 0))
    xref_offset = out.tell()
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    data = zlib.compress(b"".join(rows))
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (xref_number, xref_number + 1, len(data), data)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


def zip_bytes(entries: list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels but holds one row of zeros."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * (width + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
