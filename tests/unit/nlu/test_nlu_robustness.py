"""Whatever a caller sends, predict and match answer (never raise) within bounds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st

from oiap.nlu import UNKNOWN_INTENT, FaqEntry, FaqIndex, IntentModel

FAQ = FaqIndex.build([FaqEntry(question="opening hours", answer="8 to 8", keywords=("open",))])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_random_unicode_never_crashes_predict(banking_model: IntentModel, text: str) -> None:
    prediction = banking_model.predict(text)
    assert 0.0 <= prediction.score <= 1.0
    assert prediction.intent == UNKNOWN_INTENT or prediction.intent in banking_model.labels


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_random_unicode_never_crashes_chinese_model(chinese_model: IntentModel, text: str) -> None:
    chinese_model.predict(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_random_unicode_never_crashes_faq(text: str) -> None:
    match = FAQ.match(text, threshold=0.0)
    assert match is None or 0.0 <= match.score <= 1.0


def test_concurrent_predictions_agree(banking_model: IntentModel) -> None:
    texts = ["send money", "what's my balance", "lost my card", "when do you open"] * 50
    expected = [banking_model.predict(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(banking_model.predict, texts)) == expected


def test_input_sharing_nothing_with_the_examples_is_unknown(banking_model: IntentModel) -> None:
    # A caller keying "9" where speech is expected, or typing symbols: no intent has any
    # evidence, so the answer must be Unknown, not the intent with the shortest examples.
    for text in ("9", "#*#", "¿¿"):
        prediction = banking_model.predict(text)
        assert prediction.intent == UNKNOWN_INTENT and prediction.score == 0.0, text
