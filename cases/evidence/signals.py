"""A deleted evidence row takes its bytes out of storage, once the deletion has committed.

A row goes through `evidence_delete` or with its draft seizure (`seizure_delete`, whose
cascade never calls the evidence services): both end here, so storage keeps no orphan.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from cases.evidence.files import evidence_storage
from cases.evidence.models import Evidence


def _delete_stored(key: str) -> None:
    evidence_storage().delete(key)


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence-delete-stored-file")
def delete_stored_file(sender: Any, instance: Evidence, **kwargs: Any) -> None:
    transaction.on_commit(partial(_delete_stored, instance.storage_key))
