"""A small bilingual voice bot and an IVR-like caller, for the tests of issue 13 items 1-4
(tests/e2e/dialog/test_dialog_conformance.py, tests/faults/test_faults_asr_redis.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROCESS = "/oifde/rest/crs/process"

FLOW = """\
code: main
name: Main
scenario: Default
nodes:
  - id: start
    kind: start
    branches:
      - to: greet
  - id: greet
    kind: reply
    params:
      text: Hello in ${SYS.language} from ${SYS.tenantId}
      mode: asr
    branches:
      - to: check
      - to: sorry
        on: nomatch1
      - to: sorry
        on: nomatch2
  - id: check
    kind: judge
    branches:
      - to: switch
        when: IVRREQUEST.input == "english"
      - to: bye
        when: IVRREQUEST.input == "bye"
      - to: heard
  - id: switch
    kind: assign
    params:
      assignments:
        SYS.language: '"en_US"'
    branches:
      - to: now
  - id: now
    kind: reply
    params:
      text: Now in ${SYS.language}
      mode: asr
    branches:
      - to: check
  - id: heard
    kind: reply
    params:
      text: You said ${IVRREQUEST.input}
      mode: asr
    branches:
      - to: check
      - to: sorry
        on: nomatch1
      - to: sorry
        on: nomatch2
  - id: sorry
    kind: reply
    params:
      audio: sorry.wav
      mode: asr
    branches:
      - to: check
  - id: bye
    kind: reply
    params:
      audio: /opt/uap/voice/bye.wav
      mode: play
    branches:
      - to: done
  - id: done
    kind: end
"""


def bot(folder: Path, language: str, codes: list[str]) -> Path:
    (folder / "flows").mkdir(parents=True)
    (folder / "bot.yaml").write_text(f"name: Languages\nlanguage: {language}\n")
    (folder / "flows" / "main.yaml").write_text(FLOW)
    bindings = "".join(
        f'  - code: "{code}"\n    dialog_type: 1\n    flow: main\n    robot_name: Languages\n'
        for code in codes
    )
    (folder / "access-codes.yaml").write_text("access_codes:\n" + bindings)
    return folder


@dataclass
class Caller:
    """One call as an IVR drives it, with a system account's headers or a tenant's token."""

    url: str
    access_code: str
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    userid: str = field(default_factory=lambda: "call-" + uuid.uuid4().hex[:16])
    inter_idx: str | None = None

    def send(
        self,
        inaction: int,
        *,
        extparams: dict[str, str] | None = None,
        status: int = 200,
        **inparams: str,
    ) -> dict[str, Any]:
        params = {"call_id": self.userid, "call_dst_id": self.access_code, **inparams}
        if self.token is not None:
            params["auth_token"] = self.token
        if self.inter_idx is not None and inaction != 8:
            params.setdefault("inter_idx", self.inter_idx)
        body: dict[str, Any] = {"userid": self.userid, "inaction": inaction, "inparams": params}
        if extparams is not None:
            body["extparams"] = extparams
        reply = httpx.post(self.url + PROCESS, json=body, headers=self.headers, timeout=30)
        assert reply.status_code == status, reply.text
        answer: dict[str, Any] = reply.json()
        if answer["ret"] == 0:
            self.inter_idx = answer["outparams"].get("inter_idx", self.inter_idx)
        return answer

    def start(self, status: int = 200, **extparams: str) -> dict[str, Any]:
        extra = extparams or None
        return self.send(8, call_sor_id="13500000001", extparams=extra, status=status)

    def say(self, text: str, *, status: int = 200, inter_no: str | None = None) -> dict[str, Any]:
        if inter_no is not None:
            return self.send(9, status=status, flow_result_type="1", input=text, inter_no=inter_no)
        return self.send(9, status=status, flow_result_type="1", input=text)


def text(answer: dict[str, Any]) -> str:
    assert answer["outaction"] == 9, answer
    said: str = answer["outparams"]["prompt_text"]
    return said
