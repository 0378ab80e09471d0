"""`AnyOf`: `column = ANY(%s)` with the whole list as one array parameter (PostgreSQL).

A manifest batch looks up thousands of values at once (its references, parties and
identifiers). `__in` writes a placeholder per value, which Django resolves one by one and
psycopg then scans the statement for: ~0.1 s of Python for a 5,000-line batch's lookups. One
array parameter costs neither, and PostgreSQL plans `= ANY(array)` on the same indexes. Other
databases get the plain `IN (…)`. A lookup is an expression of Django's public API, used in
`filter(AnyOf(F("reference"), values))`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
