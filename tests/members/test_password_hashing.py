from django.conf import settings as project_settings
from django.contrib.auth.hashers import make_password


def test_passwords_are_hashed_with_argon2_outside_tests():
    # The test suite swaps in a fast hasher (tests/conftest.py); the project's own setting
    # must still put Argon2 first.
    import crackdown.settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert project_settings.AUTH_PASSWORD_VALIDATORS


def test_argon2_hashes_verify(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert make_password("crackdown-demo").startswith("argon2$")
