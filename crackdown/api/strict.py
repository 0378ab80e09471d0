"""A string field takes a JSON string: the server refuses what the OpenAPI schema refuses.

DRF's CharField turns a number into text (`0` into `"0"`), so a request whose `full_name`,
`body` or `notes` is a number or a boolean was accepted although the schema (and every client
generated from it) says `type: string`. `use_strict_strings()`, called once at start-up
(CrackdownConfig.ready), makes CharField and every field built on it (EmailField, RegexField,
SlugField, URLField...) refuse anything but a string with DRF's own message ("Not a valid
string."), whichever serializer declares it, so that no serializer has to remember it.

Only `CharField.to_internal_value`, a public method that DRF documents for custom fields, is
wrapped; tests/api/test_strict_strings.py fails if a DRF upgrade changes what it wraps.
"""

from __future__ import annotations

from typing import Any

from rest_framework import fields

_lenient_to_internal_value = fields.CharField.to_internal_value


def _to_internal_value(self: fields.CharField, data: Any) -> str:
    if not isinstance(data, str):
        self.fail("invalid")
    return _lenient_to_internal_value(self, data)


def use_strict_strings() -> None:
    fields.CharField.to_internal_value = _to_internal_value  # type: ignore[method-assign,assignment]
