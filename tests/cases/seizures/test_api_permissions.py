"""The permission matrix of the seizure API (STYLE.md): role × relation to the seizure × endpoint.

Relations: the owning agency; a partner that sees the seizure through each sharing level
(members, an operation it accepted, being named in shared_with); a partner that does not
(own-agency sharing, an operation it was only invited to, a draft); an outsider agency.
Invisible → 404 (also absent from list and export), visible but not allowed → 403, wrong
state → 409.
"""

from __future__ import annotations

import pytest

from cases.choices import Sharing
from members.models import Role
from tests.cases.seizures.conftest import make_operation, seizure_payload
from tests.factories import SeizureFactory, UserFactory, agency

pytestmark = pytest.mark.django_db

URL = "/api/v1/seizures/"
ENDPOINTS = ("retrieve", "history", "list", "export", "patch", "submit", "verify", "delete")

# relation: (user's agency, seizure status, sharing, operation participants {code: status}, shared_with)
RELATIONS = {
    "own_submitted": ("KCS", "submitted", Sharing.MEMBERS, {}, []),
    "own_draft": ("KCS", "draft", Sharing.MEMBERS, {}, []),
    "own_agency_only": ("KCS", "submitted", Sharing.AGENCY, {}, []),
    "partner_members": ("TCD", "submitted", Sharing.MEMBERS, {}, []),
    "partner_verified_members": ("TCD", "verified", Sharing.MEMBERS, {}, []),
    "partner_operation_accepted": ("TCD", "submitted", Sharing.OPERATION, {"TCD": "accepted"}, []),
    "partner_shared_with": ("TCD", "submitted", Sharing.AGENCY, {}, ["TCD"]),
    "partner_operation_invited": ("TCD", "submitted", Sharing.OPERATION, {"TCD": "invited"}, []),
    "partner_operation_declined": ("TCD", "submitted", Sharing.OPERATION, {"TCD": "declined"}, []),
    "partner_agency_only": ("TCD", "submitted", Sharing.AGENCY, {}, []),
    "partner_draft": ("TCD", "draft", Sharing.MEMBERS, {}, ["TCD"]),
    "outsider_operation": ("BOC", "submitted", Sharing.OPERATION, {"TCD": "accepted"}, ["TCD"]),
}
VISIBLE_TO_PARTNER = {
    "partner_members",
    "partner_verified_members",
    "partner_operation_accepted",
    "partner_shared_with",
}
ROLES = (Role.OFFICER, Role.COORDINATOR, Role.AGENCY_ADMIN)


def expected(relation: str, role: str, endpoint: str) -> int | bool:
    """The status code (or, for list and export, whether the seizure is included)."""
    owner = relation.startswith("own_")
    visible = owner or relation in VISIBLE_TO_PARTNER
    if endpoint in ("list", "export"):
        return visible
    if not visible:
        return 404
    if endpoint in ("retrieve", "history"):
        return 200
    writer = owner and role in (Role.OFFICER, Role.COORDINATOR)
    if not writer:
        return 403
    draft = relation == "own_draft"
    return {
        "patch": 200,
        "submit": 200 if draft else 409,
        "verify": 403 if role != Role.COORDINATOR else (409 if draft else 200),
        "delete": 204 if draft else 409,
    }[endpoint]


def _seizure(relation: str):
    _, status, sharing, participants, shared_with = RELATIONS[relation]
    operation = None
    if participants:
        accepted = [c for c, s in participants.items() if s == "accepted"]
        invited = [c for c, s in participants.items() if s != "accepted"]
        operation = make_operation(lead="KCS", accepted=accepted, invited=invited)
        for code, state in participants.items():
            operation.participations.filter(agency__code=code).update(status=state)
    seizure = SeizureFactory(agency=agency("KCS"), status=status, sharing=sharing, operation=operation)
    seizure.shared_with.set([agency(c) for c in shared_with])
    return seizure


