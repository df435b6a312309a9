"""The optional ``embed`` backend; skipped unless ``openoiap[embed]`` and the model are present.

The ONNX Runtime tests are skipped when ``onnxruntime``/``onnx`` are not installed; the numpy
forward pass is then the one in use and is covered by the rest.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from nlu_corpus import BANKING

pytest.importorskip("tokenizers")

from oiap.nlu import load_model, train
from oiap.nlu import onnx_encoder as onnx_module
from oiap.nlu.classifier import LinearScorer
from oiap.nlu.embedding import (
    ALL_LAYERS,
    ENCODER_NAME,
    EncoderUnavailable,
    SentenceEncoder,
    default_precision,
)
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.model import IntentModel
from oiap.nlu.model_files import MANIFEST

try:
    ENCODER = SentenceEncoder.load()
except EncoderUnavailable as exc:  # model files not installed
    pytest.skip(str(exc), allow_module_level=True)

needs_onnx = pytest.mark.skipif(
    not onnx_module.available(), reason="onnxruntime/onnx (openoiap[embed]) not installed"
)
TEXTS = [
    "what is my balance",
    "how much money do i have",
    "play jazz",
    "a much longer sentence about money transfers, cards and the opening hours of the branch",
    "",
]


def blocks(vectors: np.ndarray, hidden: int) -> np.ndarray:
    return vectors.reshape(len(vectors), -1, hidden)


def numpy_twin(encoder: SentenceEncoder) -> SentenceEncoder:
    """The same weights and layers, encoded by the numpy forward pass."""
    return dataclasses.replace(encoder, _runner=None)


def test_sentence_vector_is_one_unit_block_per_layer() -> None:
    vectors = ENCODER.encode(TEXTS)
    assert ENCODER.pooled_layers == ALL_LAYERS
    assert vectors.shape == (len(TEXTS), ENCODER.hidden * len(ALL_LAYERS))
    assert ENCODER.dimension == vectors.shape[1]
    assert np.allclose(np.linalg.norm(blocks(vectors, ENCODER.hidden), axis=2), 1.0, atol=1e-4)
    last = blocks(vectors, ENCODER.hidden)[:, -1]
    assert last[0] @ last[1] > last[0] @ last[2]  # paraphrases closer than unrelated text


# First six dimensions of sentence-transformers' own all-MiniLM-L6-v2 output
# (SentenceTransformer(...).encode, torch, float32) for two texts.
REFERENCE = {
    "what is my balance": [-0.024661, 0.000527, -0.065941, -0.015147, -0.002605, -0.054036],
    "play jazz": [0.04807, -0.032423, -0.013645, -0.01883, -0.134976, 0.09895],
}


def test_last_block_is_the_sentence_transformers_embedding() -> None:
    texts = list(REFERENCE)
    exact = numpy_twin(SentenceEncoder.load(layers=(6,), precision="float32")).encode(texts)
    assert np.allclose(exact[:, :6], list(REFERENCE.values()), atol=2e-6)
    # The multi-layer vector ends with that same embedding.
    last = blocks(numpy_twin(ENCODER).encode(texts), ENCODER.hidden)[:, -1]
    assert np.allclose(last, exact, atol=1e-5)


def test_a_text_encodes_the_same_alone_or_in_a_batch() -> None:
    together = ENCODER.encode(TEXTS)
    alone = np.vstack([ENCODER.encode([t]) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)


def test_encoders_are_shared_and_legacy_descriptions_read_the_last_layer() -> None:
    assert SentenceEncoder.load() is ENCODER
    legacy = SentenceEncoder.from_description({"name": ENCODER_NAME, "dimension": 384})
    assert legacy.pooled_layers == (6,)
    assert legacy.precision == "float32"
    assert legacy.dimension == 384
    with pytest.raises(EncoderUnavailable):
        SentenceEncoder.from_description({"name": "some-other-encoder"})
    with pytest.raises(ValueError, match="layers"):
        SentenceEncoder.load(layers=(7,))


@needs_onnx
def test_onnx_float32_graph_matches_the_numpy_forward_pass() -> None:
    onnx32 = SentenceEncoder.load(precision="float32")
    assert onnx32.runtime == "onnxruntime"
    assert np.allclose(onnx32.encode(TEXTS), numpy_twin(onnx32).encode(TEXTS), atol=1e-5)


@needs_onnx
def test_int8_is_the_default_and_close_to_float32() -> None:
    assert default_precision() == "int8"
    assert ENCODER.precision == "int8"
    exact = blocks(SentenceEncoder.load(precision="float32").encode(TEXTS), ENCODER.hidden)
    fast = blocks(ENCODER.encode(TEXTS), ENCODER.hidden)
    cosines = (exact * fast).sum(axis=2)
    assert cosines.min() > 0.95
    assert cosines.mean() > 0.985


@needs_onnx
def test_session_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert onnx_module.thread_count() == 1
    monkeypatch.setenv(onnx_module.ENV_THREADS, "3")
    assert onnx_module.thread_count() == 3
    monkeypatch.setenv(onnx_module.ENV_THREADS, "many")
    assert onnx_module.thread_count() == 1


def test_embed_backend_trains_predicts_and_round_trips(tmp_path: Path) -> None:
    model = train(BANKING, backend="embed")
    prediction = model.predict("i want to send some cash to my mum", threshold=0.0)
    assert prediction.intent == "transfer"
    assert model.predict("x" * 5000, threshold=0.0).ranked  # long input is cut, not fatal
    model.save(tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / MANIFEST).read_text())
    assert manifest["encoder"] == {
        "name": ENCODER_NAME,
        "dimension": ENCODER.dimension,
        "layers": list(ALL_LAYERS),
        "precision": ENCODER.precision,
    }
    loaded = load_model(tmp_path / "m")
    assert loaded.backend == "embed"
    assert loaded.encoder is model.encoder  # one encoder per process
    for text in ("how much do i have", "card stolen", "play jazz", ""):
        assert loaded.predict(text) == model.predict(text)


def test_embed_models_saved_before_multi_layer_pooling_still_load(tmp_path: Path) -> None:
    # Such a model pooled the last layer in float32 and scaled the vector by its
    # embedding_weight; its manifest's encoder entry has only a name and a dimension.
    legacy = SentenceEncoder.load(layers=(6,), precision="float32")
    texts = [e for intent in BANKING for e in intent.examples]
    featurizer = NgramFeaturizer.fit(texts)
    rng = np.random.default_rng(0)
    labels = tuple(i.code for i in BANKING)
    scorer = LinearScorer(
        labels=labels,
        sparse_weights=rng.normal(size=(featurizer.size, len(labels))).astype(np.float32),
        dense_weights=rng.normal(size=(legacy.dimension, len(labels))).astype(np.float32),
        bias=np.zeros(len(labels), dtype=np.float32),
        temperature=0.5,
    )
    old = IntentModel(
        language="en_US",
        backend="embed",
        threshold=0.5,
        intents=BANKING,
        featurizer=featurizer,
        scorer=scorer,
        encoder=legacy,
        embedding_weight=2.0,
    )
    old.save(tmp_path / "old")
    path = tmp_path / "old" / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["encoder"] = {"name": ENCODER_NAME, "dimension": 384}
    del manifest["unknown_logit"]
    path.write_text(json.dumps(manifest))
    loaded = load_model(tmp_path / "old")
    assert loaded.encoder is legacy
    assert loaded.embedding_weight == 2.0
    for text in ("how much do i have", "card stolen"):
        assert loaded.predict(text) == old.predict(text)
