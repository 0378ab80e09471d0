from django.db import models


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
