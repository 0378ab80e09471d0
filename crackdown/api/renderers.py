"""The API's JSON renderer: DRF's output, written by orjson.

At 1,000,000 seizures a list page of 50 spent ~0.5 ms in json.dumps, a tenth of what the
database takes for it (docs/performance.md); orjson writes the same JSON in a tenth of that.
What DRF's encoder knows beyond JSON's own types (dates and times in its format, decimals,
lazy texts) still goes through DRF's encoder, and subclasses of JSON's types (choices, enums,
query dicts) are written as json.dumps writes them. Indented output (`Accept:
application/json; indent=4`) and anything orjson refuses (integers beyond 64 bits) are written
by DRF's renderer itself.

Two differences remain, both pinned by tests/api/test_renderer.py: a float written with an
exponent is written in orjson's form (`1e-7`, where json.dumps writes `1e-07`: the same number),
and NaN or infinity is written null, where DRF's strict JSON fails the request.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework import renderers

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        encoder = self.encoder_class()

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
            return encoder.default(obj)

        try:
            text = orjson.dumps(data, default=default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: U+2028 and U+2029 escaped, so that the JSON is also a JavaScript literal.
        return text.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
