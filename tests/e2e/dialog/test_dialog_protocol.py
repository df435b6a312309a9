"""``crs/process`` driven like an IVR through the demo bank hotline (spec §7, §12)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from conftest import Hotline
from dialog_support import BROKEN_ACCOUNT, SLOW_ACCOUNT, Call, prompt_text


def call(hotline: Hotline, **kwargs: Any) -> Call:
    return Call(hotline.url, hotline.token, f"call-{uuid.uuid4().hex[:12]}", **kwargs)


def to_menu(c: Call) -> dict[str, Any]:
    welcome = c.start()
    assert prompt_text(welcome) == "Welcome to Example Bank."
    return c.playover()


def test_balance_by_keys_then_agent_through_every_outaction(hotline: Hotline) -> None:
    c = call(hotline)
    welcome = c.start()
    assert welcome["ret"] == 0 and welcome["userid"] == c.userid
    assert welcome["outaction"] == 9
    params = welcome["outparams"]
    assert params["call_id"] == c.userid
    assert params["prompt_type"] == "2"  # TTS, voice navigation
    assert params["language"] == "1"  # English
    assert params["model_type"] == "1000000"  # play only
    assert params["inter_idx"] == "1"
    assert "timeout" not in params
    assert all(isinstance(v, str) for v in params.values())

    menu = c.playover()
    assert "press 1" in prompt_text(menu)
    assert menu["outparams"]["model_type"] == "1010100"  # DTMF barge-in, one key
    assert menu["outparams"]["timeout"] == "8"

    ask = c.keys("1")
    assert "account number" in prompt_text(ask)
    assert ask["outparams"]["model_type"] == "1011201"  # up to 12 digits, # confirms

    balance = c.keys("12345678#")
    assert prompt_text(balance) == (
        "Your available balance on account ending 5678 is 1234.56 dollars."
    )
    sent = hotline.bank.requests[-1]
    assert sent["body"] == {"accountNumber": "12345678"}
    assert sent["headers"]["X-Channel"] == "ivr"

    more = c.playover()
    assert "anything else" in prompt_text(more)
    assert more["outparams"]["model_type"] == "1100000"  # speech barge-in

    transfer = c.say("I lost my credit card")
    assert transfer["outaction"] == 11
    assert transfer["outparams"]["trans_type"] == "1"
    assert transfer["outparams"]["route_value"] == "700"
    assert transfer["outparams"]["trans_data"] == "bank-hotline"
    assert transfer["outparams"]["call_sor_id"] == c.calling
    assert transfer["outparams"]["trans_idx"] == "1"

    released = c.transfer_result("0")
    assert released["outaction"] == 10
    out = released["outparams"]
    assert out["release_reason"] == "0"
    assert out["call_sor_id"] == c.calling and out["call_dst_id"] == "4001"
    assert len(out["start_time"]) == len("2018090407:16:24")

    closing = c.transfer_result("0", hangup=True)  # §7.4 rule 4
    assert closing["outaction"] == 10
    assert closing["outparams"]["release_reason"] == "0"


def test_spoken_goodbye_ends_normally(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    c.keys("9")
    bye = c.say("that's all, goodbye")
    assert "Goodbye" in prompt_text(bye)
    end = c.playover()
    assert end["outaction"] == 10 and end["outparams"]["release_reason"] == "0"


def test_hangup_releases_at_any_point_and_ends_the_dialog(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    end = c.send(9, flow_result_type="3", input="hangup", extparams={"release_reason": "2"})
    assert end["outaction"] == 10
    again = c.send(9, flow_result_type="3", input="hangup")
    assert again["outaction"] == 10
    late = c.send(9, flow_result_type="1", input="hello", expect_status=409)
    assert late["ret"] == 10000002 and "ended" in late["errorMsg"]


def test_no_input_and_no_match_escalate_to_error3(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    ask = c.keys("9")
    assert "how can I help" in prompt_text(ask)
    first = c.event("timeout")  # timeout1
    assert "didn't catch" in prompt_text(first)
    second = c.event("nomatch")  # nomatch1
    assert "didn't catch" in prompt_text(second)
    third = c.say("purple elephants dancing on the moon")  # Unknown intent: error3
    assert third["outaction"] == 11 and third["outparams"]["route_value"] == "700"


def test_menu_failures_reach_an_agent(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    assert "press 1" in prompt_text(c.keys("7"))  # wrong key: the menu again
    assert "press 1" in prompt_text(c.event("timeout"))
    failed = c.keys("5")  # third failure of max_failures 3
    assert failed["outaction"] == 11 and failed["outparams"]["route_value"] == "700"


def test_interface_timeout_and_error_take_the_interface_failure_branch(hotline: Hotline) -> None:
    for account in (SLOW_ACCOUNT, BROKEN_ACCOUNT):
        c = call(hotline)
        to_menu(c)
        c.keys("1")
        failed = c.keys(account + "#")
        assert "couldn't reach your account" in prompt_text(failed), account
        assert c.playover()["outaction"] == 11


def test_faq_answer_from_speech(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    c.keys("9")
    answer = c.say("what is your routing number")
    text = prompt_text(answer)
    assert "anything else" in text and len(text) > len(
        "Is there anything else I can help you with?"
    )


def test_a_retry_gets_the_same_answer_and_does_not_advance(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    first = c.keys("1")
    c.inter_idx = "2"  # the IVR retries the request it sent before
    again = c.keys("1")
    assert again == first
    assert c.inter_idx == "3"
    balance = c.keys("11112222#")
    assert "ending 2222" in prompt_text(balance)


def test_a_stale_or_out_of_order_request_changes_nothing(hotline: Hotline) -> None:
    c = call(hotline)
    to_menu(c)
    stale = c.send(9, flow_result_type="2", input="0", inter_idx="1", expect_status=409)
    assert stale["ret"] == 10000002 and "inter_idx" in stale["errorMsg"]
    wrong = c.send(11, begin_trans="a", end_trans="b", trans_result="0", expect_status=409)
    assert wrong["ret"] == 10000002 and "does not follow" in wrong["errorMsg"]
    assert "account number" in prompt_text(c.keys("1"))  # still at the menu


def test_concurrent_requests_for_one_call_are_serialised(hotline: Hotline) -> None:
    """Two answers to the same prompt arrive together: exactly one is applied."""
    calls = [call(hotline) for _ in range(8)]
    for c in calls:
        to_menu(c)

    def answer(c: Call, key: str) -> httpx.Response:
        body = {
            "userid": c.userid,
            "inaction": 9,
            "inparams": {
                "call_id": c.userid,
                "call_dst_id": "4001",
                "auth_token": c.token,
                "flow_result_type": "2",
                "input": key,
                "inter_idx": c.inter_idx,
            },
        }
        return httpx.post(c.url + c.path, json=body, timeout=30)

    with ThreadPoolExecutor(16) as pool:
        futures = [(pool.submit(answer, c, "1"), pool.submit(answer, c, "0")) for c in calls]
        for one, other in futures:
            statuses = sorted([one.result().status_code, other.result().status_code])
            assert statuses == [200, 409]


def test_unknown_call_and_unbound_access_code(hotline: Hotline) -> None:
    c = call(hotline)
    unknown = c.send(9, flow_result_type="1", input="hi", expect_status=404)
    assert unknown["ret"] == 10000003 and unknown["userid"] == c.userid
    unbound = call(hotline, access_code="999")
    answer = unbound.send(8, call_sor_id="1", expect_status=404)
    assert answer["ret"] == 10000003 and "999" in answer["errorMsg"]


def test_numbers_or_strings_and_the_v2_path(hotline: Hotline) -> None:
    c = call(hotline)
    c.path = "/oifde/rest/v2/crs/process/vdn-1"
    assert c.send("8", call_sor_id="135")["outaction"] == 9
    menu = c.send("9", flow_result_type=3, input="playover")
    assert "press 1" in prompt_text(menu)
    assert c.send(9, flow_result_type=2, input=1)["outparams"]["inter_idx"] == "3"


def test_chat_access_code_answers_with_text_prompts(hotline: Hotline) -> None:
    c = call(hotline, access_code="4002")
    assert c.start()["outparams"]["prompt_type"] == "3"


def test_capture_side_requests(hotline: Hotline) -> None:
    c = call(hotline)
    assert c.send(7, call_sor_id="135") == {
        "ret": 0,
        "userid": c.userid,
        "outaction": 7,
        "outparams": {},
    }
    polled = c.send(13)
    assert polled["outaction"] == 13
    assert polled["outparams"] == {"call_id": c.userid, "recognize_type": "0"}


def test_every_turn_is_recorded_and_queryable(hotline: Hotline) -> None:
    c = call(hotline, calling="13900000077")
    to_menu(c)
    c.keys("9")
    c.say("I lost my credit card")

    def history(tenant_token: str, tenant_id: str) -> httpx.Response:
        return httpx.post(
            hotline.url + "/oifde/rest/api/queryHistory",
            json={
                "tenantId": tenant_id,
                "params": {"userMobile": c.calling},
                "authToken": tenant_token,
            },
            timeout=10,
        )

    reply = history(hotline.token, hotline.account.tenant_id)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["rtnCode"] == 0 and body["callId"] == c.userid
    assert body["callSorId"] == c.calling
    beans = body["beans"]
    assert [b["interNo"] for b in beans] == ["1", "2", "3", "4"]
    assert beans[0]["systemReply"] == "Welcome to Example Bank."
    assert beans[3]["userSaying"] == "I lost my credit card"
    assert beans[3]["intention"] == "lost_card" and beans[3]["type"] == "TRANSFER"

    forged = history("v1.0.forged", hotline.account.tenant_id)
    assert forged.status_code == 401 and forged.json()["rtnCode"] == 900002
    other = history(hotline.token, "someone-else")
    assert other.status_code == 401 and other.json()["rtnCode"] == 900002
    malformed = httpx.post(
        hotline.url + "/oifde/rest/api/queryHistory",
        json={"tenantId": hotline.account.tenant_id, "authToken": hotline.token},
        timeout=10,
    )
    assert malformed.status_code == 400 and malformed.json()["rtnCode"] == 10000002
