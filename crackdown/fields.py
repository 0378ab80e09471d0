"""A text field encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from FIELD_ENCRYPTION_KEY, or is derived from SECRET_KEY when that is unset,
so the database never holds the clear text of a secret.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(("crackdown-field-encryption:" + key_material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _cipher() -> Fernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _PREFIX + _cipher().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(_PREFIX):
        return value
    try:
        return _cipher().decrypt(value[len(_PREFIX) :].encode()).decode()
    except InvalidToken:
        # A rotated key makes the old secret unreadable: treat it as unset rather than crash.
        return ""


class EncryptedTextField(models.TextField):
    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
