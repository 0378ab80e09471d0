"""The layout's navigation. Each app registers its entries from its AppConfig.ready() with the
permission that decides who sees them, so the platform package names no app and no role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Entry:
    order: int
    label: Promise
    url_name: str
    allowed: Callable[[Any], bool]


_entries: dict[str, Entry] = {}


def register(*, order: int, label: Promise, url_name: str, allowed: Callable[[Any], bool]) -> None:
    """Add (or replace) the entry for `url_name`; entries show in `order`, to users `allowed` admits."""
    _entries[url_name] = Entry(order=order, label=label, url_name=url_name, allowed=allowed)


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda entry: entry.order)
