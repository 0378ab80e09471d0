"""The one check behind every PostgreSQL-only optimisation (DESIGN.md "Stack")."""

from __future__ import annotations

from django.db import connection


def postgresql() -> bool:
    """Whether the default database is PostgreSQL; elsewhere (SQLite for `make run`) the portable path runs."""
    return connection.vendor == "postgresql"
