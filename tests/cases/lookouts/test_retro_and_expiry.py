"""The retro-hunt over earlier seizures and the expiry beat task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.alerts.models import Alert, Delivery
from cases.lookouts.models import Hit, LookoutRevision, LookoutValue
from cases.lookouts.services import expire_due, retro_hunt
from cases.lookouts.tasks import expire
from cases.seizures.models import Seizure
from tests.cases.alerts.conftest import running_worker, wait_for

pytestmark = pytest.mark.django_db


def test_retro_hunt_finds_submitted_seizures_of_three_years_with_progress(record, watch, kim, somchai, tcd):
    recent = record(kim, [("container", "CSQU3054383")], sharing="agency")
    old = record(kim, [("container", "CSQU3054383")])
    Seizure.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - dt.timedelta(days=365 * 3 + 30))
    record(kim, [("container", "CSQU3054383")], submit=False)  # a draft is never hunted
    values = [("container", "CSQU3054383")] + [("passport", f"M{n:07d}") for n in range(150)]
    lookout = watch(somchai, values)

    assert retro_hunt(lookout_id=lookout.pk) == 1

    lookout.refresh_from_db()
    assert (lookout.retro_status, lookout.retro_done, lookout.retro_total) == ("done", 151, 151)
    assert lookout.hit_count == 1
    hit = Hit.objects.get(lookout=lookout)
    assert (hit.source, hit.seizure_id, hit.agency.code) == ("retro", recent.pk, "KCS")
    [summary] = Alert.objects.filter(kind="lookout_hit", pk__in=Delivery.objects.filter(agency=tcd).values("alert_id"))
    assert "1 earlier seizure" in summary.title
    assert recent.reference not in summary.title + summary.body
    # Run again: nothing new, no second alert.
    assert retro_hunt(lookout_id=lookout.pk) == 0
    assert Alert.objects.filter(kind="lookout_hit").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_runs_the_retro_hunt_of_a_new_lookout_and_delivers_the_hit_alert(record, kim, somchai, tcd):
    """A real worker on the real broker: the lookout's page reads `done` and TCD's delivery is made."""
    from cases.lookouts.services import lookout_create

    record(kim, [("vessel_imo", "IMO 9074729")])
    with running_worker():
        lookout = lookout_create(
            by=somchai,
            data={
                "title": "Vessel",
                "expires_at": timezone.now() + dt.timedelta(days=3),
                "values": [{"kind": "vessel_imo", "value": "9074729"}],
            },
        )
        wait_for(lambda: type(lookout).objects.get(pk=lookout.pk).retro_status == "done", message="retro-hunt done")
        wait_for(
            lambda: Delivery.objects.filter(agency=tcd, alert__kind="lookout_hit", status="delivered").exists(),
            message="the lookout_hit alert delivered to TCD",
        )
    assert Hit.objects.filter(lookout=lookout, source="retro").count() == 1


def test_expiry_ends_due_lookouts_and_they_stop_hitting(record, watch, kim, somchai):
    due = watch(somchai, [("container", "CSQU3054383")])
    later = watch(somchai, [("phone", "+66812345678")], title="Later")
    type(later).objects.filter(pk=later.pk).update(expires_at=due.expires_at + dt.timedelta(days=1))

    assert expire_due(now=due.expires_at + dt.timedelta(seconds=1)) == 1
    due.refresh_from_db()
    assert due.status == "expired"
    assert not LookoutValue.objects.filter(lookout=due, active=True).exists()
    assert LookoutRevision.objects.filter(lookout=due, action="expired").exists()
    record(kim, [("container", "CSQU3054383")])
    assert not Hit.objects.filter(lookout=due).exists()
    later.refresh_from_db()
    assert later.status == "active"


def test_a_lookout_past_its_expiry_makes_no_hit_before_the_beat_runs(record, watch, kim, somchai):
    lookout = watch(somchai, [("container", "CSQU3054383")])
    type(lookout).objects.filter(pk=lookout.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    record(kim, [("container", "CSQU3054383")])

    assert not Hit.objects.exists()
    assert expire() == 1
