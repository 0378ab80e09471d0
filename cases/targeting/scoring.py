"""A line's score (0–100) and its reasons, from three sources: lookout hits, the agency's active
rules and its active model. Each source's points are shown as reasons; the score is their sum,
held to 0–100. Scores rank lines for a person to decide; nothing acts on a score alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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
    index: dict[str, int] = field(init=False, repr=False)
    vector: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = [name for name, weight in self.weights.items() if weight]
        self.index = {name: i for i, name in enumerate(names)}
        self.vector = np.array([self.weights[name] for name in names], dtype=np.float64)

    def probabilities(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """The probability of a find for each line's features: one sparse product over the batch."""
        index = self.index
        line_of, column, value = [], [], []
        for i, features in enumerate(rows):
            for name, x in features.items():
                j = index.get(name)
                if j is not None:
                    line_of.append(i)
                    column.append(j)
                    value.append(x)
        z = np.full(len(rows), self.intercept, dtype=np.float64)
        if column:
            z += np.bincount(line_of, weights=self.vector[column] * np.array(value), minlength=len(rows))
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def terms(self, features: dict[str, float]) -> dict[str, float]:
        """Each feature's term of the linear score (weight × value)."""
        weights = self.weights
        return {name: weights[name] * x for name, x in features.items() if weights.get(name)}


@dataclass
class Scorer:
    rules: list[tuple[Rule, Predicate]] = field(default_factory=list)
    model: LinearModel | None = None

    def score(self, facts: Facts, lookout_reasons: list[dict[str, Any]] | None = None) -> tuple[int, list[dict]]:
        return self.score_many([facts], [lookout_reasons])[0]

    def score_many(
        self, facts: Sequence[Facts], lookout_reasons: Sequence[list[dict[str, Any]] | None]
    ) -> list[tuple[int, list[dict]]]:
        """Each line's score and reasons; the model's probabilities in one product over the batch."""
        model = self.model
        features: list[dict[str, float]] = []
        points: list[int] = []
        if model is not None:
            features = [model_features(f, use_nationality=model.use_nationality) for f in facts]
            points = model_points_many(model.probabilities(features), model.base_rate)
        out = []
        for i, line_facts in enumerate(facts):
            reasons: list[dict[str, Any]] = list(lookout_reasons[i] or [])
            for rule, predicate in self.rules:
                if predicate(line_facts):
                    reasons.append(
                        {
                            "source": ReasonSource.RULE.value,
                            "code": RULE,
                            "params": {"name": rule.name, "rule": rule.pk},
                            "points": rule.points,
                        }
                    )
            if model is not None and points[i] > 0:
                reasons += model_reasons(points[i], model.terms(features[i]), line_facts)
            total = sum(r["points"] for r in reasons)
            reasons.sort(key=lambda r: -abs(r["points"]))
            out.append((max(0, min(100, total)), reasons))
        return out


def model_points(probability: float, base_rate: float) -> int:
    """20 points per doubling of the odds of a find over the average line: an average line
    gets 0, one twice as likely 20, ten times 66, thirty-two times or more 100."""
    return model_points_many(np.array([probability]), base_rate)[0]


def model_points_many(probabilities: np.ndarray, base_rate: float) -> list[int]:
    """model_points of each probability (rounded half to even, as Python's round)."""
    if base_rate <= 0:
        return [0] * len(probabilities)
    with np.errstate(divide="ignore"):
        lift = np.log2(np.where(probabilities > 0, probabilities, 0.0) / base_rate)
    points = np.clip(np.round(LIFT_POINTS * lift), 0, 100)
    return [int(p) for p in np.where(probabilities > 0, points, 0)]


def model_reasons(points: int, terms: dict[str, float], facts: Facts) -> list[dict[str, Any]]:
    """The model's points shared among its largest positive terms."""
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
