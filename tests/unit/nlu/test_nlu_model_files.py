from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from oiap.nlu import IntentModel, ModelFormatError, load_model
from oiap.nlu.model_files import ARRAYS, MANIFEST, VOCABULARY

PROBES = (
    "what's my balance on the visa 123456789",
    "send money",
    "lost card",
    "completely unrelated words",
    "",
)


@pytest.fixture
def saved(banking_model: IntentModel, tmp_path: Path) -> Path:
    banking_model.save(tmp_path / "model")
    return tmp_path / "model"


def test_round_trip_gives_identical_predictions(banking_model: IntentModel, saved: Path) -> None:
    loaded = load_model(saved)
    for text in PROBES:
        assert loaded.predict(text) == banking_model.predict(text)
    assert loaded.threshold == banking_model.threshold
    assert loaded.intent("check_balance") is not None
    assert loaded.intent("check_balance").reply == "Let me check your balance."  # type: ignore[union-attr]


def test_files_are_json_and_plain_arrays(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text())
    assert manifest["format"] == "oiap-nlu-model"
    assert manifest["format_version"] == 1
    with np.load(saved / ARRAYS, allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFormatError, match="not a model"):
        load_model(tmp_path / "nothing")


def test_foreign_manifest_is_rejected(saved: Path) -> None:
    (saved / MANIFEST).write_text('{"format": "something-else"}')
    with pytest.raises(ModelFormatError, match="manifest"):
        load_model(saved)


def test_newer_format_version_is_rejected(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text())
    manifest["format_version"] = 99
    (saved / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="version"):
        load_model(saved)


def test_corrupt_arrays_are_rejected(saved: Path) -> None:
    (saved / ARRAYS).write_bytes(b"\x80\x04not a zip, maybe a pickle")
    with pytest.raises(ModelFormatError):
        load_model(saved)


def test_object_arrays_needing_pickle_are_refused(saved: Path) -> None:
    with np.load(saved / ARRAYS) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["bias"] = np.array([{"evil": 1}] * len(arrays["bias"]), dtype=object)
    np.savez(saved / ARRAYS, **arrays)
    with pytest.raises(ModelFormatError):
        load_model(saved)


def test_mismatched_shapes_are_rejected(saved: Path) -> None:
    terms = json.loads((saved / VOCABULARY).read_text())
    (saved / VOCABULARY).write_text(json.dumps(terms[:-1]))
    with pytest.raises(ModelFormatError, match="shape"):
        load_model(saved)


def test_garbage_manifest_is_rejected(saved: Path) -> None:
    (saved / MANIFEST).write_bytes(b"\xff\xfe garbage")
    with pytest.raises(ModelFormatError):
        load_model(saved)


def test_out_of_scope_calibration_is_saved(banking_model: IntentModel, saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text())
    assert manifest["unknown_logit"] == banking_model.scorer.unknown_logit
    assert load_model(saved).scorer.unknown_logit == banking_model.scorer.unknown_logit


def test_models_saved_before_out_of_scope_calibration_still_load(saved: Path) -> None:
    # Such files have no "unknown_logit": their scores are a plain softmax over the intents.
    manifest = json.loads((saved / MANIFEST).read_text())
    del manifest["unknown_logit"]
    (saved / MANIFEST).write_text(json.dumps(manifest))
    old = load_model(saved)
    assert old.scorer.unknown_logit is None
    ranked = old.predict("send money", top_k=100).ranked
    assert old.predict("send money").intent == "transfer"
    assert sum(score for _, score in ranked) == pytest.approx(1.0, abs=1e-5)
