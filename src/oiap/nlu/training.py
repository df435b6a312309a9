"""Training an :class:`IntentModel` from intents with examples (done at publish time).

A model is one or more linear *heads* whose calibrated scores are summed, folded into a
single linear scorer (so predicting costs the same whatever the number of heads):

* ``default`` backend: a multi-class (Crammer-Singer) linear SVM on the TF-IDF n-grams;
* ``embed`` backend: the same SVM on the n-grams plus the upper layers of the sentence
  vector, and a multinomial logistic regression on the whole sentence vector (all layers).
  The two make different errors (margin vs likelihood loss, lexical vs semantic view); their
  sum measured clearly better than either, or than one model on everything.

Examples of the preset Unknown intent (what callers say that the bot does not handle) train
one more class like any intent's; :meth:`IntentModel.predict` answers Unknown when that class
outscores every intent. The reference systems on CLINC150 were trained the same way
("oos-train"); the calibration below still covers out-of-scope turns that resemble none of them.

Calibration: a fifth of each intent's examples is held out, a probe of every head is trained
without them (for large sets in a child process, beside the final heads: see
:mod:`oiap.nlu.probe`), each head's held-out scores get a softmax temperature by negative
log-likelihood, and the sum of the tempered scores one final temperature. Every setting
below is a generic default; none was fitted to a benchmark's test set (see docs/nlu.md).
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from oiap.nlu.calibration import DEFAULT_TEMPERATURE, fit_temperature, fit_with_unknown
from oiap.nlu.classifier import LinearScorer
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.intents import UNKNOWN_INTENT, IntentSpec
from oiap.nlu.model import DEFAULT_THRESHOLD, IntentModel
from oiap.nlu.probe import probe_in_subprocess
from oiap.nlu.text import normalize, tokens
from oiap.nlu.word_vectors import WordVectors, for_language

BACKENDS = ("default", "embed")
SVM_C = 0.5
# Looser than liblinear's default: same held-out accuracy, under half the training time.
SVM_TOLERANCE = 1e-2
# Inputs of the logistic head are unit blocks; weak regularisation suits 384-d blocks with
# tens of examples per intent and more.
LOGISTIC_C = 10.0
LOGISTIC_MAX_ITER = 1000
# lbfgs stops early at looser tolerances, well short of the optimum (measured: -1.7 points).
LOGISTIC_TOLERANCE = 1e-4
HELD_OUT_FRACTION = 0.2
# Sentence-vector blocks (hidden-state indices) the SVM sees beside the n-grams, and their
# total norm: each TF-IDF block has norm 1, so the semantic part weighs as much as both
# lexical blocks together would if they were aligned.
SVM_EMBED_LAYERS = (4, 5, 6)
SVM_EMBED_NORM = 2.0
# Norm of the word-vector block beside the two unit TF-IDF blocks (default backend).
WORD_VECTOR_NORM = 1.0
# Share of out-of-scope turns the calibration assumes (see calibration.fit_with_unknown).
OUT_OF_SCOPE_SHARE = 0.1
# From this many examples the calibration probes train in a second process, beside the
# final heads; below it training takes well under a second and stays in this thread.
PARALLEL_MIN_EXAMPLES = 3000
# liblinear draws from one random generator per process: two fits at once (two bots
# published together) would interleave their draws and depend on timing.
_LIBLINEAR = threading.Lock()

log = logging.getLogger("oiap.nlu")

Array = npt.NDArray[np.float32]


def training_problem(intents: Sequence[IntentSpec]) -> str | None:
    """Why a model cannot be trained from ``intents``, or ``None`` when it can."""
    codes = [i.code for i in intents]
    if len(set(codes)) != len(codes):
        return "intent codes must be unique"
    with_examples = [i.code for i in intents if any(normalize(e) for e in i.examples)]
    # Recognition tells classes apart: one intent needs the Unknown intent's examples to be
    # told from something else.
    if not [c for c in with_examples if c != UNKNOWN_INTENT] or len(with_examples) < 2:
        return (
            "training needs at least two intents with non-empty examples, "
            "or one and examples of the Unknown intent"
        )
    return None


def _check(intents: Sequence[IntentSpec]) -> None:
    problem = training_problem(intents)
    if problem is not None:
        raise ValueError(problem)


@dataclass(frozen=True)
class _Linear:
    """A fitted head as plain arrays: ``scores = x @ weights + bias`` (one column per label)."""

    weights: Array
    bias: Array

    def scores(self, x: Any) -> Array:
        result: Array = np.asarray(x @ self.weights, dtype=np.float32) + self.bias
        return result


def _as_linear(model: LinearSVC | LogisticRegression) -> _Linear:
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if coef.shape[0] == 1:  # two classes: one decision function, positive = second class
        coef = np.vstack((-coef, coef))
        intercept = np.concatenate((-intercept, intercept))
    return _Linear(np.ascontiguousarray(coef.T), intercept)


def _fit_svm(x: csr_matrix, y: npt.NDArray[np.intp]) -> _Linear:
    # Crammer-Singer's joint multi-class SVM ranks intents against each other instead of
    # one-vs-rest, which is what recognition needs (and measured better on held-out data).
    # Balanced class weights keep intents with few examples from being drowned out.
    model = LinearSVC(
        C=SVM_C,
        multi_class="crammer_singer",
        tol=SVM_TOLERANCE,
        class_weight="balanced",
        random_state=0,
    )
    with warnings.catch_warnings(), _LIBLINEAR:
        warnings.simplefilter("ignore")  # liblinear convergence chatter on tiny data
        model.fit(x, y)
    return _as_linear(model)


def _fit_logistic(x: Array, y: npt.NDArray[np.intp]) -> _Linear:
    model = LogisticRegression(
        C=LOGISTIC_C,
        max_iter=LOGISTIC_MAX_ITER,
        tol=LOGISTIC_TOLERANCE,
        class_weight="balanced",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs iteration-limit chatter
        model.fit(x, y)
    return _as_linear(model)


@dataclass(frozen=True)
class _Head:
    """One classifier of the model: its inputs, how to fit it, its uncalibrated temperature."""

    inputs: Any
    fit: Callable[[Any, npt.NDArray[np.intp]], _Linear]
    default_temperature: float


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


def _svm_embed_scale(dimension: int, hidden: int) -> Array:
    """Per-column factor of the sentence vector in the SVM's input (0 for unused blocks)."""
    scale = np.zeros(dimension, dtype=np.float32)
    blocks = dimension // hidden
    used = [b for b in SVM_EMBED_LAYERS if b < blocks] or list(range(blocks))
    for b in used:
        scale[b * hidden : (b + 1) * hidden] = SVM_EMBED_NORM / np.sqrt(len(used))
    return scale


