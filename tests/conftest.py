"""Personas shared by every test (STYLE.md: named users per agency and role).

Korea Customs Service (KCS) and Thai Customs Department (TCD) are partners in most stories;
the Philippine Bureau of Customs (BOC) is the outsider that must see nothing.
"""

from __future__ import annotations

import os
import shutil

import pytest
from rest_framework.test import APIClient

from members.models import Role
from tests import openapi_check
from tests.factories import UserFactory, agency


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~1 s per hash on a loaded CI machine and every persona hashes a password.

    Tests hash with MD5 (Argon2 stays configured for real use, checked in
    tests/members/test_password_hashing.py); existing Argon2 hashes still verify.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _answers_match_the_schema(request, monkeypatch):
    """Every API answer a test receives is validated against the OpenAPI schema (tests/openapi_check.py).

    A test that sends what the schema cannot describe on purpose opts out with
    `@pytest.mark.no_schema_check` (and says why)."""
    if request.node.get_closest_marker("no_schema_check") is None:
        openapi_check.install(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_agencies(request):
    """The eleven member agencies exist in every test that touches the database.

    A data migration loads them, but tests on `transactional_db` (browser and worker tests)
    flush every table when they end; reload them so that the next test starts the same way.
    """
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        names.add("transactional_db")
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    from members.models import Agency
    from members.reference import load_agencies

    if Agency.objects.count() < 11:
        load_agencies(Agency)


@pytest.fixture
def kcs(db):
    return agency("KCS")


@pytest.fixture
def tcd(db):
    return agency("TCD")


@pytest.fixture
def boc(db):
    return agency("BOC")


def _persona(code: str, role: str, name: str):
    return UserFactory(email=f"{name}@{code.lower()}.test", full_name=name.title(), agency=agency(code), role=role)


@pytest.fixture
def kim(db):
    """Korean officer."""
    return _persona("KCS", Role.OFFICER, "kim")


@pytest.fixture
def park(db):
    """Korean coordinator."""
    return _persona("KCS", Role.COORDINATOR, "park")


@pytest.fixture
def lee(db):
    """Korean agency admin."""
    return _persona("KCS", Role.AGENCY_ADMIN, "lee")


@pytest.fixture
def somchai(db):
    """Thai officer."""
    return _persona("TCD", Role.OFFICER, "somchai")


@pytest.fixture
def niran(db):
    """Thai coordinator."""
    return _persona("TCD", Role.COORDINATOR, "niran")


@pytest.fixture
def malee(db):
    """Thai agency admin."""
    return _persona("TCD", Role.AGENCY_ADMIN, "malee")


@pytest.fixture
def maria(db):
    """Philippine officer: the outsider."""
    return _persona("BOC", Role.OFFICER, "maria")


@pytest.fixture
def ana(db):
    """Philippine agency admin: the outsider admin."""
    return _persona("BOC", Role.AGENCY_ADMIN, "ana")


@pytest.fixture
def platform_admin(db):
    from members.models import User

    return User.objects.create_superuser("root@crackdown.test", "crackdown-demo", full_name="Platform Admin")


@pytest.fixture
def api():
    """An API client; call `api.force_authenticate(user)` or use `api_as(user)`."""
    return APIClient()


@pytest.fixture
def api_as():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def mark_otp_verified(client, user) -> None:
    """Give a signed-in test session its second factor, as the real verification page would."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_is_fully_signed_in(monkeypatch):
    """`client.force_login(user)` stands for a complete sign-in, second factor included.

    Tests of the second factor itself sign in through the real pages instead.
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_otp_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def totp_now(user) -> str:
    """The current TOTP code of the user's confirmed device (what the authenticator app shows)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).latest("id")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.fixture
def client_as(client):
    """A page client signed in as the given user (session, CSRF enforced by Django)."""

    def make(user):
        client.force_login(user)
        return client

    return make


# --- Browser tests --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        # In CI the browser tests must run: a missing Chromium is a failure, not a skip.
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """Sign a Playwright page in through the real sign-in form."""

    def do(page, email: str, password: str = "crackdown-demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/otp/setup/" in page.url:
            # First sign-in of a role that needs a second factor: enrol like a user with an app.
            from django_otp.oath import totp

            key = bytes.fromhex(page.get_by_test_id("otp-secret").text_content().strip())
            page.locator("#id_otp").fill(f"{totp(key):06d}")
            page.get_by_role("button", name="Confirm").click()
            page.get_by_role("link", name="Continue").click()
        elif "/accounts/otp/verify/" in page.url:
            from members.models import User

            page.locator("#id_otp").fill(totp_now(User.objects.get(email__iexact=email)))
            page.get_by_role("button", name="Verify").click()
        page.wait_for_url(lambda url: "/accounts/otp/" not in url)
        return page

    return do
