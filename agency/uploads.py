"""Checking the files staff upload (served back by :mod:`agency.downloads`).

Staff attach evidence to internal incidents (e-mails, screenshots, PDFs) and
signed contracts to clients. Every upload goes through :func:`check_upload`
before it is stored, and every download goes out through
:func:`agency.downloads.private_file_response`.

The rules, in short:

* The type of a file is worked out from its bytes alone. The name it was
  uploaded under and the content type the browser claimed are ignored, so a
  page of HTML called ``screenshot.png`` is refused, and a PDF called
  ``photo.png`` is kept as ``photo.pdf``.
* Only the kinds listed in :data:`ACCEPTED` get in. Anything a browser could
  render as a page or run as a program (HTML, SVG, scripts, executables) and
  containers that can hide either (zip, Office documents, installers) stay out.
* The name a file was uploaded under is cleaned up for display only. On disk
  it gets a random name from :func:`stored_name`, so an uploaded name can never
  become a path.
* Files always go back to the browser as downloads, never shown inline, with
  headers that stop the browser from second-guessing the type.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_UPLOAD_BYTES: Final[int] = 10 * 1024 * 1024
"""The largest single file accepted, in bytes (10 MB)."""

MAX_FILES_PER_REQUEST: Final[int] = 10
"""How many files one form submission may carry."""

MAX_REQUEST_BYTES: Final[int] = MAX_UPLOAD_BYTES * MAX_FILES_PER_REQUEST + 1024 * 1024
"""The largest request body worth reading: every file at its limit, plus 1 MB for the
rest of the form. The default of CLEANBREAK_MAX_REQUEST_BYTES
(:class:`agency.middleware.RequestSizeLimitMiddleware` refuses bigger ones unread)."""

MAX_NAME_CHARS: Final[int] = 120
"""The longest display name kept, extension included."""

FALLBACK_NAME: Final[str] = "file"
"""The display name used when nothing usable is left of the uploaded one."""

OCTET_STREAM: Final[str] = "application/octet-stream"

PDF: Final[str] = "application/pdf"
PNG: Final[str] = "image/png"
JPEG: Final[str] = "image/jpeg"
GIF: Final[str] = "image/gif"
WEBP: Final[str] = "image/webp"
EML: Final[str] = "message/rfc822"
MSG: Final[str] = "application/vnd.ms-outlook"
TEXT: Final[str] = "text/plain"


@dataclass(frozen=True)
class AcceptedKind:
    """One kind of file that may be uploaded.

    ``extensions`` lists the extensions that belong to the kind; the first one
    is what a stored file gets. ``label`` names the kind in the list shown to
    staff when a file is refused, and ``noun`` describes a file of this kind
    in a sentence ("its content looks like a PNG image").
    """

    content_type: str
    label: str  # a lazy translation
    noun: str  # a lazy translation
    extensions: tuple[str, ...]
    recognised_by: str

    @property
    def extension(self) -> str:
        """The extension a file of this kind is stored and offered under."""
        return self.extensions[0]


ACCEPTED: Final[Mapping[str, AcceptedKind]] = MappingProxyType(
    {
        kind.content_type: kind
        for kind in (
            AcceptedKind(
                PDF,
                "PDF",
                gettext_lazy("a PDF document"),
                ("pdf",),
                "starts with %PDF- (an optional UTF-8 byte order mark before it is allowed)",
            ),
            AcceptedKind(
                PNG,
                gettext_lazy("PNG image"),
                gettext_lazy("a PNG image"),
                ("png",),
                "the 8-byte PNG signature; animated PNGs count as PNG",
            ),
            AcceptedKind(
                JPEG,
                gettext_lazy("JPEG image"),
                gettext_lazy("a JPEG image"),
                ("jpg", "jpeg"),
                "starts with the JPEG start-of-image marker FF D8 FF",
            ),
            AcceptedKind(
                GIF,
                gettext_lazy("GIF image"),
                gettext_lazy("a GIF image"),
                ("gif",),
                "starts with GIF87a or GIF89a",
            ),
            AcceptedKind(
                WEBP,
                gettext_lazy("WebP image"),
                gettext_lazy("a WebP image"),
                ("webp",),
                "a RIFF container whose form type is WEBP",
            ),
            AcceptedKind(
                EML,
                gettext_lazy("e-mail message (.eml)"),
                gettext_lazy("an e-mail message"),
                ("eml",),
                "text (UTF-8 or Latin-1, no NUL bytes) that opens with a block of "
                "RFC 5322 header lines, at least two of them From, To, Subject, Date, "
                "Message-ID, Received or MIME-Version, with no HTML or SVG markup in "
                "that block (the body may be HTML)",
            ),
            AcceptedKind(
                MSG,
                gettext_lazy("Outlook message (.msg)"),
                gettext_lazy("an Outlook message"),
                ("msg",),
                "an OLE compound file (D0 CF 11 E0 A1 B1 1A E1) holding the MAPI "
                "property streams every Outlook message has, and not recognised as "
                "any other OLE format (Word, Excel, PowerPoint)",
            ),
            AcceptedKind(
                TEXT,
                gettext_lazy("plain text (.txt)"),
                gettext_lazy("plain text"),
                ("txt",),
                "valid UTF-8 throughout, no NUL bytes, and no HTML or SVG markup at the start",
            ),
        )
    }
)
"""Every kind of file that may be uploaded, keyed by content type.

