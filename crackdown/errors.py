"""Domain errors raised by services, mapped to HTTP by the API and the pages."""


class Conflict(Exception):
    """The object's state does not allow the action (HTTP 409)."""


class Forbidden(Exception):
    """The caller may see the object but not do this (HTTP 403)."""
