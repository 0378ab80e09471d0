"""Sign-in and sign-out are logged, never with a password or token."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("crackdown.security")


def _address(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log.info("sign-in user=%s addr=%s", user.pk, _address(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    log.info("sign-out user=%s addr=%s", getattr(user, "pk", None), _address(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # credentials are already cleansed by Django; log only that it happened and from where.
    log.warning("sign-in refused addr=%s", _address(request))