The content type is always the one worked out from the file's content, never
the one the browser sent. Everything not listed here is refused.
"""


class UploadRejected(ValueError):
    """An uploaded file was refused; ``message`` says why, in words staff can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """What :func:`check_upload` learnt about a file it let through.

    ``name`` is the cleaned-up display name, with the extension that matches
    the content; ``content_type`` and ``extension`` come from the content;
    ``size`` is in bytes and ``sha256`` is the hex digest of the whole file.
    """

    name: str
    content_type: str
    size: int
    sha256: str
    extension: str


_CHUNK_BYTES: Final = 64 * 1024
_HEAD_BYTES: Final = 16 * 1024
_MARKUP_WINDOW_CHARS: Final = 1024
_EMAIL_SCAN_LINES: Final = 50
_MEBIBYTE: Final = 1024 * 1024

_OLE_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
# Names of streams found in every Outlook message. Directory entries in an OLE
# file store names as UTF-16LE, and the directory can sit anywhere in the file.
_MSG_MARKERS: Final = tuple(
    name.encode("utf-16-le") for name in ("__properties_version1.0", "__substg1.0_")
)
_MSG_MARKER_OVERLAP: Final = max(len(marker) for marker in _MSG_MARKERS) - 1

_UTF8_BOM: Final = codecs.BOM_UTF8
# filetype's own tests are loose for some kinds (three bytes for GIF, four for
# PNG and PDF), which lets ordinary text such as "GIF of the call" pass as an
# image; the full signatures are required on top.
_SIGNATURES: Final[Mapping[str, tuple[bytes, ...]]] = MappingProxyType(
    {
        PDF: (b"%PDF-",),
        PNG: (b"\x89PNG\r\n\x1a\n",),
        JPEG: (b"\xff\xd8\xff",),
        GIF: (b"GIF87a", b"GIF89a"),
        WEBP: (b"RIFF",),
    }
)
_FILETYPE_ALIASES: Final[Mapping[str, str]] = MappingProxyType({"image/apng": PNG})
_FRIENDLY_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "application/x-msdownload": gettext_lazy("a Windows program (.exe)"),
        "application/x-executable": gettext_lazy("a Linux program"),
        "application/x-mach-binary": gettext_lazy("a macOS program"),
        "application/zip": gettext_lazy("a ZIP archive"),
        "application/x-rar-compressed": gettext_lazy("a RAR archive"),
        "application/x-7z-compressed": gettext_lazy("a 7-Zip archive"),
        "application/gzip": gettext_lazy("a gzip archive"),
        "application/msword": gettext_lazy("a Word document (.doc)"),
        "application/vnd.ms-excel": gettext_lazy("an Excel workbook (.xls)"),
        "application/vnd.ms-powerpoint": gettext_lazy("a PowerPoint presentation (.ppt)"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
            gettext_lazy("a Word document (.docx)")
        ),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
            gettext_lazy("an Excel workbook (.xlsx)")
        ),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
            gettext_lazy("a PowerPoint presentation (.pptx)")
        ),
    }
)

# Markup a browser would treat as a page or an image with scripts in it.
_MARKUP: Final = re.compile(
    r"<\s*(?:!--|(?:!doctype|html|head|body|script|svg|iframe|object|embed|style|"
    r"meta|link|\?xml)\b)",
    re.IGNORECASE,
)
_EMAIL_HEADERS: Final = frozenset(
    {"from", "to", "subject", "date", "message-id", "received", "mime-version"}
)
# RFC 5322 field name: printable ASCII except the colon, then the colon.
_HEADER_LINE: Final = re.compile(r"([!-9;-~]+)[ \t]*:")
_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")

_RESERVED_CHARS: Final = frozenset('<>:"/\\|?*')
_PATH_SEPARATORS: Final = re.compile(r"[/\\]")
_EXTENSION: Final = re.compile(r"[A-Za-z0-9]{1,10}")


@dataclass
class _Scan:
    """What one pass over an uploaded file found."""

    size: int = 0
    head: bytearray = field(default_factory=bytearray)
    sha256: hashlib._Hash = field(default_factory=hashlib.sha256)
    has_nul: bool = False
    utf8_valid: bool = True
    msg_marker: bool = False


