"""Targeting writes: manifests in, examinations, pre-arrival alerts, rules, model versions and
settings. Each service validates, writes in one transaction and leaves nothing half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.alerts.models import Alert
from cases.choices import IdentifierKind, Priority
from cases.lookouts.models import HitSource, Lookout, LookoutStatus, LookoutValue
from cases.lookouts.watch import record_hits
from cases.seizures.models import Seizure
from cases.targeting import notices
from cases.targeting.conditions import compile_condition, validate_condition
from cases.targeting.facts import Facts, history_for, history_of, line_facts, row_facts
from cases.targeting.inputs import MAX_LINES, clean_lines
from cases.targeting.line_writes import insert_lines, known_lines
from cases.targeting.lookups import AnyOf
from cases.targeting.models import (
    MAX_POINTS,
    ExamResult,
    LineStatus,
    ManifestIdentifier,
    ManifestLine,
    ModelStatus,
    ModelVersion,
    Rule,
    RuleVersion,
    SettingsChange,
    TargetingSettings,
)
from cases.targeting.permissions import (
    can_change_settings,
    can_manage_rules,
    can_train_model,
    can_work_lines,
)
from cases.targeting.scoring import Scorer, load_scorer, lookout_reason, nationality_allowed
from crackdown.celery import app
from crackdown.errors import Conflict, Forbidden
from members.models import Agency, User

TRAIN_TASK = "targeting.train_model"


class BatchInvalid(Exception):
    """Some lines of a batch are wrong: their errors by line index (from 0) and field."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("invalid manifest lines")
        self.errors = errors


PREVIEW_DAYS = 30

_LINE_FIELDS = [
    "kind", "eta", "transport_mode", "origin_country", "loading_place", "transit_countries",
    "destination_country", "discharge_place", "hs_code", "goods_description", "gross_weight_kg",
    "shipper", "consignee", "shipper_normalized", "consignee_normalized", "traveller_nationality",
    "traveller_birth_year", "traveller_sex",
]  # fmt: skip


# --- manifests ------------------------------------------------------------------------------


@dataclass
class _Line:
    """A line of a batch on its way in: its checked fields, its facts and its score."""

    row: dict[str, Any]
    identifiers: list[tuple[str, str, str]]
    facts: Facts
    existing: ManifestLine | None
    pk: int = 0
    score: int = 0
    reasons: list[dict[str, Any]] = field(default_factory=list)


