"""The permission matrix, generated from the URL configuration (pretix test_permissions.py).

Every route under /api/v1/ (each method its view implements) and every page is discovered by
walking the URLconf; EXPECTED below holds one row per route and method with the status each
persona gets. A route without a row fails `test_every_route_has_a_permission_row`, so an
endpoint cannot be added without deciding who may use it.

The world also holds a document of that seizure (with a preview) and a custody entry.

Personas (tests/conftest.py): anonymous; officer = kim (KCS); coordinator = park (KCS);
agency_admin = lee (KCS); outsider = maria (BOC officer: sees only what KCS shares with all
members); platform_admin (no agency).

The objects in the URLs (the `world` fixture): a KCS seizure shared with all members, an
operation led by KCS (TCD invited) with an assignment to KCS, an alert sent by KCS to TCD, a
match between a hidden KCS seizure and a TCD seizure with TCD's access request, a KCS lookout
shared with TCD by name with a blind hit on that hidden TCD seizure, the user kim, the agency
KCS. Writes carry an empty JSON body (API) or an empty form (pages): 400 is the answer of a
persona that may write; 403/404 of one that may not. Every request runs in a
savepoint that is rolled back, so the personas see the same world.

Pages are requested with GET, except those that only take POST (their row says POST).
Anonymous callers get 401 from the API (knox answers first, with WWW-Authenticate) and a
redirect to sign-in (302) from pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.imports.models import SeizureImport
from cases.lookouts.models import Hit, Lookout, LookoutValue
from cases.matching.models import AccessRequest, Match
from cases.seizures.models import SeizureIdentifier
from cases.targeting.models import ManifestLine, Rule
from tests.factories import SeizureFactory, agency

PERSONAS = ("anonymous", "officer", "coordinator", "agency_admin", "outsider", "platform_admin")
API_METHODS = ("get", "post", "put", "patch", "delete")

# Routes deliberately outside the matrix, with the reason.
EXCLUDED = {
    "admin/": "Django admin: platform admins only, guarded by Django (is_staff); tested in tests/members/test_admin.py",
    "api/schema/": "the public OpenAPI document (no data), checked by the fuzzing suite",
    "api/docs/": "Swagger UI over the schema (no data)",
    "healthz": "liveness probe for the load balancer: answers anyone, reveals nothing",
    "favicon.ico": "the site's icon (a redirect to a static file): answers anyone",
    "metrics": "Prometheus scrape: loopback or the metrics token only, tested in tests/ops/test_health_and_metrics.py",
    "static/": "static files",
}

# Pages that only take POST are requested with POST (an empty form), the others with GET.
POST_ONLY_PAGES = {
    "accounts/logout/",
    "i18n/setlang/",
    "accounts/agency/settings/",
    "accounts/agency/users/add/",
    "accounts/agencies/<str:code>/active/",
    "seizures/<int:pk>/submit/",
    "seizures/<int:pk>/verify/",
    "seizures/<int:pk>/delete/",
    "seizures/<int:pk>/evidence/upload/",
    "seizures/<int:pk>/custody/",
    "evidence/<int:pk>/delete/",
    "seizures/imports/<int:pk>/cancel/",
    "seizures/imports/<int:pk>/confirm/",
    "operations/<int:pk>/invite/",
    "operations/<int:pk>/respond/",
    "operations/^(?P<pk>[0-9]+)/(?P<move>activate|close|cancel)/$",
    "operations/<int:pk>/assignments/",
    "operations/<int:pk>/assignments/<int:assignment_pk>/",
    "operations/<int:pk>/seizures/link/",
    "operations/<int:pk>/seizures/unlink/",
    "alerts/<int:pk>/acknowledge/",
    "alerts/webhook/test/",
    "matches/<int:pk>/request-access/",
    "matches/access-requests/<int:pk>/grant/",
    "controlled-deliveries/<int:pk>/respond/",
    "controlled-deliveries/<int:pk>/depart/",
    "controlled-deliveries/<int:pk>/handover/",
    "controlled-deliveries/<int:pk>/complete/",
    "controlled-deliveries/<int:pk>/abort/",
    "lookouts/from-seizure/<int:seizure_pk>/",
    "lookouts/<int:pk>/withdraw/",
    "lookouts/<int:pk>/hits/<int:hit>/request-access/",
    "targeting/lines/<int:pk>/examine/",
    "targeting/lines/<int:pk>/status/",
    "targeting/lines/<int:pk>/alert/",
    "targeting/model/train/",
    "targeting/model/activate/",
    "targeting/model/settings/",
}

# Query strings for reads that need one to mean anything.
QUERY = {
    "api/v1/stats/seizures/": "?group_by=drug",
    "api/v1/stats/origin-share/": "?country=KR&region=ASEAN",
}

# route pattern + " " + METHOD → (anonymous, officer, coordinator, agency_admin, outsider, platform_admin)
EXPECTED: dict[str, tuple[int, int, int, int, int, int]] = {
    # --- pages: anonymous is sent to sign-in --------------------------------------------
    " GET": (302, 200, 200, 200, 200, 200),  # home: the dashboard
    "accounts/login/ GET": (200, 302, 302, 302, 302, 302),
    "accounts/logout/ POST": (302, 302, 302, 302, 302, 302),
    "accounts/password/ GET": (302, 200, 200, 200, 200, 200),
    "accounts/security/ GET": (302, 200, 200, 200, 200, 200),
    "accounts/settings/ GET": (302, 200, 200, 200, 200, 200),
    # The language switch: anyone (before sign-in too); an empty form changes nothing.
    "i18n/setlang/ POST": (302, 302, 302, 302, 302, 302),
    "accounts/otp/setup/ GET": (302, 200, 200, 200, 200, 200),
    "accounts/otp/verify/ GET": (302, 200, 200, 200, 200, 200),
    "accounts/agency/ GET": (302, 200, 200, 200, 200, 302),
    "accounts/agency/audit/ GET": (302, 403, 403, 200, 403, 403),
    "accounts/agency/audit/export.csv GET": (302, 403, 403, 200, 403, 403),
    "accounts/agency/settings/ POST": (302, 403, 403, 302, 403, 404),
    "accounts/agency/users/add/ POST": (302, 403, 403, 400, 403, 404),
    "accounts/agency/users/<int:pk>/ GET": (302, 403, 403, 200, 404, 404),
    "accounts/agencies/ GET": (302, 403, 403, 403, 403, 200),
    "accounts/agencies/<str:code>/active/ POST": (302, 403, 403, 403, 403, 302),
    "seizures/ GET": (302, 200, 200, 200, 200, 200),
    "seizures/imports/ GET": (302, 200, 200, 403, 200, 403),
    "seizures/imports/template.csv GET": (302, 200, 200, 403, 200, 403),
    "seizures/imports/template.xlsx GET": (302, 200, 200, 403, 200, 403),
    "seizures/imports/<int:pk>/ GET": (302, 200, 200, 404, 404, 404),
    "seizures/imports/<int:pk>/cancel/ POST": (302, 302, 302, 404, 404, 404),
    "seizures/imports/<int:pk>/confirm/ POST": (302, 302, 302, 404, 404, 404),
    "seizures/new/ GET": (302, 200, 200, 403, 200, 403),
    "seizures/export.csv GET": (302, 200, 200, 200, 200, 200),
    "seizures/<int:pk>/ GET": (302, 200, 200, 200, 200, 404),
    "seizures/<int:pk>/edit/ GET": (302, 200, 200, 403, 403, 404),
    "seizures/<int:pk>/submit/ POST": (302, 409, 409, 403, 403, 404),
    "seizures/<int:pk>/verify/ POST": (302, 403, 302, 403, 403, 404),
    "seizures/<int:pk>/delete/ POST": (302, 409, 409, 403, 403, 404),
    "seizures/<int:pk>/evidence/ GET": (302, 200, 200, 200, 200, 404),
    "seizures/<int:pk>/evidence/upload/ POST": (302, 400, 400, 403, 403, 404),
    "seizures/<int:pk>/custody/ POST": (302, 400, 400, 403, 403, 404),
    "evidence/<int:pk>/download/ GET": (302, 200, 200, 200, 200, 404),
    "evidence/<int:pk>/thumbnail/ GET": (302, 200, 200, 200, 200, 404),
    "evidence/<int:pk>/delete/ POST": (302, 409, 409, 403, 403, 404),
    "operations/ GET": (302, 200, 200, 200, 200, 200),
    "operations/new/ GET": (302, 403, 200, 403, 403, 403),
    "operations/<int:pk>/ GET": (302, 200, 200, 200, 404, 404),
    "operations/<int:pk>/edit/ GET": (302, 403, 200, 403, 404, 404),
    "operations/<int:pk>/invite/ POST": (302, 403, 302, 403, 404, 404),
    "operations/<int:pk>/respond/ POST": (302, 302, 302, 302, 404, 404),
    "operations/^(?P<pk>[0-9]+)/(?P<move>activate|close|cancel)/$ POST": (302, 403, 302, 403, 404, 404),
    "operations/<int:pk>/assignments/ POST": (302, 403, 400, 403, 404, 404),  # lead: empty form back (400)
    "operations/<int:pk>/assignments/<int:assignment_pk>/ POST": (302, 302, 302, 302, 404, 404),
    "operations/<int:pk>/messages/ GET": (302, 200, 200, 200, 404, 404),
    "operations/<int:pk>/seizures/link/ POST": (302, 302, 302, 302, 404, 404),
    "operations/<int:pk>/seizures/unlink/ POST": (302, 302, 302, 302, 404, 404),
    "operations/<int:pk>/report/ GET": (302, 200, 200, 200, 404, 404),
    "operations/<int:pk>/report.csv GET": (302, 200, 200, 200, 404, 404),
    "alerts/ GET": (302, 200, 200, 200, 200, 200),
    "alerts/sent/ GET": (302, 200, 200, 200, 200, 200),
    "alerts/new/ GET": (302, 200, 200, 403, 200, 403),
    "alerts/preferences/ GET": (302, 403, 403, 200, 403, 403),
    "alerts/<int:pk>/ GET": (302, 200, 200, 200, 404, 404),
    "alerts/<int:pk>/acknowledge/ POST": (302, 404, 404, 404, 404, 404),
    "alerts/webhook/test/ POST": (302, 403, 403, 302, 403, 403),
    "matches/ GET": (302, 200, 200, 200, 200, 200),
    "matches/<int:pk>/request-access/ POST": (302, 302, 302, 403, 404, 404),
    "matches/access-requests/<int:pk>/grant/ POST": (302, 302, 302, 403, 404, 404),
    # A controlled delivery requested by KCS (park) with a Thai leg and a Korean leg.
    "controlled-deliveries/ GET": (302, 200, 200, 200, 200, 200),
    "controlled-deliveries/new/ GET": (302, 403, 200, 403, 403, 403),
    "controlled-deliveries/<int:pk>/ GET": (302, 200, 200, 200, 404, 404),
    "controlled-deliveries/<int:pk>/respond/ POST": (302, 403, 302, 403, 404, 404),
    "controlled-deliveries/<int:pk>/depart/ POST": (302, 403, 409, 403, 404, 404),
    "controlled-deliveries/<int:pk>/handover/ POST": (302, 403, 302, 403, 404, 404),
    "controlled-deliveries/<int:pk>/complete/ POST": (302, 403, 409, 403, 404, 404),
    "controlled-deliveries/<int:pk>/abort/ POST": (302, 403, 302, 403, 404, 404),
    "lookouts/ GET": (302, 200, 200, 200, 200, 200),
    "lookouts/new/ GET": (302, 200, 200, 403, 200, 403),
    "lookouts/from-seizure/<int:seizure_pk>/ POST": (302, 302, 302, 403, 302, 403),
    "lookouts/<int:pk>/ GET": (302, 200, 200, 200, 404, 404),
    "lookouts/<int:pk>/edit/ GET": (302, 200, 200, 403, 404, 404),
    "lookouts/<int:pk>/withdraw/ POST": (302, 302, 302, 403, 404, 404),
    "lookouts/<int:pk>/retro/ GET": (302, 200, 200, 200, 404, 404),
    "lookouts/<int:pk>/hits/<int:hit>/request-access/ POST": (302, 302, 302, 403, 404, 404),
    "targeting/ GET": (302, 200, 200, 200, 200, 403),
    "targeting/upload/ GET": (302, 200, 200, 403, 200, 403),
    "targeting/lines/<int:pk>/ GET": (302, 200, 200, 200, 404, 403),
    "targeting/lines/<int:pk>/examine/ POST": (302, 400, 400, 403, 404, 404),
    "targeting/lines/<int:pk>/status/ POST": (302, 302, 302, 403, 404, 404),
    "targeting/lines/<int:pk>/alert/ POST": (302, 400, 400, 403, 404, 404),
    "targeting/rules/ GET": (302, 200, 200, 200, 200, 403),
    "targeting/rules/<int:pk>/ GET": (302, 200, 200, 200, 404, 403),
    "targeting/model/ GET": (302, 200, 200, 200, 200, 403),
    "targeting/model/train/ POST": (302, 403, 302, 403, 403, 403),
    "targeting/model/activate/ POST": (302, 403, 302, 302, 403, 403),
    "targeting/model/settings/ POST": (302, 403, 403, 302, 403, 403),
    # --- API: anonymous gets 401 ------------------------------------------------------------
    "api/v1/auth/login/ POST": (400, 400, 400, 400, 400, 400),  # open to all: empty credentials are a 400
    "api/v1/auth/logout/ POST": (401, 204, 204, 204, 204, 204),
    "api/v1/me/ GET": (401, 200, 200, 200, 200, 200),
    # Every field is optional: an empty PATCH changes nothing and answers the object.
    "api/v1/me/ PATCH": (401, 200, 200, 200, 200, 200),
    "api/v1/agencies/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/agencies/ POST": (401, 403, 403, 403, 403, 400),
    "api/v1/agencies/<str:code>/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/agencies/<str:code>/ PATCH": (401, 403, 403, 403, 403, 200),
    "api/v1/agencies/<str:code>/settings/ GET": (401, 403, 403, 200, 403, 200),
    "api/v1/agencies/<str:code>/settings/ PATCH": (401, 403, 403, 200, 403, 200),
    "api/v1/users/ GET": (401, 403, 403, 200, 403, 403),
    "api/v1/users/ POST": (401, 403, 403, 400, 403, 403),
    "api/v1/users/<int:pk>/ GET": (401, 403, 403, 200, 404, 404),
    "api/v1/users/<int:pk>/ PATCH": (401, 403, 403, 200, 404, 404),
    "api/v1/audit/accesses/ GET": (401, 403, 403, 200, 403, 403),
    "api/v1/seizures/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/seizures/imports/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/seizures/imports/ POST": (401, 400, 400, 403, 400, 403),
    "api/v1/seizures/imports/<int:pk>/ GET": (401, 200, 200, 404, 404, 404),
    "api/v1/seizures/imports/<int:pk>/cancel/ POST": (401, 200, 200, 404, 404, 404),
    "api/v1/seizures/imports/<int:pk>/confirm/ POST": (401, 409, 409, 404, 404, 404),
    "api/v1/seizures/ POST": (401, 400, 400, 400, 400, 400),
    "api/v1/seizures/export.csv GET": (401, 200, 200, 200, 200, 200),
    "api/v1/seizures/<str:pk>/ GET": (401, 200, 200, 200, 200, 404),
    "api/v1/seizures/<str:pk>/ PATCH": (401, 200, 200, 403, 403, 404),
    "api/v1/seizures/<str:pk>/ DELETE": (401, 409, 409, 403, 403, 404),
    "api/v1/seizures/<str:pk>/submit/ POST": (401, 409, 409, 403, 403, 404),
    "api/v1/seizures/<str:pk>/verify/ POST": (401, 403, 200, 403, 403, 404),
    "api/v1/seizures/<str:pk>/history/ GET": (401, 200, 200, 200, 200, 404),
    "api/v1/seizures/<str:pk>/evidence/ GET": (401, 200, 200, 200, 200, 404),
    # An upload is multipart: the matrix's empty JSON body is refused as a media type (415).
    "api/v1/seizures/<str:pk>/evidence/ POST": (401, 415, 415, 403, 403, 404),
    "api/v1/seizures/<str:pk>/custody/ GET": (401, 200, 200, 200, 200, 404),
    "api/v1/seizures/<str:pk>/custody/ POST": (401, 400, 400, 403, 403, 404),
    "api/v1/seizures/<str:pk>/custody/<str:entry>/ GET": (401, 200, 200, 200, 200, 404),
    "api/v1/evidence/<str:pk>/ GET": (401, 200, 200, 200, 200, 404),
    "api/v1/evidence/<str:pk>/ DELETE": (401, 409, 409, 403, 403, 404),
    "api/v1/evidence/<str:pk>/download/ GET": (401, 200, 200, 200, 200, 404),
    "api/v1/operations/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/operations/ POST": (401, 403, 400, 403, 403, 403),
    "api/v1/operations/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/operations/<int:pk>/ PUT": (401, 405, 405, 405, 405, 405),
    "api/v1/operations/<int:pk>/ PATCH": (401, 403, 200, 403, 404, 404),
    "api/v1/operations/<int:pk>/invite/ POST": (401, 403, 400, 403, 404, 404),
    "api/v1/operations/<int:pk>/respond/ POST": (401, 400, 400, 400, 404, 404),
    "api/v1/operations/<int:pk>/activate/ POST": (401, 403, 200, 403, 404, 404),
    "api/v1/operations/<int:pk>/close/ POST": (401, 403, 409, 403, 404, 404),
    "api/v1/operations/<int:pk>/cancel/ POST": (401, 403, 200, 403, 404, 404),
    "api/v1/operations/<int:pk>/assignments/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/operations/<int:pk>/assignments/ POST": (401, 403, 400, 403, 404, 404),
    "api/v1/operations/<int:pk>/messages/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/operations/<int:pk>/messages/ POST": (401, 400, 400, 400, 404, 404),
    "api/v1/operations/<int:pk>/report/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/operations/<int:pk>/report.csv GET": (401, 200, 200, 200, 404, 404),
    "api/v1/operations/<int:pk>/link-seizure/ POST": (401, 400, 400, 400, 404, 404),
    "api/v1/operations/<int:pk>/unlink-seizure/ POST": (401, 400, 400, 400, 404, 404),
    "api/v1/assignments/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/assignments/<int:pk>/ PUT": (401, 405, 405, 405, 405, 405),
    "api/v1/assignments/<int:pk>/ PATCH": (401, 200, 200, 200, 404, 404),
    "api/v1/alerts/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/alerts/ POST": (401, 400, 400, 403, 400, 403),
    "api/v1/alerts/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/alerts/<int:pk>/acknowledge/ POST": (401, 404, 404, 404, 404, 404),
    "api/v1/matches/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/matches/<int:pk>/request-access/ POST": (401, 201, 201, 403, 404, 404),
    "api/v1/operations/<int:pk>/report.pdf GET": (401, 200, 200, 200, 404, 404),
    "api/v1/seizures/<str:pk>/report.pdf GET": (401, 200, 200, 200, 200, 404),
    "api/v1/controlled-deliveries/<int:pk>/report.pdf GET": (401, 200, 200, 200, 404, 404),
    "api/v1/controlled-deliveries/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/controlled-deliveries/ POST": (401, 403, 400, 403, 403, 403),
    "api/v1/controlled-deliveries/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/controlled-deliveries/<int:pk>/respond/ POST": (401, 403, 400, 403, 404, 404),
    "api/v1/controlled-deliveries/<int:pk>/depart/ POST": (401, 403, 409, 403, 404, 404),
    "api/v1/controlled-deliveries/<int:pk>/handover/ POST": (401, 403, 400, 403, 404, 404),
    "api/v1/controlled-deliveries/<int:pk>/complete/ POST": (401, 403, 409, 403, 404, 404),
    "api/v1/controlled-deliveries/<int:pk>/abort/ POST": (401, 403, 400, 403, 404, 404),
    "api/v1/lookouts/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/lookouts/ POST": (401, 400, 400, 403, 400, 403),
    "api/v1/lookouts/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/lookouts/<int:pk>/ PATCH": (401, 200, 200, 403, 404, 404),
    "api/v1/lookouts/<int:pk>/withdraw/ POST": (401, 200, 200, 403, 404, 404),
    "api/v1/lookouts/<int:pk>/hits/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/lookouts/<int:pk>/hits/<int:hit>/request-access/ POST": (401, 201, 201, 403, 404, 404),
    "api/v1/stats/seizures/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/stats/origin-share/ GET": (401, 200, 200, 200, 200, 200),
    "api/v1/manifests/ POST": (401, 400, 400, 403, 400, 403),
    "api/v1/manifests/lines/ GET": (401, 200, 200, 200, 200, 403),
    "api/v1/manifests/lines/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/manifests/lines/<int:pk>/examine/ POST": (401, 400, 400, 403, 404, 404),
    "api/v1/manifests/lines/<int:pk>/alert/ POST": (401, 400, 400, 403, 404, 404),
    "api/v1/manifests/lines/<int:pk>/target/ POST": (401, 200, 200, 403, 404, 404),
    "api/v1/manifests/lines/<int:pk>/clear/ POST": (401, 200, 200, 403, 404, 404),
    "api/v1/targeting/rules/ GET": (401, 200, 200, 200, 200, 403),
    "api/v1/targeting/rules/ POST": (401, 403, 400, 400, 403, 403),
    "api/v1/targeting/rules/preview/ POST": (401, 400, 400, 400, 400, 403),
    "api/v1/targeting/rules/<int:pk>/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/targeting/rules/<int:pk>/ PATCH": (401, 403, 200, 200, 404, 404),
    "api/v1/targeting/rules/<int:pk>/history/ GET": (401, 200, 200, 200, 404, 404),
    "api/v1/targeting/model/ GET": (401, 200, 200, 200, 200, 403),
    "api/v1/targeting/model/train/ POST": (401, 403, 202, 403, 403, 403),
    "api/v1/targeting/model/activate/ POST": (401, 403, 400, 400, 403, 403),
    "api/v1/targeting/settings/ GET": (401, 200, 200, 200, 200, 403),
    "api/v1/targeting/settings/ PATCH": (401, 403, 403, 400, 403, 403),
}


# --- discovery ----------------------------------------------------------------------------


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _excluded(route: str) -> bool:
    return any(route == key or (key.endswith("/") and route.startswith(key)) for key in EXCLUDED)


def _api_methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet route: the methods mapped to actions
        return [m for m in API_METHODS if m in actions]
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:  # a plain function: its methods are unknown, so it needs a GET row at least
        return ["get"]
    return [m for m in API_METHODS if hasattr(view, m)]


def discovered_rows() -> list[str]:
    rows = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if _excluded(route):
            continue
        if route.startswith("api/v1/"):
            rows += [f"{route} {m.upper()}" for m in _api_methods(pattern)]
        else:
            rows.append(route)
    return rows


def _page_row(route: str) -> str | None:
    for method in ("GET", "POST"):
        if f"{route} {method}" in EXPECTED:
            return f"{route} {method}"
    return None


def test_every_route_has_a_permission_row():
    missing = []
    for row in discovered_rows():
        if row.startswith("api/v1/"):
            if row not in EXPECTED:
                missing.append(row)
        elif _page_row(row) is None:
            missing.append(f"{row} GET")
    assert not missing, "endpoint added without a permission row: " + ", ".join(missing)


def test_every_row_still_matches_a_route():
    routes = set(discovered_rows())
    stale = [key for key in EXPECTED if key not in routes and key.rpartition(" ")[0] not in routes]
    assert not stale, f"rows for routes that no longer exist: {stale}"


# --- the world ----------------------------------------------------------------------------


@pytest.fixture
def world(db, kim, park, lee, maria, platform_admin, niran, somchai, settings, tmp_path):
    from cases.alerts.services import alert_create
    from cases.operations.services import assignment_create, operation_create, operation_invite

    kcs, tcd = agency("KCS"), agency("TCD")
    seizure = _seizure(kcs, "members")
    today = timezone.localdate()
    operation = operation_create(name="Golden Route", starts_on=today, ends_on=today + dt.timedelta(days=30), by=park)
    operation_invite(operation=operation, agencies=[tcd], by=park)
    assignment = assignment_create(operation=operation, agency=kcs, title="Watch Busan", by=park)
    alert = alert_create(by=kim, kind="lookout", recipients=[tcd], priority="routine", title="Lookout: container")
    # The same container in a KCS seizure hidden from others and in a Thai one: a match.
    hidden, theirs = _seizure(kcs, "agency", container=True), _seizure(tcd, "agency", container=True)
    a, b = sorted((hidden, theirs), key=lambda s: s.pk)
    match = Match.objects.create(kind="container", normalized="CSQU3054383", seizure_a=a, seizure_b=b)
    access_request = AccessRequest.objects.create(
        match=match, seizure=hidden, requesting_agency=tcd, requested_by=niran
    )
    delivery = _controlled_delivery(park)
    # A KCS lookout shared with TCD by name (BOC does not see it), hit by the hidden Thai seizure.
    lookout = Lookout.objects.create(
        agency=kcs, created_by=kim, title="Reefer", expires_at=timezone.now() + dt.timedelta(days=30), sharing="named"
    )
    lookout.shared_with.set([tcd])
    LookoutValue.objects.create(lookout=lookout, kind="container", value="CSQU3054383", normalized="CSQU3054383")
    hit = Hit.objects.create(
        lookout=lookout, kind="container", normalized="CSQU3054383", source="seizure", agency=tcd, seizure=theirs
    )
    evidence, custody = _evidence(seizure, kim, settings, tmp_path)
    # A KCS import waiting for its run (no file: nothing to read or remove).
    seizure_import = SeizureImport.objects.create(agency=kcs, created_by=kim, filename="records.csv", format="csv")
    # A KCS manifest line and a KCS targeting rule.
    line = ManifestLine.objects.create(
        agency=kcs, kind="cargo", reference="DEC-1", eta=timezone.now(), transport_mode="sea_container",
        origin_country="MM", transit_countries=["TH"], destination_country="KR",
    )  # fmt: skip
    rule = Rule.objects.create(
        agency=kcs, name="Tea", condition={"field": "hs_code", "op": "prefix", "value": "09"}, points=20
    )
    return {
        "hit_pk": hit.pk,
        "seizure_pk": seizure.pk,
        "pk_for": {
            "controlled-deliveries": delivery.pk,
            "lookouts": lookout.pk,
            "seizures": seizure.pk,
            "operations": operation.pk,
            "assignments": assignment.pk,
            "alerts": alert.pk,
            "matches": match.pk,
            "access-requests": access_request.pk,
            "imports": seizure_import.pk,
            "users": kim.pk,
            "evidence": evidence.pk,
            "lines": line.pk,
            "rules": rule.pk,
        },
        "entry": custody.pk,
        "assignment_pk": assignment.pk,
        "code": "KCS",
        "personas": {
            "anonymous": None,
            "officer": kim,
            "coordinator": park,
            "agency_admin": lee,
            "outsider": maria,
            "platform_admin": platform_admin,
        },
    }


def _controlled_delivery(park):
    from cases.deliveries.services import delivery_request

    eta = timezone.now() + dt.timedelta(days=2)
    leg = {"from_place": "THLCH", "to_place": "BKK", "transport_mode": "land_vehicle", "eta": eta}
    onward = {"from_place": "BKK", "to_place": "ICN", "transport_mode": "air_cargo", "eta": eta + dt.timedelta(hours=8)}
    return delivery_request(
        by=park,
        legal_basis="MoU KCS–TCD",
        description="Reefer container",
        drug="methamphetamine",
        estimated_quantity="40",
        unit="kg",
        legs=[{**leg, "agency": agency("TCD")}, {**onward, "agency": agency("KCS")}],
    )


def _seizure(owner, sharing: str, container: bool = False):
    """A submitted seizure, counted in the statistics summary as the services would."""
    from cases.seizures.summary import stats_apply

    seizure = SeizureFactory(agency=owner, sharing=sharing, status="submitted")
    if container:
        SeizureIdentifier.objects.create(
            seizure=seizure, kind="container", value="CSQU3054383", normalized="CSQU3054383"
        )
    seizure.refresh_from_db()
    stats_apply(seizure, +1)
    return seizure


def _evidence(seizure, by, settings, tmp_path):
    """A file of the seizure (with a preview) in a storage of the test's own, and a custody entry."""
    from django.core.files.base import ContentFile

    from cases.evidence.files import evidence_storage
    from cases.evidence.models import CustodyEntry, Evidence

    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    content = b"%PDF-1.4 seal record"
    key = evidence_storage().save("world-file", ContentFile(content))
    evidence = Evidence.objects.create(
        seizure=seizure,
        kind="document",
        filename="seal.pdf",
        storage_key=key,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=b"preview",
        uploaded_by=by,
    )
    custody = CustodyEntry.objects.create(seizure=seizure, action="stored", to_holder="Vault", at=seizure.occurred_at)
    return evidence, custody


