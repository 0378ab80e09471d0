"""Logging filters: what a log line carries."""

from __future__ import annotations

import logging

# Refusals crackdown.security logs itself, with the user and the reason (crackdown/security.py).
LOGGED_AS_REFUSALS = (401, 403)


class ClientErrorsWithoutTraceback(logging.Filter):
    """For Django's request log: a refused request logs one line.

    A 401 or 403 is already the one line of crackdown.security, so Django's record is dropped;
    another 4xx (400, 404, 405…) keeps its line without the traceback Django attaches (of the
    exception raised on purpose), which says nothing an operator needs. 5xx are untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        if status in LOGGED_AS_REFUSALS:
            return False
        record.exc_info = None
        record.exc_text = None
        return True
