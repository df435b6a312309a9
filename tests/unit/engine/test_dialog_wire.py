"""The crs/process wire format: parsing never fails with anything but a catalogue error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oiap.api.oiap.dialog_wire import model_type, parse_request
from oiap.domain.flows import ReplyMode
from oiap.engine.actions import Prompt
from oiap.errors import OiapError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
inparams = st.dictionaries(
    st.sampled_from(
        [
            "call_id",
            "call_sor_id",
            "call_dst_id",
            "input",
            "flow_result_type",
            "trans_result",
            "begin_trans",
            "end_trans",
            "inter_idx",
            "other",
        ]
    ),
    json_values,
)


@settings(max_examples=300, deadline=None)
@given(
    userid=json_values,
    inaction=st.one_of(json_values, st.sampled_from([7, 8, 9, 11, 12, 13, "8", "9"])),
    params=st.one_of(inparams, json_values),
)
def test_any_body_parses_or_is_a_parameter_error(userid: Any, inaction: Any, params: Any) -> None:
    body = {"userid": userid, "inaction": inaction, "inparams": params}
    try:
        turn = parse_request(body)
    except OiapError as exc:
        assert exc.error.code == 10000002
        return
    assert turn.inaction in {7, 8, 9, 11, 12, 13}
    assert all(isinstance(v, str) for v in turn.inparams.values())


def test_numbers_and_strings_are_both_accepted() -> None:
    turn = parse_request(
        {
            "userid": "u",
            "inaction": "9",
            "inparams": {"call_id": "u", "call_dst_id": 10086, "flow_result_type": 2, "input": 1.0},
        }
    )
    assert turn.inaction == 9
    assert turn.inparams == {
        "call_id": "u",
        "call_dst_id": "10086",
        "flow_result_type": "2",
        "input": "1",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"userid": "u" * 65, "inaction": 8, "inparams": {}}, "userid"),
        ({"userid": "u", "inaction": 10, "inparams": {}}, "inaction"),
        (
            {"userid": "u", "inaction": 8, "inparams": {"call_id": "u", "call_sor_id": "1"}},
            "inparams.call_dst_id",
        ),
        (
            {
                "userid": "u",
                "inaction": 8,
                "inparams": {"call_id": "u", "call_sor_id": "1", "call_dst_id": "x" * 21},
            },
            "inparams.call_dst_id",
        ),
        (
            {
                "userid": "u",
                "inaction": 9,
                "inparams": {
                    "call_id": "u",
                    "call_dst_id": "1",
                    "flow_result_type": "1",
                    "input": "x" * 1025,
                },
            },
            "inparams.input",
        ),
        (
            {
                "userid": "u",
                "inaction": 9,
                "inparams": {
                    "call_id": "u",
                    "call_dst_id": "1",
                    "flow_result_type": "7",
                    "input": "x",
                },
            },
            "inparams.flow_result_type",
        ),
        (
            {"userid": "u", "inaction": 11, "inparams": {"call_id": "u", "call_dst_id": "1"}},
            "inparams.begin_trans",
        ),
    ],
)
def test_limits_and_mandatory_fields_name_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(OiapError) as caught:
        parse_request(body)
    assert caught.value.error.code == 10000002 and f"'{field}'" in caught.value.text


@pytest.mark.parametrize(
    ("mode", "digits", "terminator", "expected"),
    [
        (ReplyMode.PLAY, 0, "", "1000000"),
        (ReplyMode.ASR, 0, "", "1100000"),
        (ReplyMode.DTMF, 12, "#", "1011201"),
        (ReplyMode.DTMF, 1, "", "1010100"),
        (ReplyMode.ASR_DTMF_AFTER, 32, "#", "1223201"),
        (ReplyMode.DTMF_NO_BARGE, 4, "*", "1020400"),
    ],
)
def test_model_type_digits(mode: ReplyMode, digits: int, terminator: str, expected: str) -> None:
    assert model_type(Prompt("x", mode, 5, digits, terminator)) == expected
