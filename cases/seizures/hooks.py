"""What apps above seizures do when a seizure changes, in the seizure service's transaction.

The seizure services do not know matching, lookouts or imports; those apps register here
from their AppConfig.ready() and are called by `seizure_submit` / `seizure_update` inside
the same transaction, so a match or a hit commits or rolls back with the seizure.
Order: hooks run in the order the apps are installed (INSTALLED_APPS).
"""

from __future__ import annotations

from typing import Any, Protocol

from cases.seizures.models import Seizure


class SubmittedHook(Protocol):
    def __call__(self, *, seizure: Seizure, by: Any, notify: bool = True) -> object: ...


class IdentifiersChangedHook(Protocol):
    def __call__(self, *, seizure: Seizure) -> object: ...


_submitted: list[SubmittedHook] = []
_identifiers_changed: list[IdentifiersChangedHook] = []


def on_submitted(hook: SubmittedHook) -> SubmittedHook:
    """Call `hook(seizure=..., by=..., notify=...)` when a draft is submitted (once per hook).

    With `notify=False` (a bulk import, which sends one summary per partner agency instead)
    a hook records what it finds (matches, hits) but publishes no alert of its own.
    """
    if hook not in _submitted:
        _submitted.append(hook)
    return hook


def on_identifiers_changed(hook: IdentifiersChangedHook) -> IdentifiersChangedHook:
    """Call `hook(seizure=...)` when a shared seizure's identifiers change (once per hook)."""
    if hook not in _identifiers_changed:
        _identifiers_changed.append(hook)
    return hook


def seizure_submitted(*, seizure: Seizure, by: Any, notify: bool = True) -> None:
    for hook in _submitted:
        hook(seizure=seizure, by=by, notify=notify)


def identifiers_changed(*, seizure: Seizure) -> None:
    for hook in _identifiers_changed:
        hook(seizure=seizure)
