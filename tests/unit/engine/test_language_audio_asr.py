"""SYS.language from the first node and by assignment, audio prompt types, ASR key references."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from oiap.api.oiap.dialog_wire import audio_prompt_type, language_id, render
from oiap.domain.flows import Branch, Flow, Node, Scenario
from oiap.engine.actions import Prompt
from oiap.engine.release import FlowRelease, InterfaceAnswer, InterfaceCall
from oiap.engine.runtime import Event, EventKind, step
from oiap.engine.state import DialogState
from oiap.services.dialogs import TurnOutcome, asr_key

NOON = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


class OneFlow:
    def __init__(self, release: FlowRelease) -> None:
        self.release = release

    async def flow(self, code: str, version: int | None) -> FlowRelease | None:
        return self.release

    async def exception_flow(self) -> FlowRelease | None:
        return None

    async def call_interface(self, call: InterfaceCall) -> InterfaceAnswer:
        return InterfaceAnswer(None, "none")

    def now(self) -> datetime:
        return NOON


def node(node_id: str, kind: str, to: str | None = None, **params: Any) -> Node:
    branches = (Branch(to=to),) if to else ()
    return Node(id=node_id, kind=kind, params=params, branches=branches)


def bilingual(language: str) -> FlowRelease:
    nodes = (
        node("s", "start", "hello"),
        node("hello", "reply", "switch", text="Language ${SYS.language}", mode="play"),
        node("switch", "assign", "again", assignments={"SYS.language": '"en_US"'}),
        node("again", "reply", "e", text="Now ${SYS.language}", mode="play"),
        node("e", "end"),
    )
    flow = Flow(code="main", name="main", scenario=Scenario.MAIN, nodes=nodes)
    return FlowRelease(code="main", version=1, flow=flow, language=language)


def new_state() -> DialogState:
    return DialogState(
        tenant_id="t",
        userid="u1",
        access_code="4001",
        dialog_type=1,
        calling="135",
        language="",
        started_at=NOON.isoformat(),
        flow="main",
    )


def outparams(state: DialogState, action: Any) -> dict[str, str]:
    rendered: dict[str, str] = render(TurnOutcome(action, state, "4001"))["outparams"]
    return rendered


def test_sys_language_is_the_bots_from_the_first_node_and_follows_an_assignment() -> None:
    state, ports = new_state(), OneFlow(bilingual("zh_CN"))
    first = asyncio.run(step(state, Event(EventKind.START), ports))
    assert isinstance(first.action, Prompt)
    assert first.action.text == "Language zh_CN"
    assert outparams(state, first.action)["language"] == "0"

    after = asyncio.run(step(state, Event(EventKind.PLAYOVER), ports))
    assert isinstance(after.action, Prompt)
    assert after.action.text == "Now en_US" and state.system["language"] == "en_US"
    assert outparams(state, after.action)["language"] == "1"


@pytest.mark.parametrize(
    ("audio", "expected"),
    [
        ("/opt/uap/voice/bye.wav", "0"),
        ("Y:/record/bye.wav", "0"),
        ("C:\\voice\\bye.wav", "0"),
        ("\\\\media\\voice\\bye.wav", "0"),
        ("bye.wav", "1"),
        ("voice/bye.wav", "1"),
    ],
)
def test_full_paths_are_prompt_type_0_and_file_names_1(audio: str, expected: str) -> None:
    assert audio_prompt_type(audio) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("zh_CN", "0"), ("zh", "0"), ("0", "0"), ("en_US", "1"), ("", "1")]
)
def test_language_ids(language: str, expected: str) -> None:
    assert language_id(language) == expected


@pytest.mark.parametrize(
    ("value", "inter_no", "key"),
    [
        ("asr:call-1:3@3", None, "asr:call-1:3"),  # suffix is the prompt's inter_idx
        ("k@7", "7", "k"),  # suffix is the request's inter_no
        ("k@3", "7", None),  # an inter_no that does not match: text
        ("user@example.com", None, None),
        ("tea @ 3", None, None),
        ("order 5@3", None, None),  # white space in the key
        ("@3", None, None),
        ("no reference here", None, None),
    ],
)
def test_asr_references_are_told_from_text(
    value: str, inter_no: str | None, key: str | None
) -> None:
    assert asr_key(value, result_type="1", inter_no=inter_no, inter_idx=3, typed=False) == key


def test_asr_references_only_for_spoken_results_on_voice_codes() -> None:
    assert asr_key("k@3", result_type="2", inter_no=None, inter_idx=3, typed=False) is None
    assert asr_key("k@3", result_type="1", inter_no=None, inter_idx=3, typed=True) is None
