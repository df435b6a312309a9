"""Turning raw linear decision scores into calibrated confidences.

A linear SVM's scores are not probabilities. We use a softmax with one temperature fitted on
held-out scores by minimising the negative log-likelihood: it keeps the ranking of the
classifier, costs one division at predict time, and makes "score 0.7" mean roughly "right
seven times out of ten" so that one threshold works across bots.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DEFAULT_TEMPERATURE = 0.1


def softmax(scores: npt.NDArray[np.float32], temperature: float) -> npt.NDArray[np.float32]:
    shifted = (scores - scores.max(axis=-1, keepdims=True)) / temperature
    exp = np.exp(shifted)
    result: npt.NDArray[np.float32] = exp / exp.sum(axis=-1, keepdims=True)
    return result


def fit_temperature(scores: npt.NDArray[np.float32], labels: npt.NDArray[np.intp]) -> float:
    """Temperature minimising the NLL of ``labels`` under ``softmax(scores / T)``."""
    if len(labels) == 0:
        return DEFAULT_TEMPERATURE
    rows = np.arange(len(labels))

    def nll(temperature: float) -> float:
        shifted = (scores - scores.max(axis=1, keepdims=True)) / temperature
        log_norm = np.log(np.exp(shifted).sum(axis=1))
        return float(np.mean(log_norm - shifted[rows, labels]))

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
