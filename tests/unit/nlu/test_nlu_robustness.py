"""Whatever a caller sends, predict and match answer (never raise) within bounds."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from oiap.nlu import UNKNOWN_INTENT, FaqEntry, FaqIndex, IntentModel
from oiap.nlu.calibration import fit_with_unknown, softmax_with_unknown

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


def test_calibration_on_a_few_flat_scores_stays_finite() -> None:
    # One held-out example that every intent scores about alike (a tiny fold of a small bot):
    # the likelihood keeps falling as the temperature grows, and the search must stay in range
    # instead of overflowing.
    scores = np.array([[0.0174, -0.0099, -0.0059, -0.0016]], dtype=np.float32)
    labels = np.array([3], dtype=np.intp)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        temperature, unknown = fit_with_unknown(scores, labels, 0.1)
    assert 1e-3 <= temperature <= 1e3 and np.isfinite(unknown)
    probs = softmax_with_unknown(scores, temperature, unknown)
    assert np.all(np.isfinite(probs)) and np.all(probs.sum(axis=1) <= 1.0 + 1e-6)
