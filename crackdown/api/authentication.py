"""API token authentication: knox's hashed, expiring tokens, checked in constant time per request."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth


class TokenAuthentication(auth.TokenAuthentication):
    """knox's TokenAuthentication without its sweep of the user's other tokens on every call.

    knox loads and checks every token of the user while authenticating one: a query and a
    model per token on each API request, so an integration holding many tokens pays for all
    of them every time. Here only the presented token is checked (an expired one is refused
    and deleted, as knox does, without knox's token_expired signal, which nothing here
    listens to); the other expired tokens are deleted by the periodic task
    `members.delete_expired_tokens`.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of knox's class, for this subclass."""

    target_class = "crackdown.api.authentication.TokenAuthentication"