def check_upload(f: UploadedFile, *, accepted: Iterable[str] | None = None) -> CheckedUpload:
    """Decide from its content whether an uploaded file may be kept.

    The file is read once, in chunks, to measure it, hash it and look at its
    content; only its first 16 KB are held in memory. Afterwards it is rewound,
    ready to be saved. ``accepted`` narrows the kinds allowed to some of the
    content types in :data:`ACCEPTED` (signed contracts take PDF only); an
    unknown content type there is a programming error and raises
    :class:`ValueError`.

    Raises :class:`UploadRejected`, naming the file, when it is empty, over
    :data:`MAX_UPLOAD_BYTES`, or not one of the allowed kinds.
    """
    allowed = _allowed_kinds(accepted)
    display_name = sanitise_filename(f.name or "")

    declared = f.size
    if declared is not None and declared > MAX_UPLOAD_BYTES:
        raise UploadRejected(_too_large(display_name, declared))
    try:
        scan = _scan(f)
    finally:
        f.seek(0)

    if scan.size == 0:
        raise UploadRejected(_("%(name)s is empty.") % {"name": display_name})
    if scan.size > MAX_UPLOAD_BYTES:
        raise UploadRejected(_too_large(display_name, scan.size))

    content_type, looks_like = _identify(scan)
    if content_type is None or content_type not in allowed:
        kinds = ", ".join(str(kind.label) for kind in allowed.values())
        # Translators: kinds is a list of file types, e.g. "PDF, PNG image, JPEG image".
        message = _("%(name)s is not an accepted type (%(kinds)s).") % {
            "name": display_name,
            "kinds": kinds,
        }
        if looks_like:
            # Translators: kind describes a file, e.g. "a PNG image", "a ZIP archive".
            message += " " + _("Its content looks like %(kind)s.") % {"kind": looks_like}
        raise UploadRejected(message)

    kind = allowed[content_type]
    _stem, current = _split_extension(display_name)
    extension = current if current.lower() in kind.extensions else kind.extension
    return CheckedUpload(
        name=sanitise_filename(f.name or "", extension=extension),
        content_type=content_type,
        size=scan.size,
        sha256=scan.sha256.hexdigest(),
        extension=kind.extension,
    )


