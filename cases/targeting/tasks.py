"""Targeting's Celery task: a training run (the version row carries its progress)."""

from __future__ import annotations

from celery import shared_task

from cases.targeting.training import train_version


@shared_task(name="targeting.train_model", acks_late=True)
def train_model(version_id: int) -> None:
    train_version(version_id)
