from __future__ import annotations

import pytest

from oiap.nlu import FaqEntry, FaqIndex

ENTRIES = (
    FaqEntry(
        question="What are your opening hours?",
        similar=("when are you open",),
        keywords=("hours", "open"),
        answer="We are open from 8 am to 8 pm.",
        id="1",
    ),
    FaqEntry(
        question="How do I reset my password?",
        similar=("I forgot my password", "change my login password"),
        keywords=("password",),
        answer="Use the 'Forgot password' link.",
        id="2",
    ),
    FaqEntry(
        question="Where is your head office?",
        similar=("address of the company",),
        answer="12 Main Street.",
        id="3",
    ),
)


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex.build(ENTRIES)


def test_exact_question_scores_high(index: FaqIndex) -> None:
    match = index.match("What are your opening hours?")
    assert match is not None
    assert match.entry.id == "1"
    assert match.score > 0.9
    assert match.answer == "We are open from 8 am to 8 pm."


def test_similar_question_is_matched_and_reported(index: FaqIndex) -> None:
    match = index.match("i forgot my password!")
    assert match is not None
    assert match.entry.id == "2"
    assert match.question == "I forgot my password"


def test_keywords_add_evidence(index: FaqIndex) -> None:
    plain = FaqIndex.build([FaqEntry(q.question, q.answer, q.similar) for q in ENTRIES])
    text = "password trouble"
    with_keywords = index.scores(text)[0][1]
    without = plain.scores(text)[0][1]
    assert with_keywords > without


def test_threshold_filters_weak_matches(index: FaqIndex) -> None:
    assert index.match("tell me a joke about penguins") is None
    match = index.match("where's the office", threshold=0.0)
    assert match is not None and match.entry.id == "3"
    assert index.match("where's the office", threshold=1.01) is None


def test_scores_stay_in_unit_interval(index: FaqIndex) -> None:
    scores, _ = index.scores("hours open open hours opening hours when are you open")
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_empty_and_long_input(index: FaqIndex) -> None:
    assert index.match("") is None
    assert index.match("password " * 2000) is not None


def test_empty_group_never_matches() -> None:
    assert FaqIndex.build([]).match("anything") is None


def test_chinese_questions() -> None:
    index = FaqIndex.build(
        [
            FaqEntry(question="营业时间是几点", similar=("你们几点开门",), answer="早八点到晚八点"),
            FaqEntry(question="怎么修改密码", keywords=("密码",), answer="点击忘记密码"),
        ]
    )
    match = index.match("请问你们几点开门")
    assert match is not None and match.answer == "早八点到晚八点"
    match = index.match("我忘记密码了")
    assert match is not None and match.answer == "点击忘记密码"
