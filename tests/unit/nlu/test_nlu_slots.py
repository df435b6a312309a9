from __future__ import annotations

import pytest

from oiap.nlu import IntentModel, SlotSpec
from oiap.nlu.slots import CompiledSlot, fill_slots

CARD = SlotSpec(
    name="card_type",
    values={"credit": ["credit card", "visa"], "debit": ["debit card", "bank card", "card"]},
)


def fill(spec: SlotSpec, text: str) -> dict[str, str]:
    return fill_slots([CompiledSlot.compile(spec)], text)


def test_regex_slot_takes_the_match() -> None:
    assert fill(SlotSpec(name="account", regex=r"\d{6,12}"), "account 12345678 please") == {
        "account": "12345678"
    }


def test_regex_slot_prefers_the_first_group() -> None:
    spec = SlotSpec(name="amount", regex=r"(\d+) dollars")
    assert fill(spec, "send 40 dollars") == {"amount": "40"}


def test_regex_slot_reads_full_width_digits() -> None:
    spec = SlotSpec(name="account", regex=r"\d{6}")
    assert fill(spec, "账号１２３４５６") == {"account": "123456"}


def test_value_slot_maps_synonyms_to_the_canonical_value() -> None:
    assert fill(CARD, "I lost my VISA") == {"card_type": "credit"}
    assert fill(CARD, "my Bank Card is blocked") == {"card_type": "debit"}
    assert fill(CARD, "Credit please") == {"card_type": "credit"}


def test_value_slot_prefers_the_longest_synonym() -> None:
    # "card" alone means debit, but "credit card" must win where it appears.
    assert fill(CARD, "my credit card") == {"card_type": "credit"}


def test_value_slot_needs_word_boundaries_in_latin_script() -> None:
    assert fill(CARD, "a visage and cardinal") == {}


def test_chinese_value_slot_matches_inside_running_text() -> None:
    spec = SlotSpec(name="card_type", values={"credit": ["信用卡"], "debit": ["借记卡"]})
    assert fill(spec, "我想查一下信用卡的余额") == {"card_type": "credit"}


def test_absent_slots_are_left_out() -> None:
    assert fill(CARD, "hello") == {}


def test_slot_spec_validation() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        SlotSpec(name="x")
    with pytest.raises(ValueError, match="exactly one"):
        SlotSpec(name="x", regex="a", values={"a": []})
    with pytest.raises(ValueError, match="invalid regex"):
        SlotSpec(name="x", regex="(")


def test_prediction_fills_slots_of_the_predicted_intent(banking_model: IntentModel) -> None:
    prediction = banking_model.predict("what's the balance of my credit card 1234567", 0.0)
    assert prediction.intent == "check_balance"
    assert prediction.slots == {"account": "1234567", "card_type": "credit"}


def test_chinese_model_fills_slots(chinese_model: IntentModel) -> None:
    prediction = chinese_model.predict("查询我的储蓄卡余额", threshold=0.0)
    assert prediction.intent == "check_balance"
    assert prediction.slots == {"card_type": "debit"}
