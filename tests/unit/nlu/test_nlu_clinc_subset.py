"""Sanity checks on real data: a CLINC150 subset (skipped when the shared data is absent)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from oiap.nlu import UNKNOWN_INTENT, IntentModel, IntentSpec, train

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "clinc150" / "data_full.json"
INTENTS = 30


@dataclass(frozen=True)
class Subset:
    intents: list[IntentSpec]
    test: list[tuple[str, str]]
    oos_train: list[str]
    oos_test: list[str]


@pytest.fixture(scope="module")
def subset() -> Subset:
    """The first intents of CLINC150 with their training examples, and their test rows."""
    if not DATA.is_file():
        pytest.skip(f"{DATA} not present")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    grouped: dict[str, list[str]] = defaultdict(list)
    for text, intent in data["train"]:
        grouped[intent].append(text)
    kept = sorted(grouped)[:INTENTS]
    return Subset(
        intents=[IntentSpec(code=c, examples=tuple(grouped[c])) for c in kept],
        test=[(t, i) for t, i in data["test"] if i in kept],
        oos_train=[t for t, _ in data["oos_train"]],
        oos_test=[t for t, _ in data["oos_test"]],
    )


@pytest.fixture(scope="module")
def model(subset: Subset) -> IntentModel:
    return train(subset.intents)


@pytest.mark.slow
def test_clinc_subset_accuracy(subset: Subset, model: IntentModel) -> None:
    right = sum(model.predict(t, threshold=0.0).intent == i for t, i in subset.test)
    assert right / len(subset.test) > 0.9


@pytest.mark.slow
def test_clinc_out_of_scope_examples_raise_out_of_scope_recall(
    subset: Subset, model: IntentModel
) -> None:
    """CLINC150's ``oos_train`` rows as the Unknown intent's examples ("oos-train"): more
    out-of-scope test utterances answered Unknown at the domain default threshold, and
    in-scope accuracy about the same."""
    unknown = IntentSpec(UNKNOWN_INTENT, tuple(subset.oos_train))

    def figures(model: IntentModel) -> tuple[float, float]:
        right = sum(model.predict(t).intent == i for t, i in subset.test) / len(subset.test)
        recall = sum(model.predict(t).is_unknown for t in subset.oos_test) / len(subset.oos_test)
        return right, recall

    plain_right, plain_recall = figures(model)
    guarded_right, guarded_recall = figures(train([*subset.intents, unknown]))
    assert guarded_recall > plain_recall + 0.03
    assert guarded_right > plain_right - 0.01
