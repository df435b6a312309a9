"""What a language model is sent for a chat turn, and what counts as its reply."""

from __future__ import annotations

import pytest

from oiap.adapters.http.language_models import reply_text
from oiap.services.model_chat import DEFAULT_ROUNDS, conversation
from oiap.services.model_ports import ModelEndpoint, ModelFailure


def _rounds(n: int) -> list[dict[str, str]]:
    history = []
    for i in range(1, n + 1):
        history += [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]
    return history


def test_the_rounds_kept_precede_the_new_text() -> None:
    sent = conversation({"chat_rounds": 3, "system_prompt": "Be brief."}, _rounds(6), "q7")
    assert [m["content"] for m in sent] == ["Be brief.", "q5", "a5", "q6", "a6", "q7"]
    assert sent[0]["role"] == "system" and sent[-1]["role"] == "user"


def test_one_round_sends_the_new_text_alone_and_unset_rounds_keep_the_default() -> None:
    assert conversation({"chat_rounds": 1}, _rounds(3), "q4") == [{"role": "user", "content": "q4"}]
    sent = conversation({}, _rounds(9), "q10")
    assert len(sent) == 2 * (DEFAULT_ROUNDS - 1) + 1
    assert sent[0] == {"role": "user", "content": f"q{10 - DEFAULT_ROUNDS + 1}"}
    assert conversation({}, [], "first") == [{"role": "user", "content": "first"}]


def test_a_reply_is_the_first_choice_message_text() -> None:
    answer = {"choices": [{"message": {"role": "assistant", "content": "Hi!"}}, {}]}
    assert reply_text(answer) == "Hi!"
    for odd in [{}, {"choices": []}, {"choices": [{"message": {"content": None}}]}]:
        with pytest.raises(ModelFailure):
            reply_text(odd)


def test_the_key_stays_out_of_the_endpoint_repr() -> None:
    endpoint = ModelEndpoint.of({"llm_url": "https://m.example/v1", "app_key": "sk-secret"})
    assert endpoint.key == "sk-secret" and endpoint.model == "default"
    assert "sk-secret" not in repr(endpoint)
