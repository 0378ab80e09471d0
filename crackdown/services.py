"""Write helpers every app's services share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def model_update(
    *, instance: M, fields: Iterable[str], data: dict[str, Any], clean_exclude: Iterable[str] = ()
) -> tuple[M, bool]:
    """Set the whitelisted `fields` of `data` that differ from the instance, validate, save those.

    In the spirit of HackSoft's `model_update`: keys of `data` outside `fields` are ignored;
    nothing is written when nothing changed; otherwise `full_clean()` runs (the model's field
    validators and `clean()`, which may normalise what it was given) and the save names only
    the changed fields, plus an `auto_now` field such as `updated_at`. Returns
    (instance, whether anything changed).

    `clean_exclude` names fields whose values the caller has already checked against the
    database (a related row it looked up, a unique value it drew). The constraints are the
    database's to enforce in the caller's transaction: checking them here costs a query each.
    """
    changed = [name for name in fields if name in data and getattr(instance, name) != data[name]]
    if not changed:
        return instance, False
    for name in changed:
        setattr(instance, name, data[name])
    meta = instance._meta
    excluded = {f.name for f in meta.concrete_fields if f.name not in changed} | set(clean_exclude)
    instance.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    auto_now = [f.name for f in meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=[*dict.fromkeys(changed + auto_now)])
    return instance, True
