"""The operation pages: what each reader sees on the board, and that forms work without JavaScript."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.operations import services
from cases.operations.models import Assignment, JointOperation, OperationMessage
from tests.factories import SeizureFactory, UserFactory, agency


def board(client, user, operation):
    client.force_login(user)
    response = client.get(f"/operations/{operation.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_lead_coordinator_sees_lifecycle_invite_and_assign(client, park, operation):
    html = board(client, park, operation)
    assert f"/operations/{operation.pk}/activate/" in html
    assert f"/operations/{operation.pk}/invite/" in html
    assert f"/operations/{operation.pk}/assignments/" in html
    assert operation.code in html


def test_lead_officer_sees_the_board_without_steering(client, kim, operation):
    html = board(client, kim, operation)
    assert 'id="assignments"' in html
    assert f"/operations/{operation.pk}/activate/" not in html
    assert f"/operations/{operation.pk}/invite/" not in html


def test_invited_coordinator_sees_header_and_respond_buttons_only(client, aziz, operation):
    services.message_post(operation=operation, body="Secret plan for Busan", by=operation.created_by)
    html = board(client, aziz, operation)
    assert operation.name in html
    assert f"/operations/{operation.pk}/respond/" in html
    assert 'id="assignments"' not in html
    assert "Secret plan for Busan" not in html


def test_declined_agency_sees_only_the_card(client, aziz, operation):
    services.operation_respond(operation=operation, accept=False, by=aziz)
    html = board(client, aziz, operation)
    assert f"/operations/{operation.pk}/respond/" not in html
    assert 'id="messages"' not in html


def test_respond_page_flow(client, aziz, operation):
    client.force_login(aziz)
    response = client.post(f"/operations/{operation.pk}/respond/", {"accept": "1"})
    assert response.status_code == 302
    assert 'id="assignments"' in client.get(f"/operations/{operation.pk}/").content.decode()


def test_overdue_assignment_stands_out(client, park, operation):
    late = services.assignment_create(
        operation=operation,
        agency=agency("TCD"),
        title="Late task",
        due_at=timezone.now() - dt.timedelta(hours=2),
        by=park,
    )
    services.assignment_create(
        operation=operation,
        agency=agency("TCD"),
        title="Later task",
        due_at=timezone.now() + dt.timedelta(days=2),
        by=park,
    )
    html = board(client, park, operation)
    assert f'id="assignment-{late.pk}" class="overdue"' in html
    assert html.count('class="overdue"') == 1


def test_done_assignment_is_not_overdue(client, park, somchai, operation):
    task = services.assignment_create(
        operation=operation, agency=agency("TCD"), title="Done", due_at=timezone.now() - dt.timedelta(hours=2), by=park
    )
    services.assignment_update(assignment=task, status="done", outcome="Found 3 kg", by=somchai)
    assert 'class="overdue"' not in board(client, park, operation)


def test_thread_polls_and_posts_with_htmx(client, park, operation):
    html = board(client, park, operation)
    assert 'hx-trigger="every 10s"' in html
    assert f'hx-get="/operations/{operation.pk}/messages/"' in html
    assert f'hx-post="/operations/{operation.pk}/messages/"' in html


def test_message_post_without_javascript_returns_to_the_board(client, niran, operation):
    client.force_login(niran)
    response = client.post(f"/operations/{operation.pk}/messages/", {"body": "Container MSKU on the way"})
    assert response.status_code == 302
    assert OperationMessage.objects.filter(operation=operation, body="Container MSKU on the way").exists()


def test_message_post_with_htmx_returns_the_thread(client, niran, operation):
    client.force_login(niran)
    response = client.post(f"/operations/{operation.pk}/messages/", {"body": "Hello"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="thread"' in html and "Hello" in html and "<html" not in html


def test_times_are_shown_in_the_readers_time_zone(client, park, operation):
    park.timezone = "Asia/Seoul"
    park.save(update_fields=["timezone"])
    services.assignment_create(
        operation=operation,
        agency=agency("TCD"),
        title="Timed",
        due_at=dt.datetime(2026, 3, 5, 0, 30, tzinfo=dt.UTC),
        by=park,
    )
    assert "2026-03-05 09:30 KST" in board(client, park, operation)


def test_create_through_the_page(client, park):
    client.force_login(park)
    response = client.post(
        "/operations/new/",
        {
            "name": "TIGER NET",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-30",
            "target_drugs": ["methamphetamine", "heroin"],
            "transport_modes": ["air_cargo"],
        },
    )
    operation = JointOperation.objects.get(name="TIGER NET")
    assert response.status_code == 302 and response["Location"] == f"/operations/{operation.pk}/"
    assert operation.target_drugs == ["methamphetamine", "heroin"]


def test_invalid_period_shows_the_form_again(client, park):
    client.force_login(park)
    response = client.post("/operations/new/", {"name": "X", "starts_on": "2026-06-30", "ends_on": "2026-06-01"})
    assert response.status_code == 200
    assert not JointOperation.objects.exists()


def test_assign_and_complete_through_the_pages(client, park, somchai, operation):
    client.force_login(park)
    response = client.post(
        f"/operations/{operation.pk}/assignments/",
        {"agency": agency("TCD").pk, "title": "Search reefers", "due_at": f"{timezone.now().year + 1}-03-05T09:00"},
    )
    assert response.status_code == 302
    task = Assignment.objects.get(title="Search reefers")
    client.force_login(somchai)
    client.post(
        f"/operations/{operation.pk}/assignments/{task.pk}/", {"status": "done", "outcome": "12 kg methamphetamine"}
    )
    task.refresh_from_db()
    assert (task.status, task.outcome) == ("done", "12 kg methamphetamine")


def test_link_form_offers_only_own_seizures(client, somchai, operation):
    own = SeizureFactory(agency=agency("TCD"), reference="TCD-2026-000001")
    SeizureFactory(agency=agency("KCS"), reference="KCS-2026-000001")
    html = board(client, somchai, operation)
    # A search box suggesting the agency's own seizures by reference.
    assert '<datalist id="link-choices">' in html
    assert f'<option value="{own.reference}">' in html
    assert "KCS-2026-000001" not in html
    response = client.post(f"/operations/{operation.pk}/seizures/link/", {"seizure": own.reference.lower()})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.operation_id == operation.pk


def test_timeline_tells_the_story(client, park, operation):
    html = board(client, park, operation)
    assert "TCD accepted" in html
    assert "RMCD invited as participant" in html


def test_list_page_shows_visible_operations_only(client, reyes, park, operation):
    client.force_login(park)
    assert operation.code in client.get("/operations/").content.decode()
    client.force_login(reyes)
    assert operation.code not in client.get("/operations/").content.decode()


def test_a_refused_assignment_comes_back_as_typed_with_errors_beside_the_fields(client, park, operation):
    client.force_login(park)
    typed = {
        "agency": agency("TCD").pk,
        "title": "Search reefers",
        "instructions": "Berth 4 after dark",
        "due_at": "2020-03-05T09:00",
    }
    response = client.post(f"/operations/{operation.pk}/assignments/", typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The due date is in the past." in html
    assert 'value="Search reefers"' in html
    assert "Berth 4 after dark</textarea>" in html
    assert not Assignment.objects.filter(title="Search reefers").exists()


def test_an_assignee_of_another_agency_is_refused(client, park, somchai, operation):
    client.force_login(park)
    kcs_officer = UserFactory(email="other@kcs.test", agency=agency("KCS"), role="officer")
    response = client.post(
        f"/operations/{operation.pk}/assignments/",
        {"agency": agency("TCD").pk, "assignee": kcs_officer.pk, "title": "Search reefers"},
    )
    assert response.status_code == 400
    assert not Assignment.objects.filter(title="Search reefers").exists()
    # The assignee list names each person's agency for the page's script.
    assert f'data-agency="{somchai.agency_id}"' in client.get(f"/operations/{operation.pk}/").content.decode()
