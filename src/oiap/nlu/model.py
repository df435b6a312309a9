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
    """Shipped word vectors, the dense features of the default backend (the embed backend's
    are the encoder's: a model has one or the other)."""
    _slots: dict[str, tuple[CompiledSlot, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _unknown_row: int | None = field(init=False, repr=False, compare=False, default=None)
    """Column of the Unknown intent's class, when its examples were trained."""
    _intent_rows: npt.NDArray[np.intp] | None = field(
        init=False, repr=False, compare=False, default=None
    )
    """Columns of the real intents, when they are not all of them."""

    def __post_init__(self) -> None:
        for intent in self.intents:
            self._slots[intent.code] = tuple(CompiledSlot.compile(s) for s in intent.slots)
        labels = self.scorer.labels
        if UNKNOWN_INTENT in labels:
            unknown = labels.index(UNKNOWN_INTENT)
            rows = np.array([i for i in range(len(labels)) if i != unknown], dtype=np.intp)
            object.__setattr__(self, "_unknown_row", unknown)
            object.__setattr__(self, "_intent_rows", rows)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.scorer.labels

    def intent(self, code: str) -> IntentSpec | None:
        return next((i for i in self.intents if i.code == code), None)

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probability of every label (order of :attr:`labels`, which include
        ``unknown`` when the Unknown intent has examples); they sum to at most one, the rest
        being the probability of none of them."""
        words = tokens(normalize(text))
        return self._probabilities(text, words, *self.featurizer.words_vector(words))

    def _probabilities(
        self,
        text: str,
        words: list[str],
        indices: npt.NDArray[np.intp],
        values: npt.NDArray[np.float32],
    ) -> np.ndarray:
        dense = None
        if self.word_vectors is not None:
            featurizer = self.featurizer
            dense = self.word_vectors.sentence(words, featurizer.word_idf, featurizer.rarest_idf)
        elif self.encoder is not None:
            dense = self.encoder.encode([text])[0] * self.embedding_weight
        return self.scorer.probabilities(indices, values, dense)

    def predict(
        self, text: str, threshold: float | None = None, top_k: int = DEFAULT_TOP_K
    ) -> Prediction:
        """Best intents for one utterance; Unknown below ``threshold`` (default: the model's)."""
        limit = self.threshold if threshold is None else threshold
        normalized = normalize(text)
        if not normalized:
            return Prediction(UNKNOWN_INTENT, 0.0)
        words = tokens(normalized)
        indices, values = self.featurizer.words_vector(words)
        if not len(indices) and self.encoder is None:
            # Not one word or character sequence the bot was trained on: whatever the
            # intercepts favour would be a guess, not a recognition.
            return Prediction(UNKNOWN_INTENT, 0.0)
        probs = self._probabilities(text, words, indices, values)
        rows = self._intent_rows
        intent_probs = probs if rows is None else probs[rows]
        k = min(max(top_k, 1), len(intent_probs))
        top = np.argpartition(-intent_probs, k - 1)[:k]
        top = top[np.argsort(-intent_probs[top], kind="stable")]
        if rows is not None:
            top = rows[top]
        ranked = [(self.labels[i], float(probs[i])) for i in top]
        best, score = ranked[0]
        # An utterance like the Unknown intent's examples is not taken for an intent, however
        # low the threshold; its score stays the best intent's, as for any Unknown answer.
        outscored = self._unknown_row is not None and probs[self._unknown_row] >= score
        if score < limit or outscored:
            return Prediction(UNKNOWN_INTENT, score, ranked)
        return Prediction(best, score, ranked, fill_slots(self._slots.get(best, ()), text))

    def save(self, directory: str | Path) -> None:
        from oiap.nlu.model_files import save_model

        save_model(self, Path(directory))
