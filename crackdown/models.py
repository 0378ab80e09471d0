from __future__ import annotations

from django.db import models
from django.utils.functional import Promise


def choice_label(choices: type[models.Choices], value: str) -> str | Promise:
    """The label of `value` in `choices`, in the active language (the value itself if unknown).

    What a model's `get_FOO_display()` returns, without Django's default implementation's
    cost on hot pages: it makes every label of the field hashable, and so translates each of
    them, on every call (a list page called it 150 times). Models define `get_FOO_display`
    with it for the fields their lists show; Django keeps a method a model defines itself.
    """
    try:
        return choices(value).label
    except ValueError:
        return value


class Counter(models.Model):
    """A named, monotonically increasing number (reference numbers, operation codes).

    Incremented by an UPDATE that holds the row lock until commit, so concurrent creators
    never receive the same number (see crackdown.sequences.next_value).
    """

    name = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Heartbeat(models.Model):
    """When a named background process last proved it was running (the Celery worker's
    periodic `crackdown.heartbeat` task writes "worker"); read by /healthz."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}@{self.at:%Y-%m-%d %H:%M:%S}"
