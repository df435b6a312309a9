"""Training an :class:`IntentModel` from intents with examples (done at publish time)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack
from sklearn.svm import LinearSVC

from oiap.nlu.calibration import DEFAULT_TEMPERATURE, fit_temperature
from oiap.nlu.classifier import LinearScorer
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.intents import UNKNOWN_INTENT, IntentSpec
from oiap.nlu.model import DEFAULT_THRESHOLD, IntentModel
from oiap.nlu.text import normalize

BACKENDS = ("default", "embed")
SVM_C = 0.5
# Looser than liblinear's default: same held-out accuracy, under half the training time.
SVM_TOLERANCE = 1e-2
HELD_OUT_FRACTION = 0.2
# The sentence vector (unit norm) weighs twice one TF-IDF block: it carries most of the
# paraphrase knowledge; picked among 1, 2, 3 on CLINC150 (see docs/benchmarks.md).
EMBEDDING_WEIGHT = 2.0


def _check(intents: Sequence[IntentSpec]) -> None:
    codes = [i.code for i in intents]
    if len(set(codes)) != len(codes):
        raise ValueError("intent codes must be unique")
    if UNKNOWN_INTENT in codes:
        raise ValueError(f"{UNKNOWN_INTENT!r} is reserved for the preset Unknown intent")
    trainable = [i for i in intents if any(normalize(e) for e in i.examples)]
    if len(trainable) < 2:
        raise ValueError("training needs at least two intents with non-empty examples")


def _fit_svm(x: csr_matrix, y: npt.NDArray[np.intp], n_classes: int) -> LinearSVC:
    # Crammer-Singer's joint multi-class SVM ranks intents against each other instead of
    # one-vs-rest, which is what recognition needs (and measured better on held-out data).
    model = LinearSVC(C=SVM_C, multi_class="crammer_singer", tol=SVM_TOLERANCE, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # liblinear convergence chatter on tiny data
        model.fit(x, y)
    return model


def _decision(model: LinearSVC, x: csr_matrix, n_classes: int) -> npt.NDArray[np.float32]:
    scores = np.asarray(model.decision_function(x), dtype=np.float32)
    if n_classes == 2 and scores.ndim == 1:
        scores = np.stack((-scores, scores), axis=1)
    return scores


def _held_out_split(
    y: npt.NDArray[np.intp], seed: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Per intent, keep a fifth of the examples aside (none for intents with under 3)."""
    rng = np.random.default_rng(seed)
    held: list[int] = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        count = int(len(rows) * HELD_OUT_FRACTION) if len(rows) >= 3 else 0
        held.extend(rng.permutation(rows)[:count].tolist())
    mask = np.zeros(len(y), dtype=bool)
    mask[held] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def train(
    intents: Sequence[IntentSpec],
    *,
    language: str = "en_US",
    backend: str = "default",
    threshold: float | None = None,
    encoder_dir: str | Path | None = None,
    seed: int = 0,
) -> IntentModel:
    """Train a model; ``threshold`` is the domain's confidence threshold (default 0.5)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown NLU backend {backend!r}; choose from {', '.join(BACKENDS)}")
    _check(intents)
    texts: list[str] = []
    labels: list[str] = []
    for intent in intents:
        for example in intent.examples:
            if normalize(example):
                texts.append(example)
                labels.append(intent.code)
    label_names = tuple(sorted(set(labels)))
    y = np.array([label_names.index(lab) for lab in labels], dtype=np.intp)
    featurizer = NgramFeaturizer.fit(texts)
    x = featurizer.matrix(texts)

    encoder = None
    embedding_weight = 0.0
    if backend == "embed":
        from oiap.nlu.embedding import SentenceEncoder

        encoder = SentenceEncoder.load(encoder_dir)
        embedding_weight = EMBEDDING_WEIGHT
        dense = encoder.encode(texts) * embedding_weight
        x = hstack((x, csr_matrix(dense))).tocsr()

    n_classes = len(label_names)
    fit_rows, held_rows = _held_out_split(y, seed)
    calibrate = len(held_rows) > 0 and len(np.unique(y[fit_rows])) == n_classes
    # The calibration probe (fitted without the held-out rows) and the final model are
    # independent; liblinear releases the GIL, so on two cores they train side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        final = pool.submit(_fit_svm, x, y, n_classes)
        probe = pool.submit(_fit_svm, x[fit_rows], y[fit_rows], n_classes) if calibrate else None
        svm = final.result()
        temperature = DEFAULT_TEMPERATURE
        if probe is not None:
            scores = _decision(probe.result(), x[held_rows], n_classes)
            temperature = fit_temperature(scores, y[held_rows])

    coef = np.asarray(svm.coef_, dtype=np.float32)
    intercept = np.asarray(svm.intercept_, dtype=np.float32)
    if n_classes == 2 and coef.shape[0] == 1:
        coef = np.vstack((-coef, coef))
        intercept = np.concatenate((-intercept, intercept))
    weights = np.ascontiguousarray(coef.T)
    scorer = LinearScorer(
        labels=label_names,
        sparse_weights=weights[: featurizer.size],
        dense_weights=weights[featurizer.size :],
        bias=intercept,
        temperature=temperature,
    )
    return IntentModel(
        language=language,
        backend=backend,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        intents=tuple(intents),
        featurizer=featurizer,
        scorer=scorer,
        encoder=encoder,
        embedding_weight=embedding_weight,
    )
