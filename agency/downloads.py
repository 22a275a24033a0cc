"""Serving private files back to the browser: always as a download, never inline.

Uploads (evidence, signed contracts) and generated documents are private: no URL maps
to MEDIA_ROOT, and a permission-checked view hands the file to
:func:`private_file_response`.
"""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse

from .uploads import ACCEPTED, OCTET_STREAM, sanitise_filename


def private_file_response(
    fieldfile: File[bytes], *, download_name: str, content_type: str
) -> FileResponse:
    """Send a stored upload to the browser as a download, never for display.

    The file (typically a model's ``FieldFile``) is opened and streamed with
    ``Content-Disposition: attachment`` under ``download_name`` (cleaned with
    :func:`sanitise_filename`; Django encodes non-ASCII names per RFC 5987).
    ``content_type`` is used only if it is one of :data:`ACCEPTED`, otherwise
    the file goes out as ``application/octet-stream``. The response also tells
    the browser not to sniff the type, not to cache the file anywhere shared
    or on disk, and to treat anything it does render as a sandboxed document
    that may load nothing.
    """
    base_type = content_type.split(";", 1)[0].strip().lower()
    served_type = base_type if base_type in ACCEPTED else OCTET_STREAM
    fieldfile.open("rb")
    response = FileResponse(
        fieldfile,
        as_attachment=True,
        filename=sanitise_filename(download_name),
        content_type=served_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
