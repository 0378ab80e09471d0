"""Training a model version from the agency's own examination results (found / nothing).

A logistic regression (scikit-learn, liblinear) over the named features of
cases.targeting.facts; stored as plain coefficients in JSON, so that loading a model runs no
code (never pickle) and every score is explained by its terms. Deterministic for a seed: the
same rows and seed give the same coefficients. Metrics are measured on a held-out split by
time (the latest 20 % of the labelled lines by ETA), as the model will be used: on arrivals
after the ones it learned from.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

from cases.targeting.facts import FACT_FIELDS, History, model_features, origin_seizure_counts, row_facts
from cases.targeting.models import ExamResult, ManifestLine, ModelStatus, ModelVersion
from cases.targeting.scoring import nationality_allowed

logger = logging.getLogger(__name__)

HOLDOUT = 0.2
MIN_FEATURE_COUNT = 5
MIN_LABELLED = 50
MIN_FOUND = 5
Progress = Callable[[int], None]


class TrainingError(Exception):
    pass


def labelled_rows(agency_id: int, *, use_nationality: bool) -> tuple[list[dict[str, float]], list[int]]:
    """Features and labels of the agency's examined lines, oldest ETA first.

    The lines are read as plain rows (`values`), not model instances: at 200,000 lines
    building the instances cost more than the features.
    """
    history = History(origin_seizures=origin_seizure_counts(agency_id))
    for party in ("shipper", "consignee"):
        column = f"{party}_normalized"
        rows = (
            ManifestLine.objects.filter(agency_id=agency_id)
            .exclude(**{column: ""})
            .values(column)
            .annotate(first=Min("eta"))
        )
        for row in rows:
            history.first_seen[(party, row[column])] = row["first"]
    lines = (
        ManifestLine.objects.filter(agency_id=agency_id, result__in=ExamResult.values)
        .order_by("eta", "id")
        .values(*FACT_FIELDS, "result")
    )
    features, labels = [], []
    found = ExamResult.FOUND.value
    for row in lines.iterator(chunk_size=5000):
        features.append(model_features(row_facts(row, history), use_nationality=use_nationality))
        labels.append(1 if row["result"] == found else 0)
    return features, labels


def fit(
    features: list[dict[str, float]], labels: list[int], *, seed: int, progress: Progress | None = None
) -> dict[str, Any]:
    """Fit on the older 80 %, measure on the newest 20 %; the coefficients and the metrics."""
    if len(labels) < MIN_LABELLED or sum(labels) < MIN_FOUND:
        raise TrainingError(
            f"Too few examination results to learn from: {len(labels)} labelled lines, {sum(labels)} found "
            f"(at least {MIN_LABELLED} and {MIN_FOUND})."
        )
    cut = int(len(labels) * (1 - HOLDOUT))
    train_x, test_x = features[:cut], features[cut:]
    train_y, test_y = labels[:cut], labels[cut:]
    counts = Counter(name for row in train_x for name in row)
    kept = {name for name, n in counts.items() if n >= MIN_FEATURE_COUNT}
    vectorizer = DictVectorizer(sort=True)
    matrix = _int32(vectorizer.fit_transform([{k: val for k, val in row.items() if k in kept} for row in train_x]))
    if progress:
        progress(50)
    model = LogisticRegression(solver="liblinear", C=1.0, random_state=seed, max_iter=1000)
    model.fit(matrix, np.array(train_y))
    if progress:
        progress(80)
    names = vectorizer.get_feature_names_out()
    weights = {str(name): round(float(w), 6) for name, w in zip(names, model.coef_[0], strict=True) if abs(w) >= 1e-6}
    intercept = round(float(model.intercept_[0]), 6)
    probabilities = model.predict_proba(_int32(vectorizer.transform(test_x)))[:, 1] if test_x else np.array([])
    metrics: dict[str, Any] = {"roc_auc": None, "precision_at_1pct": None, "base_rate": None, "test_rows": len(test_y)}
    if test_y:
        base_rate = sum(test_y) / len(test_y)
        top = max(1, math.ceil(len(test_y) * 0.01))
        order = np.argsort(-probabilities, kind="stable")[:top]
        precision = float(sum(test_y[i] for i in order) / top)
        metrics.update(base_rate=round(base_rate, 6), precision_at_1pct=round(precision, 6))
        if 0 < sum(test_y) < len(test_y):
            metrics["roc_auc"] = round(float(roc_auc_score(test_y, probabilities)), 6)
        metrics["lift_at_1pct"] = round(precision / base_rate, 3) if base_rate else None
    return {
        "intercept": intercept,
        "weights": weights,
        "base_rate": round(sum(train_y) / len(train_y), 6),
        "features": sorted(weights),
        "metrics": metrics,
        "rows": len(labels),
    }


def _int32(matrix: Any) -> Any:
    """The sparse matrix with 32-bit indices, which liblinear requires (DictVectorizer may give 64)."""
    csr = csr_matrix(matrix)
    return csr_matrix((csr.data, csr.indices.astype(np.int32), csr.indptr.astype(np.int32)), shape=csr.shape)


def train_version(version_id: int) -> ModelVersion | None:
    """Train a version row that is `training` (claimed once); it becomes the active one when ready."""
    version = ModelVersion.objects.filter(pk=version_id, status=ModelStatus.TRAINING).first()
    if version is None:
        return None

    def progress(percent: int) -> None:
        ModelVersion.objects.filter(pk=version_id).update(progress=percent)

    use_nationality = nationality_allowed(version.agency_id)
    try:
        progress(5)
        features, labels = labelled_rows(version.agency_id, use_nationality=use_nationality)
        progress(30)
        result = fit(features, labels, seed=version.seed, progress=progress)
    except TrainingError as exc:
        ModelVersion.objects.filter(pk=version_id).update(status=ModelStatus.FAILED, error=str(exc), progress=100)
        version.refresh_from_db()
        return version
    except Exception:
        # The row must not stay "training" for ever: the next run would be refused.
        logger.exception("training of targeting model version %s failed", version_id)
        ModelVersion.objects.filter(pk=version_id).update(
            status=ModelStatus.FAILED, error="Training failed; see the server log.", progress=100
        )
        raise
    with transaction.atomic():
        ModelVersion.objects.filter(agency_id=version.agency_id, active=True).update(active=False)
        ModelVersion.objects.filter(pk=version_id).update(
            status=ModelStatus.READY,
            progress=100,
            active=True,
            trained_at=timezone.now(),
            training_rows=result["rows"],
            metrics=result["metrics"],
            features=result["features"],
            coefficients={
                "intercept": result["intercept"],
                "weights": result["weights"],
                "base_rate": result["base_rate"],
            },
            uses_nationality=use_nationality,
        )
    version.refresh_from_db()
    return version
