from __future__ import annotations

import numpy as np
import pytest
from nlu_corpus import BANKING

from oiap.nlu import UNKNOWN_INTENT, IntentModel, IntentSpec, train
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.probe import probe_in_subprocess
from oiap.nlu.training import PARALLEL_MIN_EXAMPLES, _fit_svm, probe_scores


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how much money is in my account", "check_balance"),
        ("please transfer money to my sister", "transfer"),
        ("my credit card got stolen", "lost_card"),
        ("what time do you close", "opening_hours"),
    ],
)
def test_recognises_unseen_paraphrases(
    banking_model: IntentModel, text: str, expected: str
) -> None:
    prediction = banking_model.predict(text, threshold=0.0)
    assert prediction.intent == expected


def test_scores_are_calibrated_probabilities_ranked_best_first(banking_model: IntentModel) -> None:
    prediction = banking_model.predict("check my account balance", top_k=10)
    scores = [score for _, score in prediction.ranked]
    assert len(prediction.ranked) == len(BANKING)  # top_k capped at the number of intents
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    # The intents share at most all the probability: the rest is "none of them".
    assert 0.9 < sum(scores) <= 1.0 + 1e-6
    assert prediction.score == scores[0]
    assert prediction.intent == prediction.ranked[0][0]


def test_out_of_scope_keeps_probability_for_none_of_the_intents(
    banking_model: IntentModel,
) -> None:
    in_scope = banking_model.predict("how much money is in my account", top_k=100)
    foreign = banking_model.predict("play some jazz music", top_k=100)
    assert banking_model.scorer.unknown_logit is not None
    assert sum(s for _, s in foreign.ranked) < sum(s for _, s in in_scope.ranked)
    assert foreign.intent == UNKNOWN_INTENT  # at the default threshold 0.5
    assert in_scope.intent == "check_balance"


def test_too_few_examples_to_hold_out_gives_a_plain_softmax() -> None:
    tiny = train(
        [
            IntentSpec(code="yes", examples=("yes", "sure")),
            IntentSpec(code="no", examples=("no", "nope")),
        ]
    )
    assert tiny.scorer.unknown_logit is None
    ranked = tiny.predict("yes please", top_k=2).ranked
    assert sum(s for _, s in ranked) == pytest.approx(1.0, abs=1e-5)


def test_below_threshold_answers_unknown_but_keeps_ranking(banking_model: IntentModel) -> None:
    text = "transfer money"
    confident = banking_model.predict(text, threshold=0.0)
    refused = banking_model.predict(text, threshold=1.0)
    assert confident.intent == "transfer"
    assert refused.intent == UNKNOWN_INTENT
    assert refused.is_unknown
    assert refused.score == confident.score
    assert refused.ranked == confident.ranked
    assert refused.slots == {}


def test_domain_threshold_is_the_default(banking_model: IntentModel) -> None:
    strict = train(BANKING, threshold=0.99)
    text = "hello there, nice weather"
    assert strict.threshold == 0.99
    assert strict.predict(text).intent == UNKNOWN_INTENT
    assert banking_model.threshold == 0.5


def test_gibberish_scores_lower_than_an_in_domain_question(banking_model: IntentModel) -> None:
    in_domain = banking_model.predict("what is my balance").score
    off_topic = banking_model.predict("zxqv plork wub").score
    assert off_topic < in_domain


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "!!!"])
def test_empty_or_blank_input_is_unknown(banking_model: IntentModel, text: str) -> None:
    prediction = banking_model.predict(text)
    assert prediction.intent == UNKNOWN_INTENT


def test_very_long_input_is_cut_not_fatal(banking_model: IntentModel) -> None:
    long_text = "what's my balance " + "x" * 5000
    prediction = banking_model.predict(long_text, threshold=0.0)
    assert prediction.intent == "check_balance"
    # Only the first 1024 characters count: anything after them changes nothing.
    head = long_text[:1024]
    assert banking_model.predict(head + " transfer money").ranked == (
        banking_model.predict(head).ranked
    )


def test_chinese_intents_without_spaces(chinese_model: IntentModel) -> None:
    assert chinese_model.predict("帮我查询一下余额", threshold=0.0).intent == "check_balance"
    assert chinese_model.predict("我想给张三转账", threshold=0.0).intent == "transfer"
    assert chinese_model.predict("我的银行卡丢了", threshold=0.0).intent == "lost_card"


def test_training_rejects_bad_intent_sets() -> None:
    with pytest.raises(ValueError, match="unique"):
        train([IntentSpec("a", ("x",)), IntentSpec("a", ("y",))])
    with pytest.raises(ValueError, match="two intents"):
        train([IntentSpec("a", ("hello",)), IntentSpec("b", ("",))])
    # The Unknown intent's examples are not an intent: they need one beside them.
    with pytest.raises(ValueError, match="two intents"):
        train([IntentSpec(UNKNOWN_INTENT, ("x", "z")), IntentSpec("b", ("",))])
    with pytest.raises(ValueError, match="backend"):
        train(BANKING, backend="nope")


def test_two_intents_with_one_example_each() -> None:
    model = train([IntentSpec("yes", ("yes",)), IntentSpec("no", ("no",))])
    assert model.predict("yes", threshold=0.0).intent == "yes"
    assert model.predict("no", threshold=0.0).intent == "no"


def test_training_is_deterministic() -> None:
    first = train(BANKING).predict("send money to bob", threshold=0.0)
    second = train(BANKING).predict("send money to bob", threshold=0.0)
    assert first == second


def _many_examples(intents: int, per_intent: int) -> list[IntentSpec]:
    """Intents of made-up words (a seeded draw), enough for the probes' child process."""
    rng = np.random.default_rng(7)
    shared = [f"w{i}" for i in range(300)]
    specs = []
    for k in range(intents):
        own = [f"i{k}x{j}" for j in range(8)]
        examples = tuple(
            " ".join(rng.choice(own, 2).tolist() + rng.choice(shared, 4).tolist())
            for _ in range(per_intent)
        )
        specs.append(IntentSpec(f"intent_{k}", examples))
    return specs


def test_large_training_is_repeatable() -> None:
    # From PARALLEL_MIN_EXAMPLES on, the calibration probes train in a child process while
    # the final model trains here; the result must not depend on which finishes first.
    intents = _many_examples(30, PARALLEL_MIN_EXAMPLES // 30 + 1)
    first, second = train(intents), train(intents)
    assert np.array_equal(first.scorer.sparse_weights, second.scorer.sparse_weights)
    assert first.scorer.temperature == second.scorer.temperature
    assert first.scorer.unknown_logit == second.scorer.unknown_logit
    assert first.predict("i3x1 i3x5 w17") == second.predict("i3x1 i3x5 w17")
    assert first.predict("i3x1 i3x5 w17").intent == "intent_3"


def test_probes_in_a_child_process_score_as_here() -> None:
    intents = _many_examples(5, 40)
    texts = [e for i in intents for e in i.examples]
    y = np.repeat(np.arange(5), 40)
    _, x = NgramFeaturizer.fit_matrix(texts)
    fit_rows, held_rows = np.arange(0, 200, 2), np.arange(1, 200, 2)
    probe = ([_fit_svm], [x[fit_rows]], y[fit_rows], [x[held_rows]])
    child = probe_in_subprocess(probe)
    assert child is not None
    here = probe_scores(*probe)
    assert len(child) == 1 and np.array_equal(child[0], here[0])
