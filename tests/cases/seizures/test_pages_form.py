"""The seizure create / edit form: rows, errors on the exact field, nothing saved when wrong."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.seizures.models import Seizure, SeizureItem, SeizureRevision
from cases.seizures.services import seizure_create, seizure_submit, seizure_verify
from tests.cases.seizures.conftest import make_operation, seizure_payload
from tests.factories import agency

pytestmark = pytest.mark.django_db

CREATE = reverse("seizures:create")
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_data(*, items=None, identifiers=None, persons=None, spare: int = 2, **fields) -> dict[str, str]:
    """POST data as the browser sends it: the main fields, typed rows, then untouched spare rows.

    Times are typed in Seoul time, the time zone of the KCS users who post these forms.
    """
    local = timezone.localtime(timezone.now() - dt.timedelta(hours=2), SEOUL)
    data = {
        "occurred_at": local.strftime("%Y-%m-%dT%H:%M"),
        "location": "Incheon Port",
        "country": "KR",
        "transport_mode": "sea_container",
        "detection_method": "xray",
        "concealment": "Machine parts",
        "origin_country": "TH",
        "transit_countries": "MY",
        "destination_country": "KR",
        "sharing": "members",
        "notes": "",
    }
    data.update(fields)
    rows = {
        "items": items if items is not None else [{"drug": "methamphetamine", "quantity": "12.5", "unit": "kg"}],
        "identifiers": identifiers or [],
        "persons": persons or [],
    }
    spare_row = {"items": {"unit": "kg"}, "identifiers": {}, "persons": {"sex": "unknown"}}
    for prefix, typed in rows.items():
        all_rows = list(typed) + [spare_row[prefix]] * spare
        data.update(management(prefix, len(all_rows)))
        for index, row in enumerate(all_rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data


def test_create_with_two_items_saves_and_redirects(client_as, kim):
    data = form_data(
        items=[
            {"drug": "methamphetamine", "description": "Crystal", "quantity": "12.5", "unit": "kg"},
            {"drug": "mdma", "description": "Tablets", "quantity": "3000", "unit": "tablet"},
        ],
        identifiers=[{"kind": "container", "value": "CSQU 305438-3"}],
        persons=[{"role": "courier", "nationality": "TH", "sex": "f", "birth_year": "1990"}],
        transit_countries="my, vn",
    )
    response = client_as(kim).post(CREATE, data)
    seizure = Seizure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("seizures:detail", args=[seizure.pk])
    assert seizure.status == "draft" and seizure.agency.code == "KCS" and seizure.reported_by == kim
    assert [(i.drug, i.quantity, i.unit) for i in seizure.items.all()] == [
        ("methamphetamine", Decimal("12.500"), "kg"),
        ("mdma", Decimal("3000.000"), "tablet"),
    ]
    assert seizure.total_weight_kg == Decimal("12.800")  # 3,000 MDMA tablets count 0.3 kg
    assert seizure.transit_countries == ["MY", "VN"]
    assert [i.normalized for i in seizure.identifiers.all()] == ["CSQU3054383"]
    assert seizure.persons.get().nationality == "TH"
    # The datetime-local value was read in the reader's time zone (KCS: Asia/Seoul).
    assert abs(seizure.occurred_at - (timezone.now() - dt.timedelta(hours=2))) < dt.timedelta(minutes=2)


def test_create_page_offers_two_spare_rows_and_the_row_template(client_as, kim):
    response = client_as(kim).get(CREATE)
    html = response.content.decode()
    assert response.status_code == 200
    for prefix in ("items", "identifiers", "persons"):
        assert f'name="{prefix}-TOTAL_FORMS" value="2"' in html
        assert f'id="{prefix}-empty"' in html and f'data-formset-add="{prefix}"' in html
    assert 'type="datetime-local"' in html


def test_invalid_container_keeps_typed_values_puts_error_on_the_row_and_saves_nothing(client_as, kim):
    data = form_data(
        items=[
            {"drug": "heroin", "description": "Bricks", "quantity": "4", "unit": "kg"},
            {"drug": "cocaine", "quantity": "250", "unit": "g"},
        ],
        identifiers=[
            {"kind": "vessel_imo", "value": "IMO 9074729"},
            {"kind": "container", "value": "CSQU 305438-4"},
        ],
        location="Busan New Port",
    )
    response = client_as(kim).post(CREATE, data)
    assert response.status_code == 400
    assert not Seizure.objects.exists() and not SeizureItem.objects.exists()
    identifiers = response.context["formsets"]["identifiers"]
    assert identifiers.forms[1].errors["value"]  # the container row, on its value field
    assert not identifiers.forms[0].errors
    html = response.content.decode()
    assert 'value="CSQU 305438-4"' in html
    assert 'value="Busan New Port"' in html
    assert 'value="Bricks"' in html and 'value="250"' in html
    assert "Nothing was saved" in html


def test_bad_quantity_and_transits_point_at_their_fields(client_as, kim):
    data = form_data(
        items=[{"drug": "heroin", "quantity": "-3", "unit": "kg"}],
        transit_countries="MY, MY",
    )
    response = client_as(kim).post(CREATE, data)
    assert response.status_code == 400
    assert response.context["formsets"]["items"].forms[0].errors["quantity"]
    assert response.context["form"].errors["transit_countries"]
    assert not Seizure.objects.exists()


def test_future_date_is_refused_on_its_field(client_as, kim):
    future = timezone.localtime(timezone.now() + dt.timedelta(days=2), SEOUL).strftime("%Y-%m-%dT%H:%M")
    response = client_as(kim).post(CREATE, form_data(occurred_at=future))
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_at"]
    assert not Seizure.objects.exists()


def test_no_item_is_refused_on_the_items(client_as, kim):
    response = client_as(kim).post(CREATE, form_data(items=[]))
    assert response.status_code == 400
    assert response.context["formsets"]["items"].non_form_errors()
    assert not Seizure.objects.exists()


def test_removed_row_is_not_saved(client_as, kim):
    data = form_data(
        items=[
            {"drug": "heroin", "quantity": "1", "unit": "kg"},
            {"drug": "cocaine", "quantity": "2", "unit": "kg", "DELETE": "on"},
        ]
    )
    assert client_as(kim).post(CREATE, data).status_code == 302
    assert [i.drug for i in Seizure.objects.get().items.all()] == ["heroin"]


def test_operation_choices_are_the_accepted_ones(client_as, kim):
    accepted = make_operation(lead="TCD", accepted=["KCS"])
    invited = make_operation(lead="TCD", invited=["KCS"])
    form = client_as(kim).get(CREATE).context["form"]
    choices = list(form.fields["operation"].queryset)
    assert accepted in choices and invited not in choices


def test_sharing_with_an_operation_and_an_agency(client_as, kim):
    operation = make_operation(lead="KCS", accepted=["TCD"])
    data = form_data(sharing="agency", operation=str(operation.pk))
    data["shared_with"] = [str(agency("TCD").pk)]
    assert client_as(kim).post(CREATE, data).status_code == 302
    seizure = Seizure.objects.get()
    assert seizure.operation == operation
    assert [a.code for a in seizure.shared_with.all()] == ["TCD"]


def test_edit_shows_current_rows_and_saves_changes(client_as, kim):
    seizure = seizure_create(by=kim, data=seizure_payload())
    edit = reverse("seizures:edit", args=[seizure.pk])
    page = client_as(kim).get(edit)
    html = page.content.decode()
    assert 'name="items-TOTAL_FORMS" value="4"' in html  # two items + two spare rows
    assert "csqu 305438-3" in html
    data = form_data(items=[{"drug": "ketamine", "quantity": "500", "unit": "g"}], location="Pyeongtaek")
    response = client_as(kim).post(edit, data)
    assert response.status_code == 302
    seizure.refresh_from_db()
    assert seizure.location == "Pyeongtaek"
    assert [i.drug for i in seizure.items.all()] == ["ketamine"]
    assert seizure.total_weight_kg == Decimal("0.500")


def test_amending_a_verified_seizure_needs_a_reason(client_as, kim, park):
    seizure = seizure_create(by=kim, data=seizure_payload())
    seizure_submit(seizure=seizure, by=kim)
    seizure_verify(seizure=seizure, by=park)
    edit = reverse("seizures:edit", args=[seizure.pk])
    assert "amendment_reason" in client_as(kim).get(edit).context["form"].fields

    response = client_as(kim).post(edit, form_data(location="Gwangyang"))
    assert response.status_code == 400
    assert response.context["form"].errors["amendment_reason"]
    seizure.refresh_from_db()
    assert seizure.location == "Incheon Port"

    response = client_as(kim).post(edit, form_data(location="Gwangyang", amendment_reason="Port misread"))
    assert response.status_code == 302
    revision = seizure.revisions.filter(action=SeizureRevision.Action.AMENDED).get()
    assert revision.reason == "Port misread" and "location" in revision.changes
    detail = client_as(kim).get(reverse("seizures:detail", args=[seizure.pk])).content.decode()
    assert "Port misread" in detail and "location" in detail


def test_no_item_message_is_shown_above_the_items(client_as, kim):
    response = client_as(kim).post(CREATE, form_data(items=[]))
    messages = list(response.context["formsets"]["items"].non_form_errors())
    page = response.content.decode()
    shown = page[page.index('data-formset-errors="items"') :]
    assert messages
    assert all(escape(message) in shown[: shown.index("</div>")] for message in messages)
