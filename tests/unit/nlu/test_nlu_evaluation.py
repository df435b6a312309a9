from __future__ import annotations

import pytest
from nlu_corpus import BANKING

from oiap.nlu import IntentSpec
from oiap.nlu.evaluation import cross_validate, duplicate_examples


def test_cross_validation_on_separable_intents() -> None:
    result = cross_validate(BANKING, folds=4)
    assert result.accuracy >= 0.6
    assert sum(s.support for s in result.per_intent.values()) == sum(
        len(i.examples) for i in BANKING
    )
    assert all(0.0 <= s.f1 <= 1.0 for s in result.per_intent.values())


def test_confusions_are_counted_between_overlapping_intents() -> None:
    same = ("open an account", "new account please", "create account", "start an account")
    intents = [
        IntentSpec("open_a", same),
        IntentSpec("open_b", same),
        IntentSpec("weather", ("is it raining", "weather today", "forecast", "sunny?")),
    ]
    result = cross_validate(intents, folds=2)
    assert result.confused
    assert {result.confused[0][0], result.confused[0][1]} == {"open_a", "open_b"}
    assert len(duplicate_examples(intents)) == len(same)


def test_needs_two_folds() -> None:
    with pytest.raises(ValueError):
        cross_validate(BANKING, folds=1)