def probe_scores(
    fits: Sequence[Callable[[Any, npt.NDArray[np.intp]], _Linear]],
    fit_inputs: Sequence[Any],
    y_fit: npt.NDArray[np.intp],
    held_inputs: Sequence[Any],
) -> list[Array]:
    """Held-out scores of each head fitted without the held-out rows (only the scores
    travel back from a probe process, not its weights)."""
    return [
        fit(x, y_fit).scores(held)
        for fit, x, held in zip(fits, fit_inputs, held_inputs, strict=True)
    ]


def _fit_heads(
    heads: Sequence[_Head], y: npt.NDArray[np.intp], n_classes: int, seed: int
) -> tuple[list[_Linear], list[float], float, float | None]:
    """Final heads, the temperature of each, and the temperature and unknown logit of their
    tempered sum (``None`` when too few examples to hold any out)."""
    fit_rows, held_rows = _held_out_split(y, seed)
    calibrate = len(held_rows) > 0 and len(np.unique(y[fit_rows])) == n_classes
    if not calibrate:
        fitted = [h.fit(h.inputs, y) for h in heads]
        return fitted, [h.default_temperature for h in heads], 1.0, None
    probe = (
        [h.fit for h in heads],
        [h.inputs[fit_rows] for h in heads],
        y[fit_rows],
        [h.inputs[held_rows] for h in heads],
    )
    held_scores: list[Array] | None = None
    if len(y) >= PARALLEL_MIN_EXAMPLES:
        # The probes train in a process of their own beside the final heads: liblinear's
        # random generator is one per process, so in two threads the fits would interleave
        # their draws and the model would depend on timing.
        with ThreadPoolExecutor(max_workers=1) as pool:
            probing = pool.submit(probe_in_subprocess, probe)
            fitted = [h.fit(h.inputs, y) for h in heads]
            held_scores = probing.result()
    else:
        fitted = [h.fit(h.inputs, y) for h in heads]
    if held_scores is None:
        held_scores = probe_scores(*probe)
    labels = y[held_rows]
    temperatures = [
        fit_temperature(s, labels, h.default_temperature)
        for s, h in zip(held_scores, heads, strict=True)
    ]
    combined = np.asarray(
        sum(s / t for s, t in zip(held_scores, temperatures, strict=True)), dtype=np.float32
    )
    temperature, unknown_logit = fit_with_unknown(combined, labels, OUT_OF_SCOPE_SHARE)
    return fitted, temperatures, temperature, unknown_logit


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
    index = {name: i for i, name in enumerate(label_names)}
    y = np.array([index[lab] for lab in labels], dtype=np.intp)
    featurizer, x = NgramFeaturizer.fit_matrix(texts)

    # Dense features: the shipped word vectors give the default backend some knowledge of
    # what words mean; the embed backend has its encoder for that.
    encoder = None
    vectors = for_language(language) if backend == "default" else None
    dense = np.zeros((len(texts), 0), dtype=np.float32)
    svm_scale = np.zeros(0, dtype=np.float32)
    if vectors is not None:
        dense = word_block(vectors, featurizer, texts)
        svm_scale = np.full(vectors.dimension, WORD_VECTOR_NORM, dtype=np.float32)
    elif backend == "embed":
        from oiap.nlu.embedding import SentenceEncoder

        encoder = SentenceEncoder.load(encoder_dir)
        dense = encoder.encode(texts)
        svm_scale = _svm_embed_scale(encoder.dimension, encoder.hidden)
    # The SVM sees the n-grams and the scaled dense columns it uses.
    used = np.flatnonzero(svm_scale)
    svm_input = x if not len(used) else hstack((x, csr_matrix(dense[:, used] * svm_scale[used])))
    heads = [_Head(svm_input.tocsr(), _fit_svm, DEFAULT_TEMPERATURE)]
    if encoder is not None:
        heads.append(_Head(dense, _fit_logistic, 1.0))

    fitted, temperatures, temperature, unknown_logit = _fit_heads(heads, y, len(label_names), seed)

    # Fold the heads and their temperatures into one linear scorer over (n-grams, vector).
    sparse_weights = fitted[0].weights[: featurizer.size] / temperatures[0]
    dense_weights = np.zeros((dense.shape[1], len(label_names)), dtype=np.float32)
    svm_dense = fitted[0].weights[featurizer.size :] * svm_scale[used][:, None]
    dense_weights[used] += svm_dense / temperatures[0]
    bias = fitted[0].bias / temperatures[0]
    if encoder is not None:
        dense_weights += fitted[1].weights / temperatures[1]
        bias = bias + fitted[1].bias / temperatures[1]
    scorer = LinearScorer(
        labels=label_names,
        sparse_weights=np.ascontiguousarray(sparse_weights, dtype=np.float32),
        dense_weights=np.ascontiguousarray(dense_weights, dtype=np.float32),
        bias=np.asarray(bias, dtype=np.float32),
        temperature=temperature,
        unknown_logit=unknown_logit,
    )
    return IntentModel(
        language=language,
        backend=backend,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        intents=tuple(intents),
        featurizer=featurizer,
        scorer=scorer,
        encoder=encoder,
        embedding_weight=1.0 if encoder is not None else 0.0,
        word_vectors=vectors,
    )


def word_block(vectors: WordVectors, featurizer: NgramFeaturizer, texts: Sequence[str]) -> Array:
    """The word-vector block of each text, as :meth:`IntentModel.predict` computes it."""
    out = np.zeros((len(texts), vectors.dimension), dtype=np.float32)
    for row, text in enumerate(texts):
        out[row] = vectors.sentence(
            tokens(normalize(text)), featurizer.word_idf, featurizer.rarest_idf
        )
    return out
