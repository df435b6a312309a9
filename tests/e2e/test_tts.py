# ruff: noqa: RUF001 (Mandarin prompts use full-width punctuation)
"""Text to voice (spec §8) through a real server: the answer is speech, not just bytes.

Each check decodes the WAV a client gets and looks at the signal: its length follows the
text's, it carries energy across the utterance, speed, pitch and volume move it the right
way, Mandarin voices speak Mandarin text, and an offline recogniser (pocketsphinx with its
bundled US-English model) hears the words we asked for.
"""

from __future__ import annotations

import base64
import io
import secrets
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import httpx
import numpy as np
import pytest

PATH = "/oifde/rest/api/tts/texttovoice"
SPEC_VOICES = (
    "cn_chengshuxing_common",
    "cn_kefuman_common",
    "cn_roumeiqian_common",
    "cn_tianmeiru_common",
    "cn_ziranzhen_common",
)
WELCOME = "Welcome to the bank hotline. Please say or press your account number."


@dataclass
class Tenant:
    url: str
    tenant_id: str
    token: str
    env: dict[str, str]

    def say(self, text: str, voice: str = "en_us_male_common", **config: Any) -> httpx.Response:
        body = {
            "tenantId": self.tenant_id,
            "authToken": self.token,
            "text": text,
            "config": {"voiceName": voice, **config},
        }
        return httpx.post(self.url + PATH, json=body, timeout=30)


@dataclass
class Audio:
    rate: int
    samples: np.ndarray[Any, np.dtype[np.float64]]

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def rms(self) -> float:
        return float(np.sqrt(np.mean(self.samples**2))) if len(self.samples) else 0.0

    def voiced_windows(self, count: int, floor: float = 300.0) -> int:
        """How many of ``count`` equal windows carry energy above ``floor``."""
        return sum(
            float(np.sqrt(np.mean(w**2))) > floor for w in np.array_split(self.samples, count)
        )

    def pitch(self) -> float:
        """Median fundamental frequency of the loud 40 ms frames, by autocorrelation."""
        n = int(self.rate * 0.04)
        found = []
        for start in range(0, len(self.samples) - n, n):
            frame = self.samples[start : start + n]
            if np.sqrt(np.mean(frame**2)) < 1000:
                continue
            frame = frame - frame.mean()
            corr = np.correlate(frame, frame, "full")[n - 1 :]
            low, high = self.rate // 400, self.rate // 60
            found.append(self.rate / (low + int(np.argmax(corr[low:high]))))
        return float(np.median(found))


def audio_of(reply: httpx.Response) -> tuple[Audio, dict[str, Any]]:
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["retCode"] == "0"
    data = body["data"]
    assert data["format"] == "wav"
    with wave.open(io.BytesIO(base64.b64decode(data["voiceData"]))) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert wav.getframerate() == data["sampleRate"]
        frames = wav.readframes(wav.getnframes())
        rate = wav.getframerate()
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    return Audio(rate, samples), data


def start_tenant(tmp: Path, **settings: str | int) -> Iterator[Tenant]:
    with harness.database("sqlite", tmp) as db_url:
        env = harness.oiap_env(database_url=db_url, secret_key=secrets.token_hex(32), **settings)
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, log=tmp / "server.log") as server:
            made = harness.cli_json("tenant", "create", "Voice Prompts Ltd", env=env)
            token = harness.token(server.url, made["appKey"], made["appSecret"])
            yield Tenant(server.url, made["tenantId"], token, env)


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenant]:
    yield from start_tenant(tmp_path_factory.mktemp("tts"))


def test_english_prompt_is_speech_as_long_as_its_text(tenant: Tenant) -> None:
    audio, data = audio_of(tenant.say(WELCOME))
    assert data["sampleRate"] == 8000  # telephony default
    # About 8 to 25 characters a second, as people and IVR prompts speak.
    assert len(WELCOME) / 25 < audio.seconds < len(WELCOME) / 8
    assert audio.voiced_windows(8) >= 6, "speech all along, not silence"
    longer, _ = audio_of(tenant.say(WELCOME + " " + WELCOME))
    assert 1.6 < longer.seconds / audio.seconds < 2.4

    sentences = data["sentences"]
    assert [s["text"] for s in sentences] == [
        "Welcome to the bank hotline.",
        "Please say or press your account number.",
    ]
    assert sentences[0]["offsetMs"] == 0
    assert sentences[1]["offsetMs"] == sentences[0]["durationMs"]
    end = sentences[1]["offsetMs"] + sentences[1]["durationMs"]
    assert abs(end - audio.seconds * 1000) <= 2


@pytest.mark.parametrize("voice", SPEC_VOICES)
def test_every_spec_voice_speaks_mandarin(tenant: Tenant, voice: str) -> None:
    text = "您好，欢迎致电。请问有什么可以帮您？"
    audio, data = audio_of(tenant.say(text, voice))
    assert 1.0 < audio.seconds < 10.0
    assert audio.voiced_windows(6) >= 4
    assert [s["text"] for s in data["sentences"]] == ["您好，欢迎致电。", "请问有什么可以帮您？"]