def sanitise_filename(name: str, *, extension: str | None = None) -> str:
    """Turn an uploaded file name into one that is safe to show and offer for download.

    Keeps only the last path component (``/`` and ``\\`` both count as
    separators), drops control and invisible formatting characters (such as
    the right-to-left override used to disguise ``exe`` files) and the
    characters Windows reserves, turns any run of whitespace into one space,
    and removes leading dots so nothing becomes a hidden file. Letters from any
    script are kept. The result is at most :data:`MAX_NAME_CHARS` characters,
    shortened in the stem so the extension survives.

    ``extension`` (without the dot), when given, replaces whatever extension
    the name had, or is added if it had none; :func:`check_upload` passes the
    one matching the detected content. Returns :data:`FALLBACK_NAME` (plus the
    extension) when nothing usable is left.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _PATH_SEPARATORS.split(text)[-1]
    kept: list[str] = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char).startswith("C") or char in _RESERVED_CHARS:
            continue
        else:
            kept.append(char)
    text = re.sub(r" +", " ", "".join(kept)).strip().lstrip(". ").rstrip(". ")

    stem, current = _split_extension(text)
    if extension is not None:
        if not _EXTENSION.fullmatch(extension):
            raise ValueError(f"Not a usable file extension: {extension!r}")
        current = extension
    suffix = f".{current}" if current else ""
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(". ") or FALLBACK_NAME
    return stem + suffix


def stored_name(checked: CheckedUpload) -> str:
    """A random, unguessable file name to store a checked upload under.

    It is a fresh UUID4 in hex plus the extension that matches the content, so
    nothing the uploader chose ever becomes part of a path on disk.
    """
    if not _EXTENSION.fullmatch(checked.extension):
        raise ValueError(f"Not a usable file extension: {checked.extension!r}")
    return f"{uuid.uuid4().hex}.{checked.extension.lower()}"


def _allowed_kinds(accepted: Iterable[str] | None) -> Mapping[str, AcceptedKind]:
    """The kinds a call to :func:`check_upload` lets through, in :data:`ACCEPTED` order."""
    if accepted is None:
        return ACCEPTED
    wanted = {content_type.strip().lower() for content_type in accepted}
    unknown = wanted.difference(ACCEPTED)
    if unknown:
        raise ValueError(f"Not accepted content types: {', '.join(sorted(unknown))}")
    if not wanted:
        raise ValueError("accepted must name at least one content type")
    return {key: kind for key, kind in ACCEPTED.items() if key in wanted}


def _scan(f: UploadedFile) -> _Scan:
    """Read the file once, chunk by chunk, and note what the checks need.

    Reads with ``read(size)`` rather than ``chunks()``, which for in-memory
    uploads hands back the whole file as one chunk. Past the size limit it
    only keeps counting.
    """
    scan = _Scan()
    f.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    while chunk := f.read(_CHUNK_BYTES):
        scan.size += len(chunk)
        if scan.size > MAX_UPLOAD_BYTES:
            continue
        scan.sha256.update(chunk)
        if len(scan.head) < _HEAD_BYTES:
            scan.head += chunk[: _HEAD_BYTES - len(scan.head)]
        if not scan.has_nul and b"\x00" in chunk:
            scan.has_nul = True
        if scan.utf8_valid and not scan.has_nul:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                scan.utf8_valid = False
        if not scan.msg_marker and scan.head.startswith(_OLE_MAGIC):
            window = tail + chunk
            scan.msg_marker = any(marker in window for marker in _MSG_MARKERS)
            tail = window[-_MSG_MARKER_OVERLAP:]
    if scan.utf8_valid and not scan.has_nul:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            scan.utf8_valid = False
    return scan


def _identify(scan: _Scan) -> tuple[str | None, str | None]:
    """Work out the content type from what the scan saw.

    Returns ``(content type, description)`` for an accepted kind, and
    ``(None, description or None)`` for anything else, where the description
    says what the content seems to be, if that can be told.
    """
    head = bytes(scan.head)
    kind = filetype.guess(head)
    if kind is not None:
        mime = _FILETYPE_ALIASES.get(kind.mime, kind.mime)
        if mime not in _SIGNATURES:
            return None, _FRIENDLY_KINDS.get(mime, f"{mime} (.{kind.extension})")
        if head.removeprefix(_UTF8_BOM).startswith(_SIGNATURES[mime]):
            return mime, ACCEPTED[mime].noun
        # filetype's test was looser than ours: judge the content as text below.

    if head.startswith(_OLE_MAGIC):
        if scan.msg_marker:
            return MSG, ACCEPTED[MSG].noun
        return None, (
            _(
                "an OLE compound file that is not an Outlook message "
                "(for example an old Office document or an installer)"
            )
        )
    if scan.has_nul:
        return None, _("binary data")

    text = _head_text(head, complete=scan.size <= len(head))
    headers = _email_headers(text)
    if headers is not None:
        # An e-mail's body may well be HTML; its opening header block may not.
        if _MARKUP.search("\n".join(headers)):
            return None, _("HTML or SVG markup")
        return EML, ACCEPTED[EML].noun
    start = text.lstrip("\ufeff \t\r\n\f\v")[:_MARKUP_WINDOW_CHARS]
    if _MARKUP.search(start):
        return None, _("HTML or SVG markup")
    if scan.utf8_valid:
        return TEXT, ACCEPTED[TEXT].noun
    return None, _("text that is not UTF-8 encoded")


def _head_text(head: bytes, *, complete: bool) -> str:
    """Decode the start of a file as UTF-8, else Latin-1, ignoring any cut-off last line."""
    if not complete:
        head = head[: head.rfind(b"\n") + 1]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return head.decode("latin-1")


def _email_headers(text: str) -> list[str] | None:
    """The opening header lines if the text starts like an e-mail, else ``None``.

    Leading blank lines are skipped; after that, every line up to the first
    blank one (looking at no more than the first 50 lines) must be a header or
    the continuation of one. A leading mbox ``From `` line is allowed. At least
    two of the headers must be ones real messages carry (From, To, Subject,
    Date, Message-ID, Received, MIME-Version).
    """
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("From "):
        lines.pop(0)
    block: list[str] = []
    seen: set[str] = set()
    for line in lines[:_EMAIL_SCAN_LINES]:
        if not line.strip():
            break
        if line[0] in " \t":
            if not block:
                return None
        else:
            match = _HEADER_LINE.match(line)
            if match is None:
                return None
            seen.add(match.group(1).lower())
        block.append(line)
    return block if len(seen & _EMAIL_HEADERS) >= 2 else None


def _split_extension(name: str) -> tuple[str, str]:
    """Split a name into stem and extension; odd-looking endings are not extensions."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not _EXTENSION.fullmatch(extension):
        return name, ""
    return stem, extension


def _too_large(display_name: str, size: int) -> str:
    """The message for a file over the limit, its size rounded up to a tenth of a MB."""
    tenths = -(-size * 10 // _MEBIBYTE)
    limit = MAX_UPLOAD_BYTES // _MEBIBYTE
    return _("%(name)s is %(size)s MB; the limit is %(limit)s MB per file.") % {
        "name": display_name,
        "size": number_format(tenths / 10, decimal_pos=1),
        "limit": limit,
    }
