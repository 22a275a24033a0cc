"""Model fields for secrets: stored encrypted, used as plain text in Python."""

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models

from . import crypto
from .files import make_private_dirs, write_atomically


class EncryptedTextField(models.TextField):
    """A text field whose column holds only the Fernet token, never the plain text.

    Not searchable or sortable by its content, by design.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)


class EncryptedFileStorage(FileSystemStorage):
    """Private files encrypted at rest (Fernet, CLEANBREAK_ENCRYPTION_KEYS) under MEDIA_ROOT.

    The one owner of "encrypt on write, decrypt on read, rotate": a file is written whole
    or not at all, read back in clear, and re-encrypted under the newest key by
    `rotate_encryption_key`. A file written before files were encrypted is read as it is,
    and encrypted on rotation; it is recognised by the signature of what was stored then
    (generated PDFs). Anything else that is no token is damaged and fails to decrypt,
    rather than being served as it is.
    """

    CLEAR_SIGNATURES = (b"%PDF-",)

    def _in_clear(self, content: bytes) -> bool:
        return not crypto.is_token(content) and content.startswith(self.CLEAR_SIGNATURES)

    def _save(self, name: str, content) -> str:
        # Owner only, folders and files (FILE_UPLOAD_DIRECTORY_PERMISSIONS, ..._PERMISSIONS).
        path = Path(self.path(name))
        make_private_dirs(path.parent, mode=self.directory_permissions_mode or 0o700)
        content.seek(0)
        write_atomically(
            path,
            crypto.encrypt_bytes(content.read()),
            prefix=".write-",
            mode=self.file_permissions_mode or 0o600,
        )
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written through save(), never opened to write.")
        with open(self.path(name), "rb") as stored:
            content = stored.read()
        return ContentFile(content if self._in_clear(content) else crypto.decrypt_bytes(content))

    def state(self, name: str, *, newest: Fernet) -> str:
        """How a stored file stands: current (newest key), stale (an older key), clear
        (never encrypted) or failed (no configured key opens it)."""
        with open(self.path(name), "rb") as stored:
            content = stored.read()
        if self._in_clear(content):
            return "clear"
        try:
            newest.decrypt(content)
        except InvalidToken:
            pass
        else:
            return "current"
        try:
            crypto.decrypt_bytes(content)
        except crypto.DecryptionFailed:
            return "failed"
        return "stale"

    def rotate(self, name: str) -> None:
        """Re-encrypt a stored file under the newest key (encrypt it, if still in clear)."""
        path = Path(self.path(name))
        content = path.read_bytes()
        rewritten = (
            crypto.encrypt_bytes(content)
            if self._in_clear(content)
            else crypto.rotate_bytes(content)
        )
        write_atomically(
            path, rewritten, prefix=".rotate-", mode=self.file_permissions_mode or 0o600
        )


def encrypted_file_storage() -> EncryptedFileStorage:
    return _ENCRYPTED_STORAGE


_ENCRYPTED_STORAGE = EncryptedFileStorage()


class EncryptedFileField(models.FileField):
    """A file field whose file is encrypted at rest; `field_file.open()` reads it in clear."""

    description = "File encrypted at rest"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", encrypted_file_storage)
        super().__init__(*args, **kwargs)