def manifest_ingest(*, lines: Any, by: User) -> dict[str, Any]:
    """Store a batch of 1–5,000 lines for the caller's agency and score them before returning.

    A known reference updates its line (its examination stays). Any error in any line →
    BatchInvalid({"<index>": {field: [messages]}}) and nothing is written.

    The statements do not grow with the batch: one read of the known references, one per kind
    of history, one lookout lookup, the writes (new lines and their identifiers by COPY on
    PostgreSQL), and the lookout hook's for the few lines that carry a watched value.
    """
    if not can_work_lines(by):
        raise Forbidden(_("Only officers and coordinators send manifests."))
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
        raise ValidationError({"lines": [_("Send 1 to %(n)s lines.") % {"n": f"{MAX_LINES:,}"}]})
    cleaned: list[tuple[dict[str, Any], list[tuple[str, str, str]]]] = []
    errors: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for index, (data, identifiers, line_errors) in enumerate(clean_lines(lines)):
        reference = data.get("reference")
        if reference and reference in seen and "reference" not in line_errors:
            line_errors["reference"] = [_("Line %(n)s of this batch has the same reference.") % {"n": seen[reference]}]
        if reference:
            seen.setdefault(reference, index)
        if line_errors:
            errors[str(index)] = line_errors
        cleaned.append((data, identifiers))
    if errors:
        raise BatchInvalid(errors)
    agency = by.agency
    assert agency is not None
    with transaction.atomic():
        references = [data["reference"] for data, _i in cleaned]
        existing = {line.reference: line for line in known_lines(agency.pk, references)}
        history = history_of(
            agency_id=agency.pk,
            shippers={data["shipper_normalized"] for data, _i in cleaned},
            consignees={data["consignee_normalized"] for data, _i in cleaned},
        )
        now = timezone.now()
        batch = [
            _Line(data, identifiers, row_facts(data, history, at=now), existing.get(data["reference"]))
            for data, identifiers in cleaned
        ]
        previous = {line.pk: line.reasons for line in existing.values()}
        scorer = load_scorer(agency.pk)
        _score(batch, scorer=scorer)
        model_version = scorer.model.version if scorer.model else None
        new = [line for line in batch if line.existing is None]
        ids = insert_lines(
            [
                {
                    **{name: line.row[name] for name in _LINE_FIELDS},
                    "agency": agency.pk,
                    "reference": line.row["reference"],
                    "score": line.score,
                    "reasons": line.reasons,
                    "model_version": model_version,
                    "status": LineStatus.NEW.value,
                    "result": "",
                    "exam_notes": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for line in new
            ],
            [line.identifiers for line in new],
        )
        for line, pk in zip(new, ids, strict=True):
            line.pk = pk
        old = [line for line in batch if line.existing is not None]
        if old:
            _update_lines(old, model_version=model_version, now=now)
        hits = lookout_reasons(by=by, lines=batch, previous=previous)
        if hits:
            hit_lines = [line for line in batch if line.pk in hits]
            _score(hit_lines, scorer=scorer, lookouts=hits)
            ManifestLine.objects.bulk_update(
                [ManifestLine(pk=line.pk, score=line.score, reasons=line.reasons) for line in hit_lines],
                ["score", "reasons"],
            )
    return {
        "created": len(new),
        "updated": len(old),
        "lines": [
            {
                "id": line.pk,
                "reference": line.row["reference"],
                "score": line.score,
                "status": line.existing.status if line.existing else LineStatus.NEW.value,
            }
            for line in batch
        ],
    }


def _update_lines(lines: list[_Line], *, model_version: int | None, now: dt.datetime) -> None:
    """Known references: their lines take the new fields and score; identifiers are replaced."""
    instances = []
    for line in lines:
        instance = line.existing
        assert instance is not None
        for name in _LINE_FIELDS:
            setattr(instance, name, line.row[name])
        instance.score, instance.reasons, instance.model_version = line.score, line.reasons, model_version
        instance.updated_at = now  # bulk_update does not run auto_now
        line.pk = instance.pk
        instances.append(instance)
    ManifestLine.objects.bulk_update(
        instances, [*_LINE_FIELDS, "score", "reasons", "model_version", "updated_at"], batch_size=1000
    )
    ManifestIdentifier.objects.filter(line__in=[line.pk for line in lines]).delete()
    ManifestIdentifier.objects.bulk_create(
        [
            ManifestIdentifier(line_id=line.pk, kind=kind, value=value, normalized=normalized)
            for line in lines
            for kind, value, normalized in line.identifiers
        ],
        batch_size=2000,
    )


def _score(lines: list[_Line], *, scorer: Scorer, lookouts: dict[int, list[dict]] | None = None) -> None:
    """Score the lines (rules, the model over the whole batch at once, and lookout reasons)."""
    scored = scorer.score_many([line.facts for line in lines], [(lookouts or {}).get(line.pk) for line in lines])
    for line, (score, reasons) in zip(lines, scored, strict=True):
        line.score, line.reasons = score, reasons


def lookout_reasons(
    *, by: User, lines: list[_Line], previous: dict[int, list[dict]] | None = None
) -> dict[int, list[dict]]:
    """Record lookout hits for the lines' identifiers (and shipper and consignee as companies);
    the reasons per line id. Each lookout's agency is alerted by the lookouts app's hook.

    One query finds which of the batch's values any active lookout watches, so the hook runs
    only for the few lines that carry one. A hit counts as a reason only where the line's
    agency may see the lookout: another agency's unshared lookout is alerted, never revealed.
    A line sent again keeps the lookout reasons of its values (the hook records a hit once).
    """
    values: dict[int, set[tuple[str, str]]] = {}
    for line in lines:
        keys = {(kind, normalized) for kind, _value, normalized in line.identifiers}
        for party in (line.row["shipper_normalized"], line.row["consignee_normalized"]):
            if party:
                keys.add((IdentifierKind.COMPANY.value, party))
        values[line.pk] = keys
    everything = {normalized for keys in values.values() for _kind, normalized in keys}
    if not everything:
        return {}
    watched = set(
        LookoutValue.objects.filter(
            AnyOf(F("normalized"), sorted(everything)),
            active=True,
            lookout__status=LookoutStatus.ACTIVE,
            lookout__expires_at__gt=timezone.now(),
        ).values_list("kind", "normalized")
    )
    assert by.agency is not None
    reasons: dict[int, list[dict]] = {}
    hits_by_line: dict[int, list[Any]] = {}
    for line in lines:
        carried = [
            r for r in (previous or {}).get(line.pk, []) if r.get("source") == "lookout"
            and (r["params"].get("kind"), r["params"].get("value")) in values[line.pk]
        ]  # fmt: skip
        if carried:
            reasons[line.pk] = carried
        keys = values[line.pk] & watched
        if keys:
            hits_by_line[line.pk] = record_hits(
                source=HitSource.MANIFEST_LINE, agency=by.agency, values=sorted(keys), subject_id=line.pk
            )
    lookout_ids = {hit.lookout_id for hits in hits_by_line.values() for hit in hits}
    visible = (
        set(Lookout.objects.visible_to(by).filter(pk__in=lookout_ids).values_list("pk", flat=True))
        if lookout_ids
        else set()
    )
    for line_id, hits in hits_by_line.items():
        for hit in hits:
            if hit.lookout_id in visible:
                reasons.setdefault(line_id, []).append(
                    lookout_reason(
                        kind=hit.kind, value=hit.normalized, lookout_id=hit.lookout_id, title=hit.lookout.title
                    )
                )
    return reasons


def line_examine(*, line: ManifestLine, result: str, seizure: Any, notes: str, by: User) -> ManifestLine:
    """Record what an examination found; the result becomes a label for the model.

    The seizure, when given, must be one the examiner may see (else a field error, as if absent).
    """
    if not can_work_lines(by):
        raise Forbidden(_("Only officers and coordinators record examinations."))
    errors: dict[str, list[str]] = {}
    if result not in ExamResult.values:
        errors["result"] = [_("Choose found or nothing.")]
    linked = None
    if seizure not in (None, ""):
        # A seizure id is a whole number (not a boolean, not text that looks like one).
        if isinstance(seizure, int) and not isinstance(seizure, bool):
            linked = Seizure.objects.visible_to(by).filter(pk=seizure).first()
        if linked is None:
            errors["seizure"] = [_("No such seizure.")]
    if not isinstance(notes, str):
        errors["notes"] = [_("Enter a text.")]
    if errors:
        raise ValidationError(errors)
    line.result = result
    line.seizure = linked
    line.exam_notes = (notes or "").strip()[:4000]
    line.status = LineStatus.EXAMINED
    line.examined_at = timezone.now()
    line.examined_by = by
    line.save(update_fields=["result", "seizure", "exam_notes", "status", "examined_at", "examined_by", "updated_at"])
    return line


def line_set_status(*, line: ManifestLine, status: str, by: User) -> ManifestLine:
    """A person targets a line for examination, or clears it without one. An examined line stays examined."""
    if not can_work_lines(by):
        raise Forbidden(_("Only officers and coordinators target or clear lines."))
    if status not in (LineStatus.TARGETED, LineStatus.CLEARED):
        raise ValidationError({"status": [_("Choose targeted or cleared.")]})
    if line.status == LineStatus.EXAMINED:
        raise Conflict(_("The line has been examined."))
    line.status = status
    line.save(update_fields=["status", "updated_at"])
    return line


def line_alert(*, line: ManifestLine, recipients: Any, priority: Any, by: User) -> Alert:
    """A pre-arrival alert to partner agencies, carrying the line's identifiers and route."""
    if not can_work_lines(by):
        raise Forbidden(_("Only officers and coordinators send alerts."))
    errors: dict[str, list[str]] = {}
    priority = priority or Priority.URGENT
    if priority not in Priority.values:
        errors["priority"] = [_("Choose routine, urgent or flash.")]
    codes = recipients if isinstance(recipients, list) else []
    agencies = list(Agency.objects.filter(code__in=[c for c in codes if isinstance(c, str)], is_active=True))
    known = {a.code for a in agencies}
    unknown = [c for c in codes if not isinstance(c, str) or c not in known]
    if not codes:
        errors["recipients"] = [_("Choose at least one agency.")]
    elif unknown:
        errors["recipients"] = [_("Unknown agency: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]
    elif line.agency_id in {a.pk for a in agencies}:
        errors["recipients"] = [_("Choose agencies other than your own.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        alert = notices.notify_pre_arrival(line=line, recipients=agencies, priority=priority, by=by)
    assert alert is not None
    return alert


def route_agencies(line: ManifestLine) -> list[Agency]:
    """Member agencies of the line's transit and destination countries (the usual recipients)."""
    countries = [*line.transit_countries, line.destination_country]
    return list(
        Agency.objects.filter(country__in=countries, is_active=True).exclude(pk=line.agency_id).order_by("code")
    )


# --- rules ----------------------------------------------------------------------------------


def _rule_data(data: dict[str, Any], *, agency_id: int, partial: bool, rule: Rule | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if "name" in data or not partial:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            errors["name"] = [_("Give the rule a name of at most 120 characters.")]
        else:
            clean["name"] = name.strip()
    if "points" in data or not partial:
        points = data.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or not -MAX_POINTS <= points <= MAX_POINTS:
            errors["points"] = [_("Enter whole points from -100 to 100.")]
        else:
            clean["points"] = points
    if "active" in data:
        if not isinstance(data["active"], bool):
            errors["active"] = [_("Enter true or false.")]
        else:
            clean["active"] = data["active"]
    if "condition" in data or not partial:
        try:
            clean["condition"] = validate_condition(
                data.get("condition"), allow_nationality=nationality_allowed(agency_id)
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


def rule_create(*, data: dict[str, Any], by: User) -> Rule:
    if not can_manage_rules(by):
        raise Forbidden(_("Only coordinators and agency admins write rules."))
    assert by.agency_id is not None
    clean = _rule_data(data, agency_id=by.agency_id, partial=False, rule=None)
    with transaction.atomic():
        rule = Rule.objects.create(agency_id=by.agency_id, updated_by=by, version=1, **clean)
        _keep_version(rule, by)
    return rule


def rule_update(*, rule: Rule, data: dict[str, Any], by: User) -> Rule:
    """Change a rule; each change is a new version kept in its history."""
    if not can_manage_rules(by):
        raise Forbidden(_("Only coordinators and agency admins write rules."))
    clean = _rule_data(data, agency_id=rule.agency_id, partial=True, rule=rule)
    changed = {k: val for k, val in clean.items() if getattr(rule, k) != val}
    if not changed:
        return rule
    with transaction.atomic():
        for key, val in changed.items():
            setattr(rule, key, val)
        rule.version += 1
        rule.updated_by = by
        rule.save()
        _keep_version(rule, by)
    return rule


def _keep_version(rule: Rule, by: User) -> None:
    RuleVersion.objects.create(
        rule=rule, version=rule.version, name=rule.name, condition=rule.condition, points=rule.points,
        active=rule.active, changed_by=by,
    )  # fmt: skip


def rule_preview(*, condition: Any, by: User, days: int = PREVIEW_DAYS) -> dict[str, Any]:
    """What a condition would have matched among the agency's lines that arrived in the last 30 days."""
    assert by.agency_id is not None
    clean = validate_condition(condition, allow_nationality=nationality_allowed(by.agency_id))
    predicate = compile_condition(clean)
    now = timezone.now()
    lines = list(
        ManifestLine.objects.filter(agency_id=by.agency_id, eta__gte=now - dt.timedelta(days=days), eta__lte=now)
        .order_by("-score", "-id")
        .only(*_LINE_FIELDS, "agency_id", "reference", "score", "result", "status")
    )
    history = history_for(agency_id=by.agency_id, lines=lines)
    matched = [line for line in lines if predicate(line_facts(line, history))]
    return {
        "days": days,
        "lines": len(lines),
        "matched": len(matched),
        "matched_found": sum(1 for line in matched if line.result == ExamResult.FOUND),
        "matched_nothing": sum(1 for line in matched if line.result == ExamResult.NOTHING),
        "found": sum(1 for line in lines if line.result == ExamResult.FOUND),
        "examples": [
            {"id": line.pk, "reference": line.reference, "score": line.score, "status": line.status}
            for line in matched[:10]
        ],
    }


# --- the model ------------------------------------------------------------------------------


def model_train_request(*, by: User, seed: int = 0) -> ModelVersion:
    """Start a training run for the caller's agency (a Celery task; progress on the version row)."""
    if not can_train_model(by):
        raise Forbidden(_("Only coordinators train the model."))
    assert by.agency_id is not None
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=by.agency_id).first()
        if ModelVersion.objects.filter(agency_id=by.agency_id, status=ModelStatus.TRAINING).exists():
            raise Conflict(_("A model is already being trained."))
        number = (ModelVersion.objects.filter(agency_id=by.agency_id).aggregate(n=Max("version"))["n"] or 0) + 1
        version = ModelVersion.objects.create(
            agency_id=by.agency_id, version=number, seed=seed, requested_by=by, status=ModelStatus.TRAINING
        )
        transaction.on_commit(lambda: _queue_training(version.pk))
    return version


def _queue_training(version_id: int) -> None:
    app.signature(TRAIN_TASK, args=(version_id,)).delay()


def model_activate(*, agency_id: int, version: Any, by: User) -> ModelVersion:
    """Make a ready version the one that scores (a roll back or forward)."""
    if not can_manage_rules(by):
        raise Forbidden(_("Only coordinators and agency admins choose the model version."))
    with transaction.atomic():
        target = ModelVersion.objects.filter(
            agency_id=agency_id, version=version if isinstance(version, int) else -1
        ).first()
        if target is None:
            raise ValidationError({"version": [_("No such model version.")]})
        if target.status != ModelStatus.READY:
            raise Conflict(_("Only a ready model version can score."))
        ModelVersion.objects.filter(agency_id=agency_id, active=True).update(active=False)
        target.active = True
        target.save(update_fields=["active"])
    return target


def settings_update(*, agency_id: int, use_nationality: Any, by: User) -> TargetingSettings:
    """The agency admin turns nationality on or off for rules and the model; the change is audited."""
    if not can_change_settings(by):
        raise Forbidden(_("Only the agency admin changes the targeting settings."))
    if not isinstance(use_nationality, bool):
        raise ValidationError({"use_nationality": [_("Enter true or false.")]})
    with transaction.atomic():
        current, _created = TargetingSettings.objects.select_for_update().get_or_create(agency_id=agency_id)
        if current.use_nationality != use_nationality:
            SettingsChange.objects.create(
                agency_id=agency_id, field="use_nationality", old_value=str(current.use_nationality).lower(),
                new_value=str(use_nationality).lower(), changed_by=by,
            )  # fmt: skip
            current.use_nationality = use_nationality
            current.updated_by = by
            current.save()
    return current


def targeting_settings(agency_id: int) -> TargetingSettings:
    return TargetingSettings.objects.filter(agency_id=agency_id).first() or TargetingSettings(agency_id=agency_id)


def recipients_for(codes: Iterable[str]) -> list[Agency]:
    return list(Agency.objects.filter(code__in=list(codes), is_active=True))
