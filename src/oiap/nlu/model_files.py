"""Saving and loading models as plain files: a JSON manifest plus ``.npz`` arrays.

Layout of a model directory::

    manifest.json     format name and version, backend, language, threshold, calibration,
                      intents (code, name, reply, slots) and labels
    vocabulary.json   n-gram terms in feature-index order
    arrays.npz        idf, block, sparse_weights, dense_weights, bias (numeric arrays only)

Nothing is pickled: arrays are read with ``allow_pickle=False`` and every shape is checked
against the manifest, so a foreign or damaged directory fails with :class:`ModelFormatError`
instead of executing code or mispredicting.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from oiap.nlu.classifier import LinearScorer
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.intents import IntentSpec
from oiap.nlu.model import IntentModel
from oiap.nlu.slots import SlotSpec
from oiap.nlu.word_vectors import WordVectorsUnavailable, matching

FORMAT_NAME = "oiap-nlu-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VOCABULARY = "vocabulary.json"
ARRAYS = "arrays.npz"
ARRAY_NAMES = ("idf", "block", "sparse_weights", "dense_weights", "bias")


class ModelFormatError(ValueError):
    """The directory does not hold a model this version can read."""


def _slot_to_json(slot: SlotSpec) -> dict[str, Any]:
    if slot.regex is not None:
        return {"name": slot.name, "regex": slot.regex}
    return {"name": slot.name, "values": {k: list(v) for k, v in slot.values.items()}}


def save_model(model: IntentModel, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "backend": model.backend,
        "language": model.language,
        "threshold": model.threshold,
        "temperature": model.scorer.temperature,
        "unknown_logit": model.scorer.unknown_logit,
        "char_weight": model.featurizer.char_weight,
        "embedding_weight": model.embedding_weight,
        "encoder": None if model.encoder is None else model.encoder.describe(),
        "word_vectors": None if model.word_vectors is None else model.word_vectors.describe(),
        "labels": list(model.scorer.labels),
        "intents": [
            {
                "code": i.code,
                "name": i.name,
                "reply": i.reply,
                "slots": [_slot_to_json(s) for s in i.slots],
            }
            for i in model.intents
        ],
    }
    terms = sorted(model.featurizer.vocabulary, key=model.featurizer.vocabulary.__getitem__)
    (directory / VOCABULARY).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    np.savez(
        directory / ARRAYS,
        idf=model.featurizer.idf,
        block=model.featurizer.block,
        sparse_weights=model.scorer.sparse_weights,
        dense_weights=model.scorer.dense_weights,
        bias=model.scorer.bias,
    )
    # Manifest last: a directory with a manifest is a complete model.
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFormatError(f"{path.name} missing in {path.parent}: not a model") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(f"{path} is not valid JSON: {exc}") from exc


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.asarray(data[name]) for name in ARRAY_NAMES}
    except FileNotFoundError as exc:
        raise ModelFormatError(f"{path.name} missing in {path.parent}") from exc
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        # ValueError covers object arrays, which would need pickle to load.
        raise ModelFormatError(f"{path} is not a model array file: {exc}") from exc
    return arrays


def _intent(raw: dict[str, Any]) -> IntentSpec:
    slots = tuple(
        SlotSpec(name=s["name"], regex=s.get("regex"), values=s.get("values") or {})
        for s in raw.get("slots", [])
    )
    return IntentSpec(
        code=raw["code"], name=raw.get("name", ""), reply=raw.get("reply", ""), slots=slots
    )


def load_model(directory: str | Path) -> IntentModel:
    """Read a model written by :meth:`IntentModel.save`; raises :class:`ModelFormatError`."""
    root = Path(directory)
    manifest = _read_json(root / MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFormatError(f"{root} does not hold an {FORMAT_NAME} manifest")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFormatError(
            f"{root}: model format version {version!r}, this build reads {FORMAT_VERSION}"
        )
    terms = _read_json(root / VOCABULARY)
    arrays = _read_arrays(root / ARRAYS)
    try:
        labels = tuple(str(label) for label in manifest["labels"])
        intents = tuple(_intent(raw) for raw in manifest["intents"])
        threshold = float(manifest["threshold"])
        temperature = float(manifest["temperature"])
        # Absent from models saved before out-of-scope calibration: plain softmax.
        raw_unknown = manifest.get("unknown_logit")
        unknown_logit = None if raw_unknown is None else float(raw_unknown)
        char_weight = float(manifest["char_weight"])
        embedding_weight = float(manifest["embedding_weight"])
        backend = str(manifest["backend"])
        language = str(manifest["language"])
        encoder_info = manifest.get("encoder")
        # Absent from models saved before the default backend used word vectors.
        word_vectors_info = manifest.get("word_vectors")
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFormatError(f"{root}: incomplete manifest: {exc}") from exc
    features = len(terms) if isinstance(terms, list) else -1
    dense_rows = arrays["dense_weights"].shape[0] if arrays["dense_weights"].ndim == 2 else -1
    expected = {
        "idf": (features,),
        "block": (features,),
        "sparse_weights": (features, len(labels)),
        "dense_weights": (dense_rows, len(labels)),
        "bias": (len(labels),),
    }
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise ModelFormatError(f"{root}: array {name} has shape {arrays[name].shape}")
    encoder = None
    if encoder_info is not None:
        from oiap.nlu.embedding import SentenceEncoder

        encoder = SentenceEncoder.from_description(encoder_info)
        if encoder.dimension != dense_rows:
            raise ModelFormatError(f"{root}: encoder dimension does not match the weights")
    word_vectors = None
    if word_vectors_info is not None:
        if encoder is not None:
            raise ModelFormatError(f"{root}: a model has an encoder or word vectors, not both")
        if not isinstance(word_vectors_info, dict):
            raise ModelFormatError(f"{root}: word_vectors must be an object")
        try:
            word_vectors = matching(word_vectors_info)
        except WordVectorsUnavailable as exc:
            raise ModelFormatError(f"{root}: {exc}") from exc
        if word_vectors.dimension != dense_rows:
            raise ModelFormatError(f"{root}: word-vector dimension does not match the weights")
    featurizer = NgramFeaturizer(
        vocabulary={str(t): i for i, t in enumerate(terms)},
        idf=arrays["idf"].astype(np.float32),
        block=arrays["block"].astype(np.int8),
        char_weight=char_weight,
    )
    scorer = LinearScorer(
        labels=labels,
        sparse_weights=np.ascontiguousarray(arrays["sparse_weights"], dtype=np.float32),
        dense_weights=np.ascontiguousarray(arrays["dense_weights"], dtype=np.float32),
        bias=arrays["bias"].astype(np.float32),
        temperature=temperature,
        unknown_logit=unknown_logit,
    )
    return IntentModel(
        language=language,
        backend=backend,
        threshold=threshold,
        intents=intents,
        featurizer=featurizer,
        scorer=scorer,
        encoder=encoder,
        embedding_weight=embedding_weight,
        word_vectors=word_vectors,
    )
