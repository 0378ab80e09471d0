"""The API's JSON renderer: DRF's output, written by orjson.

At 1,000,000 seizures a list page of 50 spent ~0.5 ms in json.dumps, a tenth of what the
database takes for it (docs/performance.md); orjson writes the same bytes in a tenth of that.
Everything DRF's encoder knows beyond JSON's own types (dates and times in its format,
decimals, lazy texts) still goes through DRF's encoder; indented output (`Accept:
application/json; indent=4`) and anything orjson refuses (integers beyond 64 bits) are
written by DRF's renderer itself.
"""

from __future__ import annotations

import orjson
from rest_framework import renderers

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None or self.ensure_ascii:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: U+2028 and U+2029 escaped, so that the JSON is also a JavaScript literal.
        return text.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
