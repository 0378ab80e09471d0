"""Periodic housekeeping of members: expired API tokens."""

from __future__ import annotations

from celery import shared_task

from members.services import tokens_delete_expired


@shared_task(name="members.delete_expired_tokens", ignore_result=True)
def delete_expired_tokens() -> int:
    return tokens_delete_expired()
