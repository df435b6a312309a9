"""Word vectors shipped with the package: what the default backend knows beyond a bot's examples.

A bot's examples never hold every way of saying a thing: TF-IDF n-grams cannot tell that
"vacation" is close to "time off" or "salary" to "pay day". The default backend therefore
adds one dense block to its features: the IDF-weighted mean of fixed vectors of the
utterance's words, L2-normalised. The vectors are a table of about 22,000 English words
(int8, one scale per word, a few MB) distilled from all-MiniLM-L6-v2 by
``scripts/build_word_vectors.py``; looking them up is pure numpy, with no model, download or
optional package at run time. Languages without a table (Chinese, for one) train and predict
on n-grams alone.

A model records the table's name and digest: a model trained on one table refuses to load
against another, whose directions would mean something else to its weights.
"""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

TABLE_DIR = Path(__file__).parent / "data"
TABLE_FORMAT = "oiap-word-vectors"

Array = npt.NDArray[np.float32]


class WordVectorsUnavailable(ValueError):
    """The table a model was trained with is not the one installed."""


@dataclass(frozen=True)
class WordVectors:
    name: str
    digest: str
    index: dict[str, int]
    vectors: Array
    """``(words, dimension)`` float32, dequantised once at load."""

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def describe(self) -> dict[str, str | int]:
        return {"name": self.name, "digest": self.digest, "dimension": self.dimension}

    def sentence(
        self, words: Sequence[str], weight: Callable[[str], float | None], unseen: float
    ) -> Array:
        """Weighted mean of the words' vectors, unit length; zeros when no word is in the
        table or none is in the bot's examples.

        ``weight(word)`` is the word's IDF in the bot's examples, ``None`` for a word they
        never hold (weighted ``unseen``). An utterance made only of words foreign to the bot
        gets no word-vector evidence: its direction would still point at the nearest
        intent, however far, and nonsense would be recognised.
        """
        rows: list[int] = []
        weights: list[float] = []
        known = False
        lookup = self.index.get
        for word in words:
            row = lookup(word)
            if row is None:
                continue
            value = weight(word)
            if value is None:
                value = unseen
            else:
                known = True
            rows.append(row)
            weights.append(value)
        out = np.zeros(self.dimension, dtype=np.float32)
        if not known:
            return out
        out = np.asarray(np.array(weights, dtype=np.float32) @ self.vectors[rows], np.float32)
        norm = float(np.sqrt(out @ out))
        return out / norm if norm > 0 else out


def save_table(path: Path, words: Sequence[str], vectors: Array, *, source: str) -> None:
    """Write ``vectors`` (one row per word) as int8 with a scale per row."""
    peak = np.abs(vectors).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    quantised = np.round(vectors / scale[:, None]).astype(np.int8)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        format=np.array(TABLE_FORMAT),
        source=np.array(source),
        words=np.array("\n".join(words)),
        vectors=quantised,
        scale=scale,
    )


def _read(path: Path) -> WordVectors:
    raw = path.read_bytes()
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            if str(data["format"]) != TABLE_FORMAT:
                raise WordVectorsUnavailable(f"{path} is not a word-vector table")
            words = str(data["words"]).split("\n")
            vectors = data["vectors"].astype(np.float32) * data["scale"][:, None]
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise WordVectorsUnavailable(f"{path} is not a word-vector table: {exc}") from exc
    if vectors.shape[0] != len(words):
        raise WordVectorsUnavailable(f"{path}: {len(words)} words but {vectors.shape[0]} rows")
    return WordVectors(
        name=path.stem,
        digest=hashlib.sha256(raw).hexdigest()[:16],
        index={w: i for i, w in enumerate(words)},
        vectors=np.ascontiguousarray(vectors, dtype=np.float32),
    )


_CACHE: dict[str, WordVectors | None] = {}
_LOCK = threading.Lock()


def for_language(language: str) -> WordVectors | None:
    """The shipped table for a bot language such as ``en_US`` (``None`` if there is none).
    Read once per process and shared by every model."""
    name = language.replace("-", "_").split("_")[0].lower()
    with _LOCK:
        if name not in _CACHE:
            path = TABLE_DIR / f"{name}.npz"
            _CACHE[name] = _read(path) if path.is_file() else None
        return _CACHE[name]


def matching(info: dict[str, object]) -> WordVectors:
    """The installed table a saved model was trained with, or :class:`WordVectorsUnavailable`."""
    table = for_language(str(info.get("name", "")))
    if table is None or table.digest != info.get("digest"):
        raise WordVectorsUnavailable(
            f"the model was trained with word vectors {info.get('name')}@{info.get('digest')}, "
            "which this installation does not have: publish the bot again"
        )
    return table
