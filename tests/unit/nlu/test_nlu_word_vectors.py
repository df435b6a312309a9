"""The English word vectors the default backend ships with."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from oiap.nlu import IntentModel, IntentSpec, ModelFormatError, load_model, train
from oiap.nlu.word_vectors import WordVectorsUnavailable, for_language, save_table
from oiap.nlu.word_vectors import _read as read_table

INTENTS = [
    IntentSpec(
        "time_off",
        (
            "i want to take some vacation",
            "book vacation days for my family",
            "request vacation next week",
            "how many vacation days do i have left",
            "can i go on vacation in june",
            "put in for vacation",
        ),
    ),
    IntentSpec(
        "order_food",
        (
            "order a pizza for my family",
            "get me some food",
            "i am hungry",
            "deliver dinner to me",
            "can i order lunch",
            "bring me a sandwich",
        ),
    ),
    IntentSpec(
        "weather",
        (
            "what is the weather like",
            "will it rain today",
            "is it sunny outside",
            "do i need an umbrella",
            "how cold is it",
            "forecast for tomorrow",
        ),
    ),
]


@pytest.fixture(scope="module")
def english() -> IntentModel:
    return train(INTENTS, language="en_US")


@pytest.fixture(scope="module")
def without_table() -> IntentModel:
    # No table ships for French: the same bot on n-grams alone.
    return train(INTENTS, language="fr_FR")


def test_english_bots_get_the_table_and_others_do_not(
    english: IntentModel, without_table: IntentModel
) -> None:
    assert english.word_vectors is not None
    assert english.word_vectors is for_language("en-GB")  # one table per process
    assert english.scorer.dense_weights.shape == (english.word_vectors.dimension, 3)
    assert without_table.word_vectors is None
    assert for_language("zh_CN") is None


def test_a_word_no_example_uses_is_understood_by_its_meaning(
    english: IntentModel, without_table: IntentModel
) -> None:
    # "holiday" is in no example; "vacation" is.
    prediction = english.predict("can i have a holiday", threshold=0.0)
    assert prediction.intent == "time_off"
    lexical = dict(without_table.predict("can i have a holiday", threshold=0.0, top_k=3).ranked)
    assert prediction.score > lexical["time_off"]
    assert english.predict("i want a burger", threshold=0.0).intent == "order_food"


def test_words_foreign_to_the_bot_give_no_word_vector_evidence(english: IntentModel) -> None:
    table, featurizer = english.word_vectors, english.featurizer
    assert table is not None
    # Words in the table but in none of the bot's examples: no direction at all.
    foreign = table.sentence(["purple", "elephants", "dance"], featurizer.word_idf, 9.0)
    assert not foreign.any()
    assert not table.sentence([], featurizer.word_idf, 9.0).any()
    mixed = table.sentence(["purple", "vacation"], featurizer.word_idf, 9.0)
    assert float(np.linalg.norm(mixed)) == pytest.approx(1.0, abs=1e-5)


def test_a_saved_model_names_its_table_and_refuses_another(
    english: IntentModel, tmp_path: Path
) -> None:
    english.save(tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert loaded.word_vectors is english.word_vectors
    for text in ("can i have a holiday", "will it snow", "purple elephants"):
        np.testing.assert_allclose(
            loaded.probabilities(text), english.probabilities(text), rtol=1e-5
        )
    manifest_path = tmp_path / "model" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["word_vectors"]["digest"] = "0" * 16
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="publish the bot again"):
        load_model(tmp_path / "model")


def test_table_files_round_trip_within_int8_precision(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    vectors[7] = 0.0  # a zero row must not divide by zero
    words = [f"word{i}" for i in range(50)]
    save_table(tmp_path / "xx.npz", words, vectors, source="test")
    table = read_table(tmp_path / "xx.npz")
    assert table.index["word3"] == 3 and table.dimension == 16
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    assert np.all(np.abs(table.vectors - vectors) <= peak / 254 + 1e-6)


def test_a_damaged_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "xx.npz").write_bytes(b"not a zip file")
    with pytest.raises(WordVectorsUnavailable):
        read_table(tmp_path / "xx.npz")
