"""The linear intent scorer: one weight column per intent, softmax-calibrated.

Weights are a dense ``(features, intents)`` float32 matrix so that scoring an utterance is a
gather of the rows of its few hundred non-zero features and one small matrix product; no
scikit-learn object is touched at predict time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oiap.nlu.calibration import softmax, softmax_with_unknown


@dataclass(frozen=True)
class LinearScorer:
    labels: tuple[str, ...]
    sparse_weights: npt.NDArray[np.float32]
    """``(n_sparse_features, n_intents)``: weights of the n-gram features."""
    dense_weights: npt.NDArray[np.float32]
    """``(n_dense_features, n_intents)``: weights of sentence-embedding features (may be 0 rows)."""
    bias: npt.NDArray[np.float32]
    temperature: float
    unknown_logit: float | None = None
    """Constant logit of "none of the intents" (``None``: plain softmax, scores sum to one)."""

    def decision(
        self,
        indices: npt.NDArray[np.intp],
        values: npt.NDArray[np.float32],
        dense: npt.NDArray[np.float32] | None = None,
    ) -> npt.NDArray[np.float32]:
        scores: npt.NDArray[np.float32] = values @ self.sparse_weights[indices] + self.bias
        if dense is not None and self.dense_weights.shape[0]:
            scores = scores + dense @ self.dense_weights
        return scores

    def probabilities(
        self,
        indices: npt.NDArray[np.intp],
        values: npt.NDArray[np.float32],
        dense: npt.NDArray[np.float32] | None = None,
    ) -> npt.NDArray[np.float32]:
        scores = self.decision(indices, values, dense)
        if self.unknown_logit is None:
            return softmax(scores, self.temperature)
        return softmax_with_unknown(scores, self.temperature, self.unknown_logit)
