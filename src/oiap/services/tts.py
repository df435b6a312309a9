"""Text to voice (spec §8): settings checked, prompts rendered once, synthesis off the loop.

A speech engine is a small port (``SpeechEngine``): text, a voice name and prosody in,
16-bit mono PCM out. The service owns everything an engine should not have to: the ranges
of the wire settings, splitting the text into sentences (so every engine yields the same
per-sentence timing), the WAV container, a bounded cache of rendered prompts keyed by text
and settings, and how many syntheses wait at once. Engines are CPU-bound and, like
libespeak-ng, often keep global state, so each worker runs them on one thread of its own.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import re
import wave
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from oiap.errors import Err, OiapError, parameter_error

log = logging.getLogger("oiap.tts")

MAX_TEXT_CHARS = 1000
PITCH_RANGE = (-500, 500)
VOLUME_RANGE = (0, 100)
SPEED_RANGE = (-500, 500)
AUDIO_FORMAT = "wav"  # RIFF WAVE, PCM signed 16-bit little-endian, mono


@dataclass(frozen=True)
class Prosody:
    """The spec's scales: ``pitch`` and ``speed`` -500…500 (0 the voice's own), ``volume``
    0…100 (50 the voice's own). Engines map them onto theirs."""

    pitch: int = 0
    volume: int = 50
    speed: int = 0


@dataclass(frozen=True)
class Sentence:
    text: str
    offset_ms: int
    duration_ms: int


@dataclass(frozen=True)
class Rendering:
    format: str
    sample_rate: int
    voice_data: str  # Base64 of the whole audio file
    sentences: tuple[Sentence, ...]

    @property
    def size(self) -> int:
        return len(self.voice_data) + sum(len(s.text) for s in self.sentences) * 4


class SpeechEngineError(Exception):
    """The engine could not speak (library missing, engine fault); never the caller's."""


class SpeechEngine(Protocol):
    """What a text-to-speech engine provides. Called from one worker thread at a time."""

    @property
    def voice_names(self) -> frozenset[str]:
        """The ``voiceName`` values it speaks (the spec's and any of the engine's own)."""
        ...

    def synthesize(self, text: str, voice_name: str, prosody: Prosody, sample_rate: int) -> bytes:
        """One sentence as PCM: signed 16-bit little-endian, mono, at ``sample_rate``."""
        ...


def setting(name: str, value: str | int | None, default: int, bounds: tuple[int, int]) -> int:
    """A prosody setting from the wire: documented as a string, sent as a number by some
    clients; absent or empty means the default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,6}", text):
            raise parameter_error(f"config.{name}", "must be an integer")
        number = int(text)
    else:
        number = value
    low, high = bounds
    if not low <= number <= high:
        raise parameter_error(f"config.{name}", f"must be between {low} and {high}")
    return number


# A sentence ends at CJK end punctuation, or at Latin end punctuation followed by a space,
# or at a line break; the punctuation stays with its sentence ("3.5" and "a.b" do not split,
# nor a run of marks such as "……").
_CJK_END = "\u3002\uff01\uff1f\uff1b\u2026"  # full stop, ! ? ; and ellipsis
_SENTENCE_END = re.compile(rf"(?<=[{_CJK_END}])(?![{_CJK_END}])|(?<=[.!?;])(?=\s)|\n+")


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def wav_file(pcm: bytes, sample_rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as container:
        container.setnchannels(1)
        container.setsampwidth(2)
        container.setframerate(sample_rate)
        container.writeframes(pcm)
    return out.getvalue()


def render_now(
    engine: SpeechEngine, text: str, voice_name: str, prosody: Prosody, sample_rate: int
) -> Rendering:
    """The whole prompt, sentence by sentence, in the calling thread."""
    pieces: list[bytes] = []
    sentences: list[Sentence] = []
    samples = 0
    for sentence in split_sentences(text):
        pcm = engine.synthesize(sentence, voice_name, prosody, sample_rate)
        count = len(pcm) // 2
        sentences.append(
            Sentence(
                text=sentence,
                offset_ms=samples * 1000 // sample_rate,
                duration_ms=count * 1000 // sample_rate,
            )
        )
        pieces.append(pcm[: count * 2])
        samples += count
    audio = wav_file(b"".join(pieces), sample_rate)
    return Rendering(
        format=AUDIO_FORMAT,
        sample_rate=sample_rate,
        voice_data=base64.b64encode(audio).decode("ascii"),
        sentences=tuple(sentences),
    )


_Key = tuple[str, str, int, int, int, int]


class PromptCache:
    """Rendered prompts, least recently used first out, bounded by their encoded size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[_Key, Rendering] = OrderedDict()
        self._bytes = 0

    def get(self, key: _Key) -> Rendering | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: _Key, rendering: Rendering) -> None:
        if rendering.size > self.max_bytes or key in self._items:
            return
        self._items[key] = rendering
        self._bytes += rendering.size
        while self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= dropped.size

    def __len__(self) -> int:
        return len(self._items)


