"""Sanity check on real data: a CLINC150 subset (skipped when the shared data is absent)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from oiap.nlu import IntentSpec, train

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "clinc150" / "data_full.json"
INTENTS = 30


@pytest.mark.slow
def test_clinc_subset_accuracy() -> None:
    if not DATA.is_file():
        pytest.skip(f"{DATA} not present")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    grouped: dict[str, list[str]] = defaultdict(list)
    for text, intent in data["train"]:
        grouped[intent].append(text)
    kept = sorted(grouped)[:INTENTS]
    model = train([IntentSpec(code=c, examples=tuple(grouped[c])) for c in kept])
    test = [(t, i) for t, i in data["test"] if i in kept]
    right = sum(model.predict(t, threshold=0.0).intent == i for t, i in test)
    assert right / len(test) > 0.9
