"""Background work of lookouts: the retro-hunt of a new lookout and the expiry (beat)."""

from __future__ import annotations

from celery import shared_task

from cases.lookouts import services


@shared_task(name="lookouts.retro_hunt", acks_late=True)
def retro_hunt(lookout_id: int) -> int:
    """Run one lookout over the seizures of the past three years; progress on the lookout."""
    return services.retro_hunt(lookout_id=lookout_id)


@shared_task(name="lookouts.expire")
def expire() -> int:
    """End the lookouts whose expiry has passed (CELERY_BEAT_SCHEDULE "lookouts-expire")."""
    return services.expire_due()