class TextToVoice:
    """The §8 use case for one worker: one synthesis thread, a bounded queue, one cache.

    Identical requests arriving while their prompt is being rendered share that rendering.
    """

    def __init__(
        self,
        engine_factory: Callable[[], SpeechEngine],
        *,
        sample_rate: int,
        cache_bytes: int,
        max_waiting: int,
    ) -> None:
        self._engine_factory = engine_factory
        self._engine: SpeechEngine | None = None
        self.sample_rate = sample_rate
        self.cache = PromptCache(cache_bytes)
        self.max_waiting = max_waiting
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oiap-tts")
        self._rendering: dict[_Key, asyncio.Task[Rendering]] = {}

    @property
    def engine(self) -> SpeechEngine:
        if self._engine is None:
            self._engine = self._engine_factory()
        return self._engine

    async def render(
        self,
        text: str,
        voice_name: str,
        *,
        pitch: str | int | None = None,
        volume: str | int | None = None,
        speed: str | int | None = None,
    ) -> Rendering:
        prosody = Prosody(
            pitch=setting("pitch", pitch, 0, PITCH_RANGE),
            volume=setting("volume", volume, 50, VOLUME_RANGE),
            speed=setting("speed", speed, 0, SPEED_RANGE),
        )
        if not text.strip():
            raise parameter_error("text", "must not be empty")
        if len(text) > MAX_TEXT_CHARS:
            raise parameter_error("text", f"is longer than {MAX_TEXT_CHARS} characters")
        try:
            voices = self.engine.voice_names
        except SpeechEngineError as exc:
            log.error("speech engine unavailable: %s", exc)
            raise OiapError(Err.TTS_UNAVAILABLE) from None
        if voice_name not in voices:
            raise parameter_error("config.voiceName", f"'{voice_name}' is not a known voice")
        key: _Key = (
            text,
            voice_name,
            prosody.pitch,
            prosody.volume,
            prosody.speed,
            self.sample_rate,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        task = self._rendering.get(key)
        if task is None:
            if len(self._rendering) >= self.max_waiting:
                raise OiapError(Err.TTS_BUSY)
            task = asyncio.get_running_loop().create_task(self._render(key, prosody))
            self._rendering[key] = task
            task.add_done_callback(lambda done: self._settle(key, done))
        # A caller that goes away does not stop a rendering others may be waiting for.
        return await asyncio.shield(task)

    async def _render(self, key: _Key, prosody: Prosody) -> Rendering:
        text, voice_name, *_ = key
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._executor,
                render_now,
                self.engine,
                text,
                voice_name,
                prosody,
                self.sample_rate,
            )
        except SpeechEngineError as exc:
            log.error("speech synthesis failed: %s", exc)
            raise OiapError(Err.TTS_UNAVAILABLE) from None

    def _settle(self, key: _Key, task: asyncio.Task[Rendering]) -> None:
        self._rendering.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return
        self.cache.put(key, task.result())

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
