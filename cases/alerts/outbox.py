"""The transactional outbox (DESIGN.md "Alerts"): the one way a domain app sends an alert.

A domain service calls `publish(...)` inside its own transaction. The Alert and one Delivery
per recipient agency are written in that transaction; the broker hears of them only after
commit. A broker that is down then loses nothing: the Delivery rows stay pending and the
sweeper (`alerts.sweep_deliveries`) queues them again.

What a notice says and to whom is decided beside its domain (`cases/seizures/notices.py`,
`cases/operations/notices.py`, `cases/matching/notices.py`); this module knows no domain.
An alert is stored language-neutral (`cases/alerts/texts.py`): a notice name and its params,
rendered for each reader; a plain title and body are still accepted and shown as written.
It queues the delivery tasks by their registered names, so it does not import
`cases.alerts.tasks` (whose escalation task publishes through here).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

import redis.exceptions
import sqlalchemy.exc
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.functional import Promise
from kombu.exceptions import KombuError

from cases.alerts import texts
from cases.alerts.models import Alert, Delivery
from cases.choices import Priority
from crackdown.celery import app
from crackdown.rows import insert_rows

if TYPE_CHECKING:
    from members.models import Agency, User

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when a task is published (Redis, or the
# embedded SQLAlchemy/SQLite broker of the default setup).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    KombuError,
    OSError,
    redis.exceptions.RedisError,
    sqlalchemy.exc.SQLAlchemyError,
)

# Names of the tasks in cases/alerts/tasks.py.
DELIVER_TASK = "alerts.deliver"
QUEUE_DELIVERIES_TASK = "alerts.queue_deliveries"

MAX_TITLE = 300

# Objects the callers hand over already loaded: full_clean need not look each one up again.
_ALERT_RELATIONS = ["sender_agency", "sender", "seizure", "operation"]


@contextmanager
def site_language() -> Iterator[None]:
    """Plain alert texts are stored once and read in eleven countries: write them in the site
    language, not in the language of whoever triggered the event. (A notice with params is
    rendered for each reader instead: cases/alerts/texts.py.)"""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def queue_delivery(delivery_id: str) -> bool:
    """Publish the delivery task; False (logged) when the broker is unreachable.

    Never raises for a broker error: the caller's transaction has committed and the row is
    pending, so the sweeper will queue it again once the broker is back.
    """
    try:
        app.signature(DELIVER_TASK, args=(delivery_id,)).delay()
    except BROKER_ERRORS as exc:
        logger.warning(
            "alert delivery %s not queued (broker unavailable: %s); the sweeper will retry", delivery_id, exc
        )
        return False
    return True


def queue_deliveries(delivery_ids: list[str]) -> None:
    """Queue the deliveries of one event with a single broker message.

    One delivery is queued as itself. Several go as one `alerts.queue_deliveries` message,
    which a worker splits into a delivery task each (each claims, sends and retries on its
    own): the request publishes once however many agencies the event reaches. A broker that
    is down leaves every row pending for the sweeper.
    """
    if len(delivery_ids) == 1:
        queue_delivery(delivery_ids[0])
        return
    try:
        app.signature(QUEUE_DELIVERIES_TASK, args=(delivery_ids,)).delay()
    except BROKER_ERRORS as exc:
        logger.warning(
            "%d alert deliveries not queued (broker unavailable: %s); the sweeper will retry", len(delivery_ids), exc
        )


def publish(
    *,
    kind: str,
    recipients: Iterable[Agency],
    title: str | Promise = "",
    body: str | Promise = "",
    notice: str = "",
    params: Mapping | None = None,
    priority: str = Priority.ROUTINE,
    sender_agency: Agency | None = None,
    sender: User | None = None,
    seizure: Model | None = None,
    operation: Model | None = None,
    ack_due_at: dt.datetime | None = None,
) -> Alert | None:
    """Write one alert and a pending delivery per recipient agency; queue them on commit.

    What it says, one of (cases/alerts/texts.py):
    - `title`/`body` lazily translatable templates (gettext_lazy) and their `params`;
    - `notice`, the name of a registered renderer, and its `params`;
    - `title`/`body` plain strings, stored and shown as written.
    Returns None (and writes nothing) when there is no recipient.
    """
    # The outbox knows no domain model (import-linter "apps"), so the links come in as Model;
    # Django's relation descriptors refuse an instance of any other model on assignment.
    alert = Alert(  # type: ignore[misc]
        kind=kind,
        priority=priority,
        title=title,
        body=body,
        notice=notice,
        params=dict(params or {}),
        sender_agency=sender_agency,
        sender=sender,
        seizure=seizure,
        operation=operation,
        ack_due_at=ack_due_at,
    )
    published = publish_many([(alert, recipients)])
    return published[0] if published else None


def make_neutral(alert: Alert) -> None:
    """Store an unsaved alert language-neutral: lazily translated templates become the notice
    `text` with their msgids; a notice's English rendering fills title and body."""
    if isinstance(alert.title, Promise):
        alert.params = texts.text_params(alert.title, alert.body, alert.params or {})
        alert.notice = texts.TEXT
    elif isinstance(alert.body, Promise):
        alert.body = str(alert.body)
    if alert.notice:
        if not texts.is_registered(alert.notice):
            raise ValueError(f"no renderer is registered for the alert notice {alert.notice!r}")
        title, body = texts.render_in(settings.LANGUAGE_CODE, alert.notice, alert.params, "", "")
        alert.title, alert.body = title, body


def publish_many(drafts: Iterable[tuple[Alert, Iterable[Agency]]]) -> list[Alert]:
    """Write unsaved alerts, each with one pending delivery per recipient agency, in two
    multi-row INSERTs, and queue every delivery on commit. Alerts without a recipient are skipped.

    Guarantees: each alert's fields are validated (full_clean) before anything is written; the
    rows go in inside the caller's transaction or not at all; the broker hears of them only
    after commit.
    """
    pending = []
    for alert, agencies in drafts:
        recipients = list({a.pk: a for a in agencies}.values())
        if recipients:
            make_neutral(alert)
            alert.title = alert.title[:MAX_TITLE]
            # The database checks the relations and the choice constraints; full_clean gives
            # field-level messages without a query per relation and constraint.
            alert.full_clean(exclude=_ALERT_RELATIONS, validate_constraints=False)
            pending.append((alert, recipients))
    if not pending:
        return []
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        alerts = insert_rows([alert for alert, _recipients in pending])
        deliveries = insert_rows(
            [
                Delivery(alert=alert, agency=agency, next_attempt_at=now)
                for alert, recipients in pending
                for agency in recipients
            ]
        )
        transaction.on_commit(partial(queue_deliveries, [str(delivery.pk) for delivery in deliveries]))
    return alerts


def requeue_on_commit(delivery_ids: list[str]) -> None:
    """Queue deliveries made pending again (escalation) once the caller's transaction commits."""
    transaction.on_commit(partial(queue_deliveries, delivery_ids))
