"""Targeting reads. Every read starts from `visible_to(user)`: the own agency's rows only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.targeting.models import LineKind, LineStatus, ManifestLine, ModelStatus, ModelVersion, Rule, RuleVersion


def line_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ManifestLine]:
    """The agency's lines, highest score first; filters already checked (`line_filters`)."""
    qs = ManifestLine.objects.visible_to(user)
    f = filters or {}
    if f.get("min_score") is not None:
        qs = qs.filter(score__gte=f["min_score"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("eta_after"):
        qs = qs.filter(eta__gte=f["eta_after"])
    if f.get("eta_before"):
        qs = qs.filter(eta__lte=f["eta_before"])
    return qs.order_by("-score", "-id")


def line_filters(params: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The queue's filters from query parameters, with field-level errors for bad values."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    raw = params.get("min_score")
    if raw not in (None, ""):
        try:
            clean["min_score"] = int(raw)
            if not 0 <= clean["min_score"] <= 100:
                raise ValueError
        except ValueError:
            errors["min_score"] = [_("Enter a whole number from 0 to 100.")]
    for name, values in (("status", LineStatus.values), ("kind", LineKind.values)):
        raw = params.get(name)
        if raw not in (None, ""):
            if raw in values:
                clean[name] = raw
            else:
                errors[name] = [_("Use one of %(values)s.") % {"values": ", ".join(values)}]
    for name in ("eta_after", "eta_before"):
        raw = params.get(name)
        if raw not in (None, ""):
            parsed = _moment(raw)
            if parsed is None:
                errors[name] = [_("Enter a date (2026-12-03) or a date and time with its offset.")]
            else:
                clean[name] = parsed
    return clean, errors


def _moment(raw: str) -> dt.datetime | None:
    try:
        parsed = parse_datetime(raw)
        if parsed is None:
            day = dt.date.fromisoformat(raw)
            return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        # In UTC: RFC 3339 allows offsets PostgreSQL refuses (beyond ±15:59).
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        return None


def get_line_for(user: Any, pk: Any) -> ManifestLine:
    line = ManifestLine.objects.visible_to(user).filter(pk=pk).select_related("agency", "seizure").first()
    if line is None:
        raise Http404
    return line


def rule_list(*, user: Any) -> QuerySet[Rule]:
    return Rule.objects.visible_to(user).select_related("updated_by").order_by("-active", "name", "id")


def get_rule_for(user: Any, pk: Any) -> Rule:
    rule = Rule.objects.visible_to(user).filter(pk=pk).select_related("updated_by").first()
    if rule is None:
        raise Http404
    return rule


def rule_history(rule: Rule) -> QuerySet[RuleVersion]:
    return rule.versions.select_related("changed_by").order_by("-version")


def model_versions(*, user: Any) -> list[ModelVersion]:
    return list(ModelVersion.objects.visible_to(user).order_by("-version")[:50])


def model_state(*, user: Any) -> dict[str, Any]:
    """The agency's model as GET …/targeting/model/ shows it: the active version, and the latest
    run's status and progress while one trains or after one failed."""
    versions = model_versions(user=user)
    active = next((v for v in versions if v.active), None)
    latest = versions[0] if versions else None
    if latest is not None and latest.status in (ModelStatus.TRAINING, ModelStatus.FAILED):
        status, progress, error = latest.status, latest.progress, latest.error
    else:
        status, progress, error = ("ready" if active else "none"), (100 if active else 0), ""
    return {
        "version": active.version if active else None,
        "status": status,
        "progress": progress,
        "error": error,
        "trained_at": active.trained_at if active else None,
        "training_rows": active.training_rows if active else 0,
        "metrics": _metrics(active),
        "features": active.features if active else [],
        "uses_nationality": active.uses_nationality if active else False,
        "versions": [
            {
                "version": v.version,
                "status": v.status,
                "active": v.active,
                "progress": v.progress,
                "trained_at": v.trained_at,
                "training_rows": v.training_rows,
                "metrics": _metrics(v),
                "error": v.error,
            }
            for v in versions
        ],
    }


def _metrics(version: ModelVersion | None) -> dict[str, Any]:
    metrics = (version.metrics if version else None) or {}
    return {key: metrics.get(key) for key in ("roc_auc", "precision_at_1pct", "base_rate", "lift_at_1pct", "test_rows")}
