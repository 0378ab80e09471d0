"""A line's score (0–100) and its reasons, from three sources: lookout hits, the agency's active
rules and its active model. Each source's points are shown as reasons; the score is their sum,
held to 0–100. Scores rank lines for a person to decide; nothing acts on a score alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from cases.targeting.conditions import NATIONALITY, Predicate, compile_condition
from cases.targeting.facts import Facts, model_features
from cases.targeting.models import ModelStatus, ModelVersion, ReasonSource, Rule, TargetingSettings
from cases.targeting.reasons import LOOKOUT, RULE

LOOKOUT_POINTS = 60
LIFT_POINTS = 20
# How many of the model's terms are shown as reasons (the largest first).
MODEL_REASONS = 4


@dataclass
class LinearModel:
    version: int
    intercept: float
    weights: dict[str, float]
    use_nationality: bool
    # The share of found lines the model learned from: its points measure lift over it.
    base_rate: float = 0.005

    def contributions(self, facts: Facts) -> tuple[float, dict[str, float]]:
        """The probability and each feature's term of the linear score (weight × value)."""
        terms = {}
        for name, value in model_features(facts, use_nationality=self.use_nationality).items():
            weight = self.weights.get(name)
            if weight:
                terms[name] = weight * value
        z = self.intercept + sum(terms.values())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), terms


@dataclass
class Scorer:
    rules: list[tuple[Rule, Predicate]] = field(default_factory=list)
    model: LinearModel | None = None

    def score(self, facts: Facts, lookout_reasons: list[dict[str, Any]] | None = None) -> tuple[int, list[dict]]:
        reasons: list[dict[str, Any]] = list(lookout_reasons or [])
        for rule, predicate in self.rules:
            if predicate(facts):
                reasons.append(
                    {
                        "source": ReasonSource.RULE.value,
                        "code": RULE,
                        "params": {"name": rule.name, "rule": rule.pk},
                        "points": rule.points,
                    }
                )
        if self.model is not None:
            reasons += model_reasons(self.model, facts)
        total = sum(r["points"] for r in reasons)
        reasons.sort(key=lambda r: -abs(r["points"]))
        return max(0, min(100, total)), reasons


def model_points(probability: float, base_rate: float) -> int:
    """20 points per doubling of the odds of a find over the average line: an average line
    gets 0, one twice as likely 20, ten times 66, thirty-two times or more 100."""
    if probability <= 0 or base_rate <= 0:
        return 0
    return max(0, min(100, round(LIFT_POINTS * math.log2(probability / base_rate))))


def model_reasons(model: LinearModel, facts: Facts) -> list[dict[str, Any]]:
    """The model's points (model_points) shared among its largest positive terms."""
    probability, terms = model.contributions(facts)
    points = model_points(probability, model.base_rate)
    positive = sorted(((v, k) for k, v in terms.items() if v > 0), reverse=True)[:MODEL_REASONS]
    if points <= 0 or not positive:
        return []
    total = sum(v for v, _k in positive)
    shares = [int(points * v / total) for v, _k in positive]
    shares[0] += points - sum(shares)
    reasons = []
    for share, (_v, name) in zip(shares, positive, strict=True):
        if share <= 0:
            continue
        reasons.append(
            {"source": ReasonSource.MODEL.value, "code": name, "params": _params(name, facts), "points": share}
        )
    return reasons


def _params(name: str, facts: Facts) -> dict[str, Any]:
    if name in ("shipper_new", "consignee_new"):
        return {"days": facts[f"{name.split('_')[0]}_first_seen_days"]}
    if name == "origin_seizures":
        return {"count": facts["origin_seizures"], "country": facts["origin_country"]}
    return {}


def lookout_reason(*, kind: str, value: str, lookout_id: int, title: str = "") -> dict[str, Any]:
    return {
        "source": ReasonSource.LOOKOUT.value,
        "code": LOOKOUT,
        "params": {"kind": kind, "value": value, "lookout": lookout_id, "title": title},
        "points": LOOKOUT_POINTS,
    }


def load_scorer(agency_id: int) -> Scorer:
    """The agency's active rules (compiled once) and its active model."""
    allowed = nationality_allowed(agency_id)
    rules = [
        (rule, compile_condition(rule.condition))
        for rule in Rule.objects.filter(agency_id=agency_id, active=True).order_by("id")
        # A rule written while nationality was on stops counting when the agency admin turns it off.
        if allowed or NATIONALITY not in json.dumps(rule.condition)
    ]
    active = (
        ModelVersion.objects.filter(agency_id=agency_id, active=True, status=ModelStatus.READY)
        .only("version", "coefficients", "uses_nationality")
        .first()
    )
    model = None
    if active is not None and active.coefficients:
        model = LinearModel(
            version=active.version,
            intercept=float(active.coefficients["intercept"]),
            weights={k: float(v) for k, v in active.coefficients["weights"].items()},
            base_rate=float(active.coefficients.get("base_rate") or 0.005),
            # A model trained with nationality keeps reading it only while the admin allows it.
            use_nationality=active.uses_nationality and allowed,
        )
    return Scorer(rules=rules, model=model)


def nationality_allowed(agency_id: int) -> bool:
    return TargetingSettings.objects.filter(agency_id=agency_id, use_nationality=True).exists()
