"""Why an upload is refused: the exception and the messages ``inspect`` gives a clerk."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bering.files import pdf

# Messages. The msgids are English; the Russian catalog translates them.
NOT_ACCEPTED = _(
    "Files of this type are not accepted. Allowed: PDF, DOCX, ODT, RTF, DOC, XLSX, PNG, JPEG, TIFF."
)
MISMATCH = _("The file content does not match its extension .%(ext)s: it looks like %(what)s.")
OFFICE_PROTECTED = _(
    "The document is protected by a password or saved in the old .doc format. "
    "Save it as .docx without a password and upload it again."
)
DAMAGED = _("The file is damaged and cannot be read as %(kind)s. Save it again and upload it.")
PDF_PASSWORD = _(
    "The PDF is protected by a password. Save a copy without the password and upload it."
)
PDF_ENCRYPTED = _(
    "The PDF is encrypted (it restricts printing or copying). "
    "Save a copy without protection and upload it."
)
PDF_NO_PAGES = _("The PDF has no pages.")
PDF_TOO_MANY_PAGES = _("The PDF has %(pages)s pages; at most %(limit)s are accepted.")
PDF_TOO_COMPLEX = _(
    "The PDF is built too intricately to be checked. Print it to a new PDF and upload that."
)
PDF_ACTIVE = {
    pdf.Active.JAVASCRIPT: _(
        "The PDF contains JavaScript, which is not accepted. Print it to a new PDF and upload that."
    ),
    pdf.Active.LAUNCH: _(
        "The PDF contains an action that starts programs, which is not accepted. "
        "Print it to a new PDF and upload that."
    ),
    pdf.Active.EMBEDDED_FILE: _(
        "The PDF contains embedded files, which are not accepted. "
        "Upload them as separate attachments."
    ),
    pdf.Active.RICH_MEDIA: _(
        "The PDF contains multimedia (Flash, video or 3D), which is not accepted. "
        "Print it to a new PDF and upload that."
    ),
}
ZIP_TOO_MANY_PARTS = _(
    "The document consists of too many parts (more than %(limit)s). It may be a zip bomb."
)
ZIP_TOO_LARGE = _("The document would unpack to more than %(limit)s MB. It may be a zip bomb.")
ZIP_RATIO = _(
    "The document is compressed %(ratio)s times, far more than real documents are. "
    "It may be a zip bomb."
)
NOT_DOCX = _("This is not a Word document (.docx): the part %(part)s is missing.")
NOT_ODT = _("This is not an OpenDocument text (.odt): %(reason)s.")
ODT_NO_MIMETYPE = _("the mimetype entry is missing")
ODT_WRONG_MIMETYPE = _("its declared type is %(type)s")
ODT_NO_CONTENT = _("the part content.xml is missing")
XML_DOCTYPE = _(
    "The document contains an XML document type declaration (in %(part)s), the means of "
    "XML bombs. Save it again in a word processor and upload it."
)
MACROS = _(
    "The document contains macros or active content, which are not accepted. "
    "Save it as a document without macros and upload it."
)
ZIP_BAD_NAME = _(
    "The document contains a part named %(part)s, which points outside the document. "
    "Save it again and upload it."
)
NOT_XLSX = _("This is not an Excel workbook (.xlsx): %(reason)s.")
XLSX_NO_PART = _("the part %(part)s is missing")
XLSX_WRONG_TYPE = _("it is not declared as an ordinary workbook (a template or add-in?)")
EXTERNAL_LINKS = _(
    "The workbook takes data from other files or sources (external links, data "
    "connections or DDE), which is not accepted. Replace the links by values "
    "(copy, paste values) and upload it again."
)
EMBEDDED_OBJECTS = _(
    "The document contains embedded objects (OLE), which are not accepted. "
    "Save it without them and upload the embedded files separately."
)
NOT_DOC = _(
    "This is not a Word document (.doc): it has no WordDocument stream. "
    "If it is an Excel or PowerPoint file, save it as PDF and upload that."
)
DOC_ENCRYPTED = _(
    "The document is protected by a password. Save it without the password and upload it again."
)
NOT_RTF = _("This is not a valid RTF document: %(reason)s.")
RTF_UNBALANCED = _("its braces do not match")
RTF_TOO_DEEP = _(
    "The RTF document is nested more than %(limit)s levels deep, which real documents "
    "never are. Save it again in a word processor and upload it."
)
RTF_REMOTE = _(
    "The RTF document fetches content from other files or the network when opened "
    "(%(what)s), which is not accepted. Save it again without these links and upload it."
)
IMAGE_TOO_LARGE = _(
    "The image is %(width)s × %(height)s pixels; at most %(limit)s megapixels are accepted."
)
IMAGE_TOO_MANY_PIXELS = _("The image is larger than %(limit)s megapixels, the most accepted.")
IMAGE_TOO_MANY_PAGES = _("The image has more than %(limit)s pages.")


class Refused(Exception):
    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message
