"""Targeting's Celery tasks: a training run (the version row carries its progress), and the
refresh of an agency's per-origin seizure counts that manifest batches read."""

from __future__ import annotations

from celery import shared_task

from cases.targeting.facts import REFRESH_TASK, refresh_origin_counts
from cases.targeting.training import train_version


@shared_task(name="targeting.train_model", acks_late=True)
def train_model(version_id: int) -> None:
    train_version(version_id)


@shared_task(name=REFRESH_TASK)
def refresh_origin_counts_task(agency_id: int) -> None:
    refresh_origin_counts(agency_id)
