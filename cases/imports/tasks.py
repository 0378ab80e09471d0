"""Celery task of bulk imports: it takes the import's id and runs it (cases.imports.services)."""

from __future__ import annotations

from celery import shared_task

from cases.imports.services import RUN_TASK, import_run, import_sweep


# Not acks_late: a worker lost mid-import leaves a "running" row rather than a second run of a
# long job; its transaction was rolled back, so nothing of it was saved.
@shared_task(name=RUN_TASK, ignore_result=True)
def run_import(import_id: int) -> None:
    import_run(import_id)


@shared_task(name="imports.sweep", ignore_result=True)
def sweep_imports() -> int:
    return import_sweep()
