"""The API's JSON renderer: drf-orjson-renderer, writing the bytes DRF's JSONRenderer writes.

At 1,000,000 seizures a list page of 50 spent ~0.5 ms in json.dumps, a tenth of what the
database takes for it (docs/performance.md); orjson writes the same JSON in a tenth of that.
The maintained drf-orjson-renderer does the writing, with the options set in settings
(`ORJSON_RENDERER_OPTIONS`): datetimes and subclasses of JSON's types are handed to `default`
below, which writes them as DRF's encoder and json.dumps do (dates and times in DRF's format,
choices and enums by value, query dicts by their items()), and integer keys are allowed as
json.dumps allows them. What the package does not do and DRF's renderer does is kept here:
indented output (`Accept: application/json; indent=4`), a non-compact or ASCII-only setting,
and what orjson refuses (integers beyond 64 bits) are written by DRF's renderer itself, and
U+2028/U+2029 are escaped.

Two differences remain, both pinned by tests/api/test_renderer.py: a float written with an
exponent is written in orjson's form (`1e-7`, where json.dumps writes `1e-07`: the same number),
and NaN or infinity is written null, where DRF's strict JSON fails the request.
"""

from __future__ import annotations

from typing import Any

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework import renderers

_DRF = renderers.JSONRenderer()
_ENCODER = _DRF.encoder_class()


class JSONRenderer(ORJSONRenderer):
    @staticmethod
    def default(obj: Any) -> Any:
        # As json.dumps writes subclasses of its own types: a mapping by its items(), a
        # string or a number by its value (an enum's str() may be its name).
        if isinstance(obj, dict):
            return dict(obj.items())
        if isinstance(obj, list | tuple):
            return list(obj)
        if isinstance(obj, str):
            return str.__str__(obj)
        if isinstance(obj, int):
            return int.__int__(obj)
        if isinstance(obj, float):
            return float.__float__(obj)
        return _ENCODER.default(obj)

    def render(self, data: Any, media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        # get_indent reads no media type parameters from "" as from None (its stubs take a str).
        if (
            _DRF.get_indent(media_type or "", renderer_context or {}) is not None
            or _DRF.ensure_ascii
            or not _DRF.compact
        ):
            return _DRF.render(data, media_type, renderer_context)
        try:
            text = super().render(data, media_type, renderer_context)
        except orjson.JSONEncodeError:
            return _DRF.render(data, media_type, renderer_context)
        # As DRF does: U+2028 and U+2029 escaped, so that the JSON is also a JavaScript literal.
        return text.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
