"""The API's JSON parser: DRF's, with limits that keep any body from becoming a 500.

A body nested deeper than MAX_DEPTH, or so deep that the decoder itself gives up, and a NUL
character in any string or key (PostgreSQL text cannot hold one) are a 400 with a message.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of the contract nests more than a few levels.
MAX_DEPTH = 32


def check_json_value(value: Any) -> None:
    """Raise ParseError for a value nested deeper than MAX_DEPTH or holding a NUL character."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ParseError("JSON parse error - strings must not contain the NUL character.")
            continue
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from None
        check_json_value(data)
        return data
