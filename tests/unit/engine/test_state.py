"""A live dialog's record survives the trip through the session store, whatever it holds."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from oiap.engine.state import DialogState

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _state() -> DialogState:
    return DialogState(
        tenant_id="t1",
        userid="call-1",
        access_code="4001",
        dialog_type=1,
        calling="555",
        language="en_US",
        started_at="2026-11-21T10:00:00+00:00",
        flow="hotline",
        versions={"hotline": 3},
    )


@given(value=JSON_VALUES, text=st.text())
def test_any_variable_value_and_caller_text_round_trip(value: object, text: str) -> None:
    # Caller text may hold lone surrogates (escaped in the request JSON) and interface
    # answers may hold integers wider than 64 bits: neither may lose a dialog.
    state = _state()
    state.variables["FLOW"]["answer"] = value
    state.variables["IVRREQUEST"]["input"] = text
    state.last = {"key": [9, "1", text, "1", None], "response": {"outparams": {"x": text}}}
    assert DialogState.from_json(state.to_json()) == state


def test_the_awkward_cases_explicitly() -> None:
    state = _state()
    state.variables["FLOW"]["big"] = 2**70
    state.variables["FLOW"]["surrogate"] = "\ud800 caller text"
    assert DialogState.from_json(state.to_json()) == state


def test_integers_wider_than_64_bits_alone_stay_integers() -> None:
    # Without a lone surrogate beside them, such integers once came back as floats.
    for value in (2**64, -(2**63) - 1, 2**70):
        state = _state()
        state.variables["FLOW"]["answer"] = value
        back = DialogState.from_json(state.to_json())
        assert back.variables["FLOW"]["answer"] == value
        assert type(back.variables["FLOW"]["answer"]) is int


def test_states_stay_json_for_any_reader() -> None:
    state = _state()
    state.variables["FLOW"]["answer"] = -(2**63) - 1
    assert json.loads(state.to_json())["variables"]["FLOW"]["answer"] == -(2**63) - 1
