"""Sparse TF-IDF features from word and character n-grams, computed without scikit-learn.

Two blocks, each L2-normalised on its own so that neither dominates by sheer term count:

* word block: unigrams, bigrams and skip-bigrams (``a _ b``) of :func:`oiap.nlu.text.tokens`;
  CJK characters are tokens, so for Chinese these are character uni/bi-grams;
* character block: 1..5-grams inside each space-padded word run (``char_wb`` style), which
  tolerates typos and inflections and, for Chinese, covers multi-character words.

The hot path (:meth:`NgramFeaturizer.vector`) is plain dictionary lookups plus a few numpy
operations on arrays of a few hundred entries, so one utterance costs tens of microseconds.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from oiap.nlu.text import normalize, tokens

WORD_BLOCK = 0
CHAR_BLOCK = 1
CHAR_NGRAM_MAX = 5


def word_terms(words: Sequence[str]) -> list[str]:
    out = ["w:" + w for w in words]
    out += ["b:" + a + " " + b for a, b in itertools.pairwise(words)]
    out += ["s:" + a + " " + b for a, b in zip(words, words[2:], strict=False)]
    return out


def char_terms(normalized: str) -> list[str]:
    out: list[str] = []
    for run in normalized.split(" "):
        if not run:
            continue
        # Single characters without the padding: a lone space is in every utterance and,
        # weighted by length, made unknown input look like the intent of the shortest examples.
        out += list(run)
        padded = " " + run + " "
        size = len(padded)
        for n in range(2, CHAR_NGRAM_MAX + 1):
            out += [padded[i : i + n] for i in range(size - n + 1)]
    return out


def terms_of(normalized: str) -> tuple[list[str], list[str]]:
    return terms_of_words(tokens(normalized))


def terms_of_words(words: list[str]) -> tuple[list[str], list[str]]:
    # Character n-grams run over the token sequence re-joined by spaces, so punctuation is
    # separated from words exactly as in the word block.
    return word_terms(words), char_terms(" ".join(words))


@dataclass(frozen=True)
class NgramFeaturizer:
    """Vocabulary and IDF weights fitted on the training utterances."""

    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float32]
    block: npt.NDArray[np.int8]
    char_weight: float = 1.0

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    @cached_property
    def rarest_idf(self) -> float:
        return float(self.idf.max()) if len(self.idf) else 1.0

    def word_idf(self, word: str) -> float | None:
        """IDF of a word in the training examples (``None``: they never hold it)."""
        index = self.vocabulary.get("w:" + word)
        return None if index is None else float(self.idf[index])

    @classmethod
    def fit(cls, texts: Iterable[str], *, char_weight: float = 1.0) -> NgramFeaturizer:
        return cls._fit([terms_of(normalize(text)) for text in texts], char_weight)

    @classmethod
    def fit_matrix(
        cls, texts: Sequence[str], *, char_weight: float = 1.0
    ) -> tuple[NgramFeaturizer, csr_matrix]:
        """Fit on ``texts`` and return their feature matrix, extracting n-grams only once."""
        terms = [terms_of(normalize(text)) for text in texts]
        featurizer = cls._fit(terms, char_weight)
        return featurizer, featurizer._matrix(terms)

    @classmethod
    def _fit(cls, terms: list[tuple[list[str], list[str]]], char_weight: float) -> NgramFeaturizer:
        doc_freq: Counter[str] = Counter()
        for words, chars in terms:
            doc_freq.update(set(words))
            doc_freq.update(set(chars))
        docs = len(terms)
        # Sorted so that the same examples always give the same feature indices.
        ordered = sorted(doc_freq)
        vocabulary = {term: i for i, term in enumerate(ordered)}
        idf = np.array(
            [math.log((1 + docs) / (1 + doc_freq[t])) + 1.0 for t in ordered], dtype=np.float32
        )
        block = np.array(
            [WORD_BLOCK if t[:2] in ("w:", "b:", "s:") else CHAR_BLOCK for t in ordered],
            dtype=np.int8,
        )
        return cls(vocabulary=vocabulary, idf=idf, block=block, char_weight=char_weight)

    def _block(self, terms: list[str], weight: float) -> tuple[list[int], npt.NDArray[np.float32]]:
        lookup = self.vocabulary.get
        counts = Counter(i for i in map(lookup, terms) if i is not None)
        if not counts:
            return [], np.zeros(0, dtype=np.float32)
        idx = list(counts)
        # Sublinear tf: a repeated n-gram is more evidence, but not proportionally more.
        tf = np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(idx))) + 1.0
        values: npt.NDArray[np.float32] = (tf * self.idf[idx]).astype(np.float32, copy=False)
        values *= weight / float(np.sqrt(values @ values))
        return idx, values

    def vector(self, text: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Indices and values of the non-zero features of one utterance."""
        return self._vector(*terms_of(normalize(text)))

    def words_vector(
        self, words: list[str]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """:meth:`vector` of an utterance already split into :func:`oiap.nlu.text.tokens`."""
        return self._vector(*terms_of_words(words))

    def _vector(
        self, words: list[str], chars: list[str]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        w_idx, w_val = self._block(words, 1.0)
        c_idx, c_val = self._block(chars, self.char_weight)
        return np.array(w_idx + c_idx, dtype=np.intp), np.concatenate((w_val, c_val))

    def matrix(self, texts: Sequence[str]) -> csr_matrix:
        return self._matrix([terms_of(normalize(text)) for text in texts])

    def _matrix(self, terms: Sequence[tuple[list[str], list[str]]]) -> csr_matrix:
        indptr = [0]
        all_idx: list[npt.NDArray[np.intp]] = []
        all_val: list[npt.NDArray[np.float32]] = []
        for words, chars in terms:
            idx, val = self._vector(words, chars)
            all_idx.append(idx)
            all_val.append(val)
            indptr.append(indptr[-1] + len(idx))
        indices = np.concatenate(all_idx) if all_idx else np.zeros(0, dtype=np.intp)
        data = np.concatenate(all_val) if all_val else np.zeros(0, dtype=np.float32)
        return csr_matrix((data, indices, np.array(indptr)), shape=(len(terms), self.size))
