from django.db import transaction
from django.db.models import F

from crackdown.models import Counter


def next_value(name: str) -> int:
    """Return the next number of the named counter; never the same twice, even concurrently.

    Must run inside the transaction that uses the number: the row stays locked until it
    commits, and a rollback gives the number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside transaction.atomic()")
    Counter.objects.bulk_create([Counter(name=name, value=0)], ignore_conflicts=True)
    Counter.objects.filter(name=name).update(value=F("value") + 1)
    return Counter.objects.filter(name=name).values_list("value", flat=True).get()
