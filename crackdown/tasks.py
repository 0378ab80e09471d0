"""The platform's own periodic task: the worker's heartbeat, read by /healthz (crackdown/health.py)."""

from celery import shared_task

from crackdown import health


@shared_task(name="crackdown.heartbeat", ignore_result=True)
def heartbeat() -> None:
    health.beat()
