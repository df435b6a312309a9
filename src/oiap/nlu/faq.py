"""Q&A matching: the best answer of a Q&A group for an utterance, with a score.

Every question and similar question of the group is a TF-IDF vector (the same word + character
n-gram features as intents, fitted on the group's own statements). An entry's score is the best
cosine similarity between the utterance and one of its statements, plus a bonus for each of its
keywords present in the utterance (keywords are short and exact, so they are strong evidence
when the wording is otherwise new). Scores are clipped to [0, 1]; below the threshold there is
no match and the caller falls through to intent recognition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.text import normalize, phrase_pattern

DEFAULT_FAQ_THRESHOLD = 0.5
KEYWORD_BONUS = 0.15
KEYWORD_BONUS_MAX = 0.3


@dataclass(frozen=True)
class FaqEntry:
    question: str
    answer: str
    similar: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    id: str = ""


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    question: str
    """The statement (question or similar question) closest to the utterance."""
    score: float

    @property
    def answer(self) -> str:
        return self.entry.answer


@dataclass(frozen=True)
class FaqIndex:
    entries: tuple[FaqEntry, ...]
    featurizer: NgramFeaturizer
    statements: tuple[str, ...]
    owners: np.ndarray = field(repr=False)
    """Entry index of each statement."""
    by_feature: csr_matrix = field(repr=False)
    """``(features, statements)`` TF-IDF matrix, rows gathered per utterance feature."""
    keyword_patterns: tuple[re.Pattern[str] | None, ...] = field(repr=False)
    threshold: float = DEFAULT_FAQ_THRESHOLD

    @classmethod
    def build(
        cls, entries: Sequence[FaqEntry], *, threshold: float = DEFAULT_FAQ_THRESHOLD
    ) -> FaqIndex:
        statements: list[str] = []
        owners: list[int] = []
        for number, entry in enumerate(entries):
            for statement in (entry.question, *entry.similar):
                if normalize(statement):
                    statements.append(statement)
                    owners.append(number)
        featurizer = NgramFeaturizer.fit(statements)
        matrix = featurizer.matrix(statements) if statements else csr_matrix((0, 0))
        patterns: list[re.Pattern[str] | None] = []
        for entry in entries:
            words = [normalize(k) for k in entry.keywords if normalize(k)]
            alternatives = "|".join(phrase_pattern(w) for w in sorted(words, key=len))
            patterns.append(re.compile(alternatives) if words else None)
        return cls(
            entries=tuple(entries),
            featurizer=featurizer,
            statements=tuple(statements),
            owners=np.array(owners, dtype=np.intp),
            by_feature=matrix.T.tocsr(),
            keyword_patterns=tuple(patterns),
            threshold=threshold,
        )

    def scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Score of every entry and the best statement index of every entry (-1: none)."""
        count = len(self.entries)
        entry_scores = np.zeros(count, dtype=np.float32)
        best_statement = np.full(count, -1, dtype=np.intp)
        normalized = normalize(text)
        if not normalized or not count:
            return entry_scores, best_statement
        if self.statements:
            indices, values = self.featurizer.vector(text)
            # Two L2-normalised blocks: the dot product of two vectors is at most 2.
            similarity = np.asarray(self.by_feature[indices].T @ values).ravel() / 2.0
            order = np.argsort(similarity, kind="stable")  # ascending: best written last
            entry_scores[self.owners[order]] = similarity[order]
            best_statement[self.owners[order]] = order
        for number, pattern in enumerate(self.keyword_patterns):
            if pattern is not None:
                hits = len(set(pattern.findall(normalized)))
                entry_scores[number] += min(KEYWORD_BONUS * hits, KEYWORD_BONUS_MAX)
        return np.clip(entry_scores, 0.0, 1.0), best_statement

    def match(self, text: str, threshold: float | None = None) -> FaqMatch | None:
        """Best entry for ``text`` if its score reaches ``threshold`` (default: the index's)."""
        limit = self.threshold if threshold is None else threshold
        entry_scores, best_statement = self.scores(text)
        if not len(entry_scores):
            return None
        best = int(np.argmax(entry_scores))
        score = float(entry_scores[best])
        if score < limit or score <= 0.0:
            return None
        entry = self.entries[best]
        statement = best_statement[best]
        question = self.statements[statement] if statement >= 0 else entry.question
        return FaqMatch(entry=entry, question=question, score=score)