def test_speed_pitch_and_volume_move_the_speech(tenant: Tenant) -> None:
    text = "Your balance is four hundred and twelve dollars."
    slow, _ = audio_of(tenant.say(text, speed="-300"))
    normal, _ = audio_of(tenant.say(text))
    fast, _ = audio_of(tenant.say(text, speed="300"))
    assert slow.seconds > normal.seconds * 1.3
    assert fast.seconds < normal.seconds / 1.3

    low, _ = audio_of(tenant.say(text, pitch="-400"))
    high, _ = audio_of(tenant.say(text, pitch=400))  # numbers are read like strings
    assert low.pitch() < normal.pitch() < high.pitch()

    quiet, _ = audio_of(tenant.say(text, volume="20"))
    loud, _ = audio_of(tenant.say(text, volume="100"))
    mute, _ = audio_of(tenant.say(text, volume="0"))
    assert quiet.rms() < normal.rms() < loud.rms()
    assert mute.rms() < 1.0
    assert abs(mute.seconds - normal.seconds) < 0.05  # silence of the same length


def test_a_repeated_prompt_comes_back_identical(tenant: Tenant) -> None:
    text = f"Your reference is {secrets.randbelow(10**6)}."
    first = tenant.say(text, "en_gb_female_common", pitch="20", speed="10").json()
    again = tenant.say(text, "en_gb_female_common", pitch="20", speed="10").json()
    other = tenant.say(text, "en_gb_female_common", pitch="40", speed="10").json()
    assert first["data"]["voiceData"] == again["data"]["voiceData"]
    assert first["data"]["voiceData"] != other["data"]["voiceData"]


@pytest.mark.parametrize(
    ("text", "config", "field"),
    [
        ("x" * 1001, {}, "text"),
        ("   ", {}, "text"),
        ("Hello.", {"voiceName": "cn_nobody_common"}, "config.voiceName"),
        ("Hello.", {"pitch": "501"}, "config.pitch"),
        ("Hello.", {"pitch": "-501"}, "config.pitch"),
        ("Hello.", {"volume": "101"}, "config.volume"),
        ("Hello.", {"volume": "-1"}, "config.volume"),
        ("Hello.", {"speed": "fast"}, "config.speed"),
        ("Hello.", {"speed": 1.5}, "config.speed"),
    ],
)
def test_bad_requests_answer_a_parameter_error(
    tenant: Tenant, text: str, config: dict[str, Any], field: str
) -> None:
    reply = tenant.say(text, **{"voice": config.pop("voiceName", "en_us_male_common")}, **config)
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert body["errorCode"] == 10000002
    assert field in body["errorMsg"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"text": "a\\u0000b", "config": {"voiceName": "en_us_male_common"}', "text"),
        ('"text": "a\\ud800b", "config": {"voiceName": "en_us_male_common"}', "text"),
        ('"text": "Hello.", "config": "en_us_male_common"', "config"),
        ('"text": ["Hello."], "config": {"voiceName": "en_us_male_common"}', "text"),
        ('"text": "Hi.", "config": {"voiceName": "en_us_male_common", "volume": true}', "volume"),
    ],
)
def test_malformed_bodies_answer_a_parameter_error(tenant: Tenant, raw: str, field: str) -> None:
    body = f'{{"tenantId": "{tenant.tenant_id}", "authToken": "{tenant.token}", {raw}}}'
    reply = httpx.post(
        tenant.url + PATH,
        content=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == 10000002
    assert field in reply.json()["errorMsg"]


def test_longest_text_is_spoken(tenant: Tenant) -> None:
    text = ("Press one for your balance. " * 40)[:1000]
    audio, data = audio_of(tenant.say(text))
    assert audio.seconds > 30
    assert len(data["sentences"]) == 36


def test_missing_config_and_bad_tokens_are_refused(tenant: Tenant) -> None:
    body = {"tenantId": tenant.tenant_id, "authToken": tenant.token, "text": "Hello."}
    reply = httpx.post(tenant.url + PATH, json=body, timeout=10)
    assert (reply.status_code, reply.json()["errorCode"]) == (400, 10000002)

    bad = {**body, "authToken": "not-a-token", "config": {"voiceName": "en_us_male_common"}}
    reply = httpx.post(tenant.url + PATH, json=bad, timeout=10)
    assert reply.status_code == 401
    assert reply.json()["errorCode"] in (900001, 900002)

    other = harness.cli_json("tenant", "create", "Someone Else Ltd", env=tenant.env)
    theirs = {**bad, "authToken": tenant.token, "tenantId": other["tenantId"]}
    reply = httpx.post(tenant.url + PATH, json=theirs, timeout=10)
    assert (reply.status_code, reply.json()["errorCode"]) == (401, 900002)


@pytest.mark.slow
def test_a_recogniser_hears_the_words(tmp_path: Path) -> None:
    """pocketsphinx's bundled model is trained on 16 kHz speech, so this server speaks
    at 16 kHz; at 8 kHz the model has too little of the signal to go on."""
    decoder_module = pytest.importorskip("pocketsphinx")
    for tenant in start_tenant(tmp_path, tts_sample_rate=16000):
        audio, data = audio_of(tenant.say("one two three four five"))
        assert data["sampleRate"] == 16000
        pcm = audio.samples.astype("<i2").tobytes()
        decoder = decoder_module.Decoder(samprate=16000, loglevel="FATAL")
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        heard = decoder.hyp().hypstr.split() if decoder.hyp() else []
        wanted = ["one", "two", "three", "four", "five"]
        in_order = [w for w in heard if w in wanted]
        assert len(in_order) >= 4 and in_order == sorted(in_order, key=wanted.index), heard
