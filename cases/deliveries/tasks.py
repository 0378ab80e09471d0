"""Celery tasks of controlled deliveries."""

from __future__ import annotations

from celery import shared_task

from cases.deliveries.services import escalate_overdue_legs


@shared_task(name="deliveries.escalate_overdue_legs", ignore_result=True)
def escalate_overdue() -> int:
    """Escalate legs not handed over 2 hours after their ETA (beat, every minute)."""
    return escalate_overdue_legs()
