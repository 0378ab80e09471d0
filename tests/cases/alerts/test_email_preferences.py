"""Alert fatigue: each agency chooses which alerts also come by e-mail; routine ones may wait for a digest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import ngettext

from cases.alerts.delivery import attempt
from cases.alerts.models import AlertPreference, Delivery
from cases.alerts.services import alert_create
from cases.alerts.tasks import send_digests
from cases.choices import DeliveryStatus, Priority
from cases.seizures.notices import notify_seizure_submitted
from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thai_mailbox(tcd):
    tcd.contact_email = "intel@customs.go.th.test"
    tcd.save()
    return tcd


def deliver_all() -> None:
    for pk in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        attempt(str(pk))


def lookout(kim, priority="urgent"):
    return alert_create(by=kim, kind="lookout", recipients=["TCD"], priority=priority, title="Courier on TG 658")


def test_alert_goes_to_the_contact_address_by_default(kim, thai_mailbox):
    alert = lookout(kim)
    deliver_all()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["intel@customs.go.th.test"]
    assert "Courier on TG 658" in mail.outbox[0].subject
    assert f"/alerts/{alert.pk}/" in mail.outbox[0].body
    assert Delivery.objects.get().email_sent_at is not None


def test_email_is_sent_once_even_if_the_task_runs_again(kim, thai_mailbox):
    lookout(kim)
    deliver_all()
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)  # a duplicate task
    attempt(str(delivery.pk))
    assert len(mail.outbox) == 1


def test_kinds_not_chosen_stay_in_app(kim, thai_mailbox):
    AlertPreference.objects.create(agency=thai_mailbox, email_kinds=["seizure_notice"])
    lookout(kim)
    deliver_all()
    assert mail.outbox == []
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_seizure_notices_by_email_only_for_the_chosen_drugs_and_modes(kim, thai_mailbox):
    AlertPreference.objects.create(agency=thai_mailbox, email_drugs=["heroin"], email_transport_modes=["sea_container"])
    meth = SeizureFactory(origin_country="TH")
    heroin_by_air = SeizureFactory(
        origin_country="TH", transport_mode="air_cargo", items=[("heroin", Decimal("2"), "kg")]
    )
    heroin_by_sea = SeizureFactory(origin_country="TH", items=[("heroin", Decimal("5"), "kg")])
    for seizure in (meth, heroin_by_air, heroin_by_sea):
        notify_seizure_submitted(seizure=seizure, by=kim)
    deliver_all()
    assert len(mail.outbox) == 1
    assert heroin_by_sea.reference in mail.outbox[0].subject


def test_email_disabled_sends_nothing(kim, thai_mailbox):
    AlertPreference.objects.create(agency=thai_mailbox, email_enabled=False)
    lookout(kim)
    deliver_all()
    assert mail.outbox == []


def test_routine_alerts_wait_for_the_daily_digest(kim, thai_mailbox):
    AlertPreference.objects.create(agency=thai_mailbox, routine_as_digest=True)
    lookout(kim, priority="routine")
    alert_create(by=kim, kind="pre_arrival", recipients=["TCD"], priority="routine", title="Container TGHU1234566")
    lookout(kim, priority="flash")
    deliver_all()
    # Mail comes in the agency's language (Thai for TCD).
    with translation.override(thai_mailbox.mail_language):
        flash = str(Priority.FLASH.label).upper()
        two_routine = ngettext("Daily digest: %(n)s routine alert", "Daily digest: %(n)s routine alerts", 2) % {"n": 2}
    assert [m.subject for m in mail.outbox] == [f"[Crackdown {flash}] Courier on TG 658"]

    assert send_digests() == 1
    digest = mail.outbox[1]
    assert two_routine in digest.subject
    assert "Container TGHU1234566" in digest.body
    # Each routine alert is in one digest only, and the next digest waits a day.
    assert send_digests() == 0
    AlertPreference.objects.update(digest_sent_at=timezone.now() - dt.timedelta(days=1))
    send_digests()
    assert len(mail.outbox) == 2
