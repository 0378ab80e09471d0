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
    if isinstance(value, str):
        _check_text(value)
        return
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        # Only containers go on the stack: a 5,000-line manifest holds ~150,000 scalars.
        for child in children:
            if isinstance(child, str):
                if "\x00" in child:
                    _check_text(child)
            elif isinstance(child, dict | list):
                stack.append((child, depth + 1))


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ParseError("JSON parse error - strings must not contain the NUL character.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from None
        check_json_value(data)
        return data
