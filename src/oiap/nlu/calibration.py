"""Turning raw linear decision scores into calibrated confidences.

A linear SVM's scores are not probabilities. We use a softmax with one temperature fitted on
held-out scores by minimising the negative log-likelihood: it keeps the ranking of the
classifier, costs one division at predict time, and makes "score 0.7" mean roughly "right
seven times out of ten" so that one threshold works across bots.

A plain softmax always shares all the probability among the known intents, however foreign
the utterance. :func:`fit_with_unknown` adds one constant "none of them" logit, fitted with
the temperature on held-out examples and on the same examples with their own intent hidden,
so that utterances no intent scores highly get low confidences (see docs/nlu.md).

Both fits carry a weak prior on the temperature, worth :data:`PRIOR_ROWS` held-out examples:
with thousands of examples it changes nothing, but a small bot whose few held-out examples
are all separated perfectly would otherwise drive the temperature to zero and answer every
utterance, however foreign, with confidence 1.0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DEFAULT_TEMPERATURE = 0.1
PRIOR_ROWS = 5.0
"""Weight of the prior "log temperature = log of the expected one", in held-out examples."""


def _prior(log_temperature: float, expected: float, rows: int) -> float:
    return PRIOR_ROWS / rows * (log_temperature - float(np.log(expected))) ** 2


def softmax(scores: npt.NDArray[np.float32], temperature: float) -> npt.NDArray[np.float32]:
    shifted = (scores - scores.max(axis=-1, keepdims=True)) / temperature
    exp = np.exp(shifted)
    result: npt.NDArray[np.float32] = exp / exp.sum(axis=-1, keepdims=True)
    return result


def fit_temperature(
    scores: npt.NDArray[np.float32],
    labels: npt.NDArray[np.intp],
    expected: float = DEFAULT_TEMPERATURE,
) -> float:
    """Temperature minimising the NLL of ``labels`` under ``softmax(scores / T)``, with a
    weak prior towards ``expected`` (the usual temperature of such scores)."""
    if len(labels) == 0:
        return expected
    rows = np.arange(len(labels))

    def nll(temperature: float) -> float:
        shifted = (scores - scores.max(axis=1, keepdims=True)) / temperature
        log_norm = np.log(np.exp(shifted).sum(axis=1))
        fit = float(np.mean(log_norm - shifted[rows, labels]))
        return fit + _prior(float(np.log(temperature)), expected, len(labels))

    # The NLL is unimodal in log T; a coarse grid then a golden-section refinement is enough
    # and avoids a scipy.optimize dependency on an oddly shaped objective.
    grid = np.exp(np.linspace(np.log(1e-3), np.log(10.0), 41))
    best = int(np.argmin([nll(float(t)) for t in grid]))
    low = float(np.log(grid[max(best - 1, 0)]))
    high = float(np.log(grid[min(best + 1, len(grid) - 1)]))
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(30):
        a = high - ratio * (high - low)
        b = low + ratio * (high - low)
        if nll(float(np.exp(a))) < nll(float(np.exp(b))):
            high = b
        else:
            low = a
    return float(np.exp((low + high) / 2.0))


def softmax_with_unknown(
    scores: npt.NDArray[np.float32], temperature: float, unknown_logit: float
) -> npt.NDArray[np.float32]:
    """Softmax over the intents plus one constant "none of them" logit, whose share is left
    out: the intents' probabilities sum to less than one, the rest being out of scope."""
    tempered = scores / temperature
    top = np.maximum(tempered.max(axis=-1, keepdims=True), unknown_logit)
    exp = np.exp(tempered - top)
    norm = exp.sum(axis=-1, keepdims=True) + np.exp(unknown_logit - top)
    result: npt.NDArray[np.float32] = (exp / norm).astype(np.float32)
    return result


def fit_with_unknown(
    scores: npt.NDArray[np.float32], labels: npt.NDArray[np.intp], out_of_scope_share: float
) -> tuple[float, float]:
    """Temperature and "none of them" logit for :func:`softmax_with_unknown`, by likelihood.

    There are no out-of-scope examples to learn from, so each held-out example is used twice:
    as itself (its intent is the answer) and, with its own intent's score removed, as an
    utterance whose intent the model does not know (the answer is "none"): the model never
    saw it, and what remains is how the other intents score something foreign to them. The
    pseudo out-of-scope rows are weighted so that they make up ``out_of_scope_share`` of the
    traffic the calibration assumes.
    """
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    z = scores.astype(np.float64)
    rows = np.arange(len(labels))
    foreign = z.copy()
    foreign[rows, labels] = -np.inf
    weight = out_of_scope_share / (1.0 - out_of_scope_share)
    # ``scores`` are sums of already tempered scores: their own temperature is about one.
    start_t = fit_temperature(scores, labels, expected=1.0)

    def nll(params: npt.NDArray[np.float64]) -> float:
        temperature, unknown = float(np.exp(params[0])), float(params[1])
        known = np.c_[z / temperature, np.full(len(z), unknown)]
        loss_known = logsumexp(known, axis=1) - known[rows, labels]
        other = np.c_[foreign / temperature, np.full(len(z), unknown)]
        loss_other = logsumexp(other, axis=1) - unknown
        fit = float(np.mean(loss_known) + weight * np.mean(loss_other))
        return fit + _prior(float(params[0]), 1.0, len(labels))

    # Start from the plain temperature and an unknown logit at the median top score.
    start_u = float(np.median(z.max(axis=1))) / start_t
    # Bounded: with a handful of held-out examples the likelihood can be flat, and an
    # unbounded search walked the temperature off to overflow.
    low, high = np.log(1e-3), np.log(1e3)
    result = minimize(
        nll,
        np.array([np.clip(np.log(start_t), low, high), np.clip(start_u, -1e3, 1e3)]),
        method="Nelder-Mead",
        bounds=[(low, high), (-1e3, 1e3)],
        options={"xatol": 1e-4, "fatol": 1e-7, "maxiter": 2000},
    )
    return float(np.exp(result.x[0])), float(result.x[1])
