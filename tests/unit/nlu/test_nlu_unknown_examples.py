"""Examples of the Unknown intent: what callers say that the bot does not handle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nlu_corpus import BANKING

from oiap.nlu import UNKNOWN_INTENT, IntentModel, IntentSpec, load_model, train, training_problem
from oiap.nlu.evaluation import cross_validate

OUT_OF_SCOPE = IntentSpec(
    code=UNKNOWN_INTENT,
    examples=(
        "what's the weather like tomorrow",
        "is it going to rain today",
        "tell me a joke",
        "say something funny",
        "book me a flight to paris",
        "find a cheap flight to rome",
        "play some music",
        "put on my favourite song",
        "what's the capital of france",
        "who won the football game last night",
    ),
)


@pytest.fixture(scope="module")
def guarded() -> IntentModel:
    return train([*BANKING, OUT_OF_SCOPE], language="en_US")


def test_utterances_like_the_unknown_examples_are_not_taken_for_an_intent(
    banking_model: IntentModel, guarded: IntentModel
) -> None:
    text = "will it rain tomorrow"
    # Without the examples, a threshold of 0 takes the nearest intent; with them, never.
    assert banking_model.predict(text, threshold=0.0).intent != UNKNOWN_INTENT
    answer = guarded.predict(text, threshold=0.0)
    assert answer.intent == UNKNOWN_INTENT
    assert answer.slots == {}
    # The score and ranking still describe the intents, never the Unknown class.
    assert answer.ranked and all(code != UNKNOWN_INTENT for code, _ in answer.ranked)
    assert answer.score == answer.ranked[0][1]


def test_intents_are_still_recognised_with_unknown_examples(guarded: IntentModel) -> None:
    for text, expected in [
        ("how much money is in my account", "check_balance"),
        ("please transfer money to my sister", "transfer"),
        ("my credit card got stolen", "lost_card"),
    ]:
        assert guarded.predict(text).intent == expected


def test_ranking_never_lists_the_unknown_class(guarded: IntentModel) -> None:
    ranked = guarded.predict("tell me a joke about my balance", top_k=100).ranked
    assert {code for code, _ in ranked} == {i.code for i in BANKING}
    assert UNKNOWN_INTENT in guarded.labels
    # What the intents do not take is out of scope: the Unknown class's share included.
    assert sum(score for _, score in ranked) < 1.0


def test_a_saved_model_keeps_its_unknown_examples(guarded: IntentModel, tmp_path: Path) -> None:
    guarded.save(tmp_path)
    loaded = load_model(tmp_path)
    for text in ("play a song for me", "what's my balance", "book a flight"):
        assert loaded.predict(text) == guarded.predict(text)
        np.testing.assert_array_equal(loaded.probabilities(text), guarded.probabilities(text))


def test_evaluation_counts_unknown_examples_answered_unknown() -> None:
    report = cross_validate([*BANKING, OUT_OF_SCOPE], folds=3)
    unknown = report.per_intent[UNKNOWN_INTENT]
    assert unknown.support == len(OUT_OF_SCOPE.examples)
    assert unknown.recall > 0.5


def test_one_intent_with_unknown_examples_can_be_trained() -> None:
    rate = IntentSpec("rate", ("what is the interest rate", "how much interest do you pay"))
    assert training_problem([rate]) is not None
    assert training_problem([rate, IntentSpec(UNKNOWN_INTENT, ("",))]) is not None
    assert training_problem([IntentSpec(UNKNOWN_INTENT, ("a", "b")), rate]) is None
    model = train([rate, OUT_OF_SCOPE])
    assert model.predict("what interest rate do you pay", threshold=0.0).intent == "rate"
    assert model.predict("tell me a joke", threshold=0.0).intent == UNKNOWN_INTENT
