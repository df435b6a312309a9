# ruff: noqa: RUF001 (Mandarin prompts use full-width punctuation)
"""The text-to-voice use case with a stand-in engine: ranges, sentences, cache, queue."""

from __future__ import annotations

import asyncio
import base64
import io
import threading
import wave

import pytest

from oiap.errors import Err, OiapError
from oiap.services.tts import (
    MAX_TEXT_CHARS,
    PromptCache,
    Prosody,
    Rendering,
    SpeechEngineError,
    TextToVoice,
    setting,
    split_sentences,
)


class ToneEngine:
    """10 ms of samples per character; counts its calls; can be held or made to fail."""

    voice_names = frozenset({"cn_kefuman_common"})

    def __init__(self) -> None:
        self.calls = 0
        self.release = threading.Event()
        self.release.set()
        self.broken = False

    def synthesize(self, text: str, voice_name: str, prosody: Prosody, sample_rate: int) -> bytes:
        self.release.wait(5)
        self.calls += 1
        if self.broken:
            raise SpeechEngineError("no library")
        return b"\x10\x00" * (sample_rate // 100) * len(text)


def service(engine: ToneEngine, **overrides: int) -> TextToVoice:
    options = {"sample_rate": 8000, "cache_bytes": 1 << 20, "max_waiting": 4, **overrides}
    return TextToVoice(lambda: engine, **options)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 0), ("", 0), ("  ", 0), ("12", 12), ("-500", -500), ("+500", 500), (7, 7)],
)
def test_settings_read_strings_and_numbers(value: str | int | None, expected: int) -> None:
    assert setting("pitch", value, 0, (-500, 500)) == expected


@pytest.mark.parametrize("value", ["501", "-501", "1.5", "ten", "1e2", "0x10", 9999999])
def test_settings_out_of_range_or_not_integers_are_refused(value: str | int) -> None:
    with pytest.raises(OiapError) as caught:
        setting("pitch", value, 0, (-500, 500))
    assert caught.value.error is Err.PARAMETER
    assert "config.pitch" in caught.value.text


def test_sentences_split_at_end_punctuation_in_both_scripts() -> None:
    text = "Pay 3.5 dollars. Really?Yes!\n\n您好，欢迎致电。请问……有什么事？ok"
    assert split_sentences(text) == [
        "Pay 3.5 dollars.",
        "Really?Yes!",
        "您好，欢迎致电。",
        "请问……",
        "有什么事？",
        "ok",
    ]


def test_cache_drops_the_least_recently_used_past_its_size() -> None:
    def rendering(size: int) -> Rendering:
        return Rendering("wav", 8000, "A" * size, ())

    cache = PromptCache(max_bytes=250)
    keys = [(str(i), "v", 0, 50, 0, 8000) for i in range(3)]
    cache.put(keys[0], rendering(100))
    cache.put(keys[1], rendering(100))
    assert cache.get(keys[0]) is not None  # now the most recent
    cache.put(keys[2], rendering(100))
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) is not None and cache.get(keys[2]) is not None
    cache.put(("big", "v", 0, 50, 0, 8000), rendering(1000))  # larger than the whole cache
    assert len(cache) == 2


async def test_rendering_times_sentences_and_writes_a_wav() -> None:
    engine = ToneEngine()
    result = await service(engine).render("Hello there. Bye.", "cn_kefuman_common")
    assert [(s.text, s.offset_ms, s.duration_ms) for s in result.sentences] == [
        ("Hello there.", 0, 120),
        ("Bye.", 120, 40),
    ]
    with wave.open(io.BytesIO(base64.b64decode(result.voice_data))) as wav:
        assert (wav.getframerate(), wav.getnframes()) == (8000, 1280)


async def test_identical_requests_render_once() -> None:
    engine = ToneEngine()
    engine.release.clear()
    tts = service(engine)
    waiting = [asyncio.create_task(tts.render("Hi.", "cn_kefuman_common")) for _ in range(5)]
    await asyncio.sleep(0.05)
    engine.release.set()
    results = await asyncio.gather(*waiting)
    assert engine.calls == 1
    assert all(r is results[0] for r in results)
    assert await tts.render("Hi.", "cn_kefuman_common") is results[0]
    assert engine.calls == 1


async def test_a_full_queue_answers_busy_and_then_recovers() -> None:
    engine = ToneEngine()
    engine.release.clear()
    tts = service(engine, max_waiting=2)
    held = [asyncio.create_task(tts.render(f"Prompt {i}.", "cn_kefuman_common")) for i in (1, 2)]
    await asyncio.sleep(0.05)
    with pytest.raises(OiapError) as caught:
        await tts.render("Prompt 3.", "cn_kefuman_common")
    assert caught.value.error is Err.TTS_BUSY
    engine.release.set()
    await asyncio.gather(*held)
    assert (await tts.render("Prompt 3.", "cn_kefuman_common")).sentences


async def test_refusals_and_engine_failures_use_the_catalogue() -> None:
    engine = ToneEngine()
    tts = service(engine)
    for text, voice, field in [
        ("x" * (MAX_TEXT_CHARS + 1), "cn_kefuman_common", "text"),
        ("", "cn_kefuman_common", "text"),
        ("Hi.", "cn_nobody_common", "config.voiceName"),
    ]:
        with pytest.raises(OiapError) as caught:
            await tts.render(text, voice)
        assert caught.value.error is Err.PARAMETER and field in caught.value.text
    assert engine.calls == 0
    engine.broken = True
    with pytest.raises(OiapError) as failed:
        await tts.render("Hi.", "cn_kefuman_common")
    assert failed.value.error is Err.TTS_UNAVAILABLE
    engine.broken = False
    assert (await tts.render("Hi.", "cn_kefuman_common")).sentences  # a failure is not cached
