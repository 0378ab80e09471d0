"""API token authentication: knox's hashed, expiring tokens, checked in constant time per request."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from crackdown.i18n import activate_for


class TokenAuthentication(auth.TokenAuthentication):
    """knox's TokenAuthentication without its sweep of the user's other tokens on every call.

    knox loads and checks every token of the user while authenticating one: a query and a
    model per token on each API request, so an integration holding many tokens pays for all
    of them every time. Here only the presented token is checked (an expired one is refused
    and deleted, as knox does, without knox's token_expired signal, which nothing here
    listens to); the other expired tokens are deleted by the periodic task
    `members.delete_expired_tokens`. Everything else is knox's: the digest, the renewal
    (`renew_token`) and the user check (`validate_user`).
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """`Authorization: Token <token>` (knox's prefix) or `Authorization: Bearer <token>`
        (API.md "Authentication": what generated clients send by default); knox's checks."""
        auth = get_authorization_header(request).split()
        prefixes = {self.authenticate_header(request).encode().lower(), b"bearer"}
        if not auth or auth[0].lower() not in prefixes:
            return None  # possibly for another backend (the session)
        if len(auth) == 1:
            raise exceptions.AuthenticationFailed(_("Invalid token header. No credentials provided."))
        if len(auth) > 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header. Token string should not contain spaces."))
        return self.authenticate_credentials(auth[1])

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        invalid = _("Invalid token.")
        text = token.decode("utf-8")
        for auth_token in (
            get_token_model().objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
        ):
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(invalid) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                user, auth_token = self.validate_user(auth_token)
                # The caller's saved language for every message of this answer (API.md "Language").
                activate_for(user)
                return user, auth_token
        raise exceptions.AuthenticationFailed(invalid)


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of knox's class, for this subclass."""

    target_class = "crackdown.api.authentication.TokenAuthentication"
