from django.db import transaction
from django.db.models import F

from crackdown.models import Counter


def next_value(name: str, *, count: int = 1) -> int:
    """Return the next number of the named counter; never the same twice, even concurrently.

    With `count`, reserves that many consecutive numbers in one update and returns the first
    (a batch numbers its rows without a round trip each).

    Must run inside the transaction that uses the number: the row stays locked until it
    commits, and a rollback gives the numbers back.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside transaction.atomic()")
    Counter.objects.bulk_create([Counter(name=name, value=0)], ignore_conflicts=True)
    Counter.objects.filter(name=name).update(value=F("value") + count)
    return Counter.objects.filter(name=name).values_list("value", flat=True).get() - count + 1