def _call(client, endpoint: str, seizure):
    detail = f"{URL}{seizure.pk}/"
    if endpoint == "retrieve":
        return client.get(detail)
    if endpoint == "history":
        return client.get(f"{detail}history/")
    if endpoint == "list":
        return client.get(URL, {"page_size": 200})
    if endpoint == "export":
        return client.get(f"{URL}export.csv")
    if endpoint == "patch":
        return client.patch(detail, {"location": "Changed"}, format="json")
    if endpoint == "delete":
        return client.delete(detail)
    return client.post(f"{detail}{endpoint}/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_permission_matrix(relation, role, api_as):
    user_agency = RELATIONS[relation][0]
    user = UserFactory(agency=agency(user_agency), role=role)
    client = api_as(user)
    mismatches = []
    for endpoint in ENDPOINTS:
        seizure = _seizure(relation)  # a fresh seizure per endpoint: writes must not leak into the next row
        response = _call(client, endpoint, seizure)
        want = expected(relation, role, endpoint)
        if endpoint == "list":
            got = seizure.pk in [row["id"] for row in response.json()["results"]]
        elif endpoint == "export":
            got = seizure.reference in b"".join(response.streaming_content).decode()
        else:
            got = response.status_code
        if response.status_code >= 500 or got != want:
            mismatches.append((endpoint, want, got))
    assert mismatches == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("kim", 201), ("park", 201), ("lee", 403), ("somchai", 201), ("ana", 403), ("platform_admin", 403)],
)
def test_who_may_record_a_seizure(request, api_as, persona, status):
    user = request.getfixturevalue(persona)
    response = api_as(user).post(URL, seizure_payload(), format="json")
    assert response.status_code == status
    if status == 201:
        assert response.json()["agency"] == user.agency.code


def test_anonymous_gets_401_everywhere(api, kim):
    seizure = SeizureFactory()
    assert api.get(URL).status_code == 401
    assert api.post(URL, seizure_payload(), format="json").status_code == 401
    assert api.get(f"{URL}{seizure.pk}/").status_code == 401
    assert api.get(f"{URL}export.csv").status_code == 401


def test_platform_admin_sees_no_seizure(api_as, platform_admin):
    seizure = SeizureFactory()
    assert api_as(platform_admin).get(f"{URL}{seizure.pk}/").status_code == 404
    assert api_as(platform_admin).get(URL).json()["results"] == []


def test_paged_visibility_is_the_same_rule():
    """visible_to(paged=True), which the lists use, sees exactly what visible_to sees."""
    from cases.seizures.models import Seizure

    seizures = {relation: _seizure(relation).pk for relation in RELATIONS}
    seen = {}
    for code in ("KCS", "TCD", "BOC", "GDVC"):
        hashed = set(Seizure.objects.visible_to_agency(agency(code).pk).values_list("pk", flat=True))
        paged = set(Seizure.objects.visible_to_agency(agency(code).pk, paged=True).values_list("pk", flat=True))
        assert paged == hashed
        seen[code] = paged
    # Named in shared_with only: the branch the paged form writes differently.
    assert seizures["partner_shared_with"] in seen["TCD"]
    assert seizures["partner_shared_with"] not in seen["GDVC"]
    assert seizures["partner_agency_only"] not in seen["TCD"]


def test_the_paged_list_follows_changes_made_after_its_first_read():
    """The paged form keeps its SQL, never its answer: an acceptance or a share counts at once."""
    from cases.seizures.models import Seizure

    def listed(code: str) -> set[int]:
        return set(Seizure.objects.visible_to_agency(agency(code).pk, paged=True).values_list("pk", flat=True))

    by_operation = _seizure("partner_operation_invited")
    by_name = _seizure("partner_agency_only")
    assert not {by_operation.pk, by_name.pk} & listed("TCD")
    by_operation.operation.participations.filter(agency__code="TCD").update(status="accepted")
    by_name.shared_with.add(agency("TCD"))
    assert {by_operation.pk, by_name.pk} <= listed("TCD")
    assert not {by_operation.pk, by_name.pk} & listed("GDVC")


def test_the_paged_form_is_refused_inside_another_query():
    from django.db import NotSupportedError

    from cases.seizures.models import Seizure

    page = Seizure.objects.visible_to_agency(agency("TCD").pk, paged=True)
    with pytest.raises(NotSupportedError):
        list(Seizure.objects.filter(pk__in=page.values("pk")))
    hashed = Seizure.objects.visible_to_agency(agency("TCD").pk)
    assert list(Seizure.objects.filter(pk__in=hashed.values("pk"))) == list(hashed)
