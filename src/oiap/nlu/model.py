"""A trained intent model: featuriser + calibrated linear scorer + slot fillers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from oiap.nlu.classifier import LinearScorer
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.intents import UNKNOWN_INTENT, IntentSpec, Prediction
from oiap.nlu.slots import CompiledSlot, fill_slots
from oiap.nlu.text import normalize, tokens
from oiap.nlu.word_vectors import WordVectors

if TYPE_CHECKING:
    from oiap.nlu.embedding import SentenceEncoder

DEFAULT_THRESHOLD = 0.5
DEFAULT_TOP_K = 5


@dataclass(frozen=True)
class IntentModel:
    """Immutable after training, so one instance can serve concurrent turns."""

    language: str
    backend: str
    threshold: float
    intents: tuple[IntentSpec, ...]
    featurizer: NgramFeaturizer
    scorer: LinearScorer
    encoder: SentenceEncoder | None = None
    embedding_weight: float = 0.0
    word_vectors: WordVectors | None = None
    """Shipped word vectors whose block comes first in the dense features (default backend)."""
    _slots: dict[str, tuple[CompiledSlot, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for intent in self.intents:
            self._slots[intent.code] = tuple(CompiledSlot.compile(s) for s in intent.slots)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.scorer.labels

    def intent(self, code: str) -> IntentSpec | None:
        return next((i for i in self.intents if i.code == code), None)

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probability of every label (order of :attr:`labels`); they sum to at
        most one, the rest being the probability of none of them."""
        return self._probabilities(text, *self.featurizer.vector(text))

    def _probabilities(
        self, text: str, indices: npt.NDArray[np.intp], values: npt.NDArray[np.float32]
    ) -> np.ndarray:
        parts = []
        if self.word_vectors is not None:
            words = tokens(normalize(text))
            parts.append(
                self.word_vectors.sentence(
                    words, self.featurizer.word_idf, self.featurizer.rarest_idf
                )
            )
        if self.encoder is not None:
            parts.append(self.encoder.encode([text])[0] * self.embedding_weight)
        dense = None if not parts else parts[0] if len(parts) == 1 else np.concatenate(parts)
        return self.scorer.probabilities(indices, values, dense)

    def predict(
        self, text: str, threshold: float | None = None, top_k: int = DEFAULT_TOP_K
    ) -> Prediction:
        """Best intents for one utterance; Unknown below ``threshold`` (default: the model's)."""
        limit = self.threshold if threshold is None else threshold
        if not normalize(text):
            return Prediction(UNKNOWN_INTENT, 0.0)
        indices, values = self.featurizer.vector(text)
        if not len(indices) and self.encoder is None:
            # Not one word or character sequence the bot was trained on: whatever the
            # intercepts favour would be a guess, not a recognition.
            return Prediction(UNKNOWN_INTENT, 0.0)
        probs = self._probabilities(text, indices, values)
        k = min(max(top_k, 1), len(probs))
        top = np.argpartition(-probs, k - 1)[:k]
        top = top[np.argsort(-probs[top], kind="stable")]
        ranked = [(self.labels[i], float(probs[i])) for i in top]
        best, score = ranked[0]
        if score < limit:
            return Prediction(UNKNOWN_INTENT, score, ranked)
        return Prediction(best, score, ranked, fill_slots(self._slots.get(best, ()), text))

    def save(self, directory: str | Path) -> None:
        from oiap.nlu.model_files import save_model

        save_model(self, Path(directory))
