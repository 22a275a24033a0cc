"""Authenticated encryption for secrets at rest (Fernet: AES-128-CBC with HMAC-SHA256).

Keys come from CLEANBREAK_ENCRYPTION_KEYS, separate from DJANGO_SECRET_KEY: a comma-
separated list, newest first. Data is encrypted with the first key and decrypted with
any of them, so a key can be rotated in (see the rotate_encryption_key command) and the
old one removed once every row has been re-encrypted.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionFailed(Exception):
    """A stored secret could not be decrypted with any configured key."""


@cache
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CLEANBREAK_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "CLEANBREAK_ENCRYPTION_KEYS must hold Fernet keys "
            "(python manage.py generate_encryption_key makes one)."
        ) from error


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.CLEANBREAK_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:  # non-ASCII: not a token at all
        raise DecryptionFailed(
            "The secret cannot be decrypted with the configured keys."
        ) from error


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    try:
        return keyring().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:  # non-ASCII: not a token at all
        raise DecryptionFailed(
            "The secret cannot be decrypted with the configured keys."
        ) from error


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content as a Fernet token (base64, about a third larger)."""
    return keyring().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return keyring().decrypt(token)
    except InvalidToken as error:
        raise DecryptionFailed("The file cannot be decrypted with the configured keys.") from error


def rotate_bytes(token: bytes) -> bytes:
    """Re-encrypt a file's token under the newest key."""
    try:
        return keyring().rotate(token)
    except InvalidToken as error:
        raise DecryptionFailed("The file cannot be decrypted with the configured keys.") from error


def is_token(data: bytes) -> bool:
    """Whether bytes look like a Fernet token (version byte 0x80, base64url: "gAAAAA")
    rather than a file written in clear before files were encrypted."""
    return data.startswith(b"gAAAAA")


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


# --- Tokens in links (a handover room, a calendar feed) ----------------------------------


def new_link_token() -> tuple[str, str]:
    """A fresh token for a secret link (256 random bits) and its digest, which is all that
    is kept: the token itself is shown once, in the link."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """The SHA-256 a link's token is stored and looked up as."""
    return hashlib.sha256(token.encode()).hexdigest()
