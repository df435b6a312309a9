"""The optional ``embed`` backend; skipped unless ``openoiap[embed]`` and the model are present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nlu_corpus import BANKING

pytest.importorskip("tokenizers")

from oiap.nlu import load_model, train
from oiap.nlu.embedding import EncoderUnavailable, SentenceEncoder

try:
    ENCODER = SentenceEncoder.load()
except EncoderUnavailable as exc:  # model files not installed
    pytest.skip(str(exc), allow_module_level=True)


def test_embeddings_are_unit_vectors_and_meaningful() -> None:
    vectors = ENCODER.encode(["what is my balance", "how much money do i have", "play jazz"])
    assert vectors.shape == (3, ENCODER.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_batching_does_not_change_embeddings() -> None:
    texts = ["short", "a much longer sentence about money transfers and cards", "hi"]
    together = ENCODER.encode(texts)
    alone = np.vstack([ENCODER.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_embed_backend_trains_predicts_and_round_trips(tmp_path: Path) -> None:
    model = train(BANKING, backend="embed")
    prediction = model.predict("i want to send some cash to my mum", threshold=0.0)
    assert prediction.intent == "transfer"
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert loaded.backend == "embed"
    for text in ("how much do i have", "card stolen", ""):
        assert loaded.predict(text) == model.predict(text)
