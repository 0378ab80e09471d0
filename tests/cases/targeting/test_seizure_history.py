"""Seizure history feeds the model only through what the line's agency may see: a consignee
named in another agency's unshared seizure is not a reason; one in a shared seizure is."""

from __future__ import annotations

from django.utils import timezone

from cases.seizures.models import SeizureIdentifier
from cases.targeting.facts import History, history_for, line_facts, model_features
from cases.targeting.models import ManifestLine
from tests.factories import SeizureFactory, agency


def _line() -> ManifestLine:
    return ManifestLine(
        agency=agency("KCS"), kind="cargo", reference="X", eta=timezone.now(), transport_mode="sea_container",
        origin_country="MM", transit_countries=[], destination_country="KR", consignee="Golden Lotus Co., Ltd.",
        consignee_normalized="GOLDEN LOTUS",
    )  # fmt: skip


def _seizure(owner: str, sharing: str) -> None:
    seizure = SeizureFactory(agency=agency(owner), status="submitted", sharing=sharing, origin_country="MM")
    SeizureIdentifier.objects.create(seizure=seizure, kind="company", value="Golden Lotus", normalized="GOLDEN LOTUS")


def test_hidden_seizure_of_another_agency_is_not_a_reason(db):
    _seizure("TCD", "agency")
    line = _line()
    history = history_for(agency_id=line.agency_id, lines=[line])
    assert history.seized_companies == set() and history.origin_seizures == {}
    assert "consignee_in_seizures" not in model_features(line_facts(line, history), use_nationality=False)


def test_shared_seizure_is_a_reason(db):
    _seizure("TCD", "members")
    line = _line()
    history = history_for(agency_id=line.agency_id, lines=[line])
    assert history.seized_companies == {"GOLDEN LOTUS"} and history.origin_seizures == {"MM": 1}
    features = model_features(line_facts(line, history), use_nationality=False)
    assert features["consignee_in_seizures"] == 1.0 and features["origin_seizures"] > 0


def test_empty_history_has_no_seizure_features(db):
    assert "origin_seizures" not in model_features(line_facts(_line(), History()), use_nationality=False)


def test_a_company_counts_when_any_of_its_seizures_is_visible(db):
    _seizure("TCD", "agency")
    _seizure("TCD", "agency")
    _seizure("GDVC", "members")
    line = _line()
    history = history_for(agency_id=line.agency_id, lines=[line])
    assert history.seized_companies == {"GOLDEN LOTUS"}


def test_old_origin_counts_are_served_while_a_worker_counts_again(db, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from cases.targeting import facts
    from cases.targeting.tasks import refresh_origin_counts_task

    kcs = agency("KCS")
    assert facts.origin_seizure_counts(kcs.pk) == {}  # none kept: counted now
    _seizure("TCD", "members")
    with django_capture_on_commit_callbacks(execute=False) as fresh:
        assert facts.origin_seizure_counts(kcs.pk) == {}  # kept and fresh: nothing queued
    assert fresh == []
    key = f"targeting:origin-seizures:{kcs.pk}"
    kept = cache.get(key)
    cache.set(key, {**kept, "at": kept["at"] - facts.HISTORY_CACHE_SECONDS - 1})
    with django_capture_on_commit_callbacks(execute=False) as stale:
        assert facts.origin_seizure_counts(kcs.pk) == {}  # old counts served...
        assert facts.origin_seizure_counts(kcs.pk) == {}
    assert len(stale) == 1  # ...and one refresh queued, not one per batch
    refresh_origin_counts_task(kcs.pk)  # what the worker runs
    assert facts.origin_seizure_counts(kcs.pk) == {"MM": 1}