def _fill(route: str, world) -> str:
    """The route with its kwargs replaced by the world's objects: `<int:pk>` after
    `seizures/` is the seizure, and so on."""
    path = route
    path = re.sub(r"\^|\$", "", path)
    path = path.replace("(?P<move>activate|close|cancel)", "activate")
    path = path.replace("<str:code>", world["code"])
    path = path.replace("<int:assignment_pk>", str(world["assignment_pk"]))
    path = path.replace("<int:hit>", str(world["hit_pk"]))
    path = path.replace("<int:seizure_pk>", str(world["seizure_pk"]))
    path = path.replace("<str:entry>", str(world["entry"]))

    def pk_for(match: re.Match) -> str:
        before = path[: match.start()].rstrip("/").rpartition("/")[2]
        return str(world["pk_for"][before])

    path = re.sub(r"<(?:int|str):pk>|\(\?P<pk>\[0-9\]\+\)", pk_for, path)
    return "/" + path


def _api_client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        _instance, token = AuthToken.objects.create(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _page_client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


class _Rollback(Exception):
    pass


def _status(client, method: str, path: str, api: bool) -> int:
    status = 0
    try:
        with transaction.atomic():
            if api:
                body = None if method == "get" else json.dumps({})
                response = getattr(client, method)(path, data=body, content_type="application/json")
            else:
                response = getattr(client, method)(path, {} if method == "post" else None)
            status = response.status_code
            raise _Rollback
    except _Rollback:
        pass
    return status


def _observe(row: str, world) -> tuple[int, ...]:
    route, _sep, method = row.rpartition(" ")
    api = route.startswith("api/v1/")
    path = _fill(route, world) + QUERY.get(route, "")
    observed = []
    for persona in PERSONAS:
        user = world["personas"][persona]
        client = _api_client(user) if api else _page_client(user)
        observed.append(_status(client, method.lower(), path, api))
    return tuple(observed)


@pytest.mark.django_db
@pytest.mark.parametrize("row", sorted(EXPECTED))
def test_permission_matrix(row, world):
    observed = _observe(row, world)
    expected = EXPECTED[row]
    wrong = {p: f"expected {e}, got {o}" for p, e, o in zip(PERSONAS, expected, observed, strict=True) if e != o}
    assert not wrong, f"{row}: {wrong}"


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("MATRIX_RECORD"), reason="prints the observed matrix (MATRIX_RECORD=1)")
def test_record_matrix(world):
    rows = []
    for row in discovered_rows():
        if not row.startswith("api/v1/"):
            row = f"{row} {'POST' if row in POST_ONLY_PAGES else 'GET'}"
        rows.append(f"    {row!r}: {_observe(row, world)},")
    print("\nOBSERVED\n" + "\n".join(rows))


def test_a_route_without_a_row_is_reported(settings):
    settings.ROOT_URLCONF = "tests.security.urls_with_unlisted_route"
    with pytest.raises(AssertionError, match="endpoint added without a permission row: api/v1/unlisted/ GET"):
        test_every_route_has_a_permission_row()
