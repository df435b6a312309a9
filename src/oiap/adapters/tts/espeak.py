"""The default speech engine: libespeak-ng, bundled with its data by the espeakng-loader wheel.

No system package and nothing downloaded at run time: the wheel carries the shared library
and ``espeak-ng-data`` (English and Mandarin dictionaries included). We drive the library's
C API through ctypes in synchronous mode, collecting samples in its synth callback.
libespeak-ng keeps one global synthesiser, so every call goes through one lock.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from math import gcd

import numpy as np

from oiap.services.tts import Prosody, SpeechEngineError

NATIVE_RATE = 22050  # what libespeak-ng synthesises at; other rates are resampled

# espeak_AUDIO_OUTPUT, espeak_PARAMETER, espeak_POSITION_TYPE and flags (speak_lib.h)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_RATE, _VOLUME, _PITCH = 1, 2, 3
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0

# espeak-ng's own units: words per minute 80…450 (175 its default), amplitude 0…200
# (100 its default), pitch 0…100 (50 the voice's own).
_DEFAULT_WPM = 175


@dataclass(frozen=True)
class EspeakVoice:
    identifier: str  # espeak-ng voice name, ``+variant`` choosing its timbre
    language: str
    description: str


VOICES: Mapping[str, EspeakVoice] = {
    # The spec's Mandarin voices. Its pages give an adjective per voice, no gender or
    # sample, so each takes the espeak-ng variant nearest that adjective.
    "cn_chengshuxing_common": EspeakVoice("cmn+m3", "zh", "Mandarin, mature (male)"),
    "cn_kefuman_common": EspeakVoice("cmn+f2", "zh", "Mandarin, customer service (female)"),
    "cn_roumeiqian_common": EspeakVoice("cmn+f4", "zh", "Mandarin, soft (female)"),
    "cn_tianmeiru_common": EspeakVoice("cmn+f3", "zh", "Mandarin, sweet (female)"),
    "cn_ziranzhen_common": EspeakVoice("cmn+f1", "zh", "Mandarin, natural (female)"),
    # Our own English voices, named like the spec's.
    "en_us_female_common": EspeakVoice("en-us+f3", "en", "US English (female)"),
    "en_us_male_common": EspeakVoice("en-us+m3", "en", "US English (male)"),
    "en_gb_female_common": EspeakVoice("en+f2", "en", "British English (female)"),
    "en_gb_male_common": EspeakVoice("en+m1", "en", "British English (male)"),
}


def espeak_rate(speed: int) -> int:
    """-500 halves the speaking rate, +500 doubles it, 0 is espeak-ng's default."""
    return round(_DEFAULT_WPM * 2 ** (speed / 500))


def espeak_pitch(pitch: int) -> int:
    return 50 + pitch // 10


def espeak_volume(volume: int) -> int:
    return volume * 2


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class EspeakEngine:
    """``SpeechEngine`` on libespeak-ng. The library loads on the first synthesis."""

    def __init__(self, voices: Mapping[str, EspeakVoice] = VOICES) -> None:
        self.voices = voices
        self._lock = threading.Lock()
        self._lib: ctypes.CDLL | None = None
        self._chunks: list[bytes] = []
        self._callback = _SynthCallback(self._collect)  # kept alive as long as the engine

    @property
    def voice_names(self) -> frozenset[str]:
        return frozenset(self.voices)

    def synthesize(self, text: str, voice_name: str, prosody: Prosody, sample_rate: int) -> bytes:
        voice = self.voices[voice_name]
        with self._lock:
            lib = self._library()
            if lib.espeak_SetVoiceByName(voice.identifier.encode()) != _EE_OK:
                raise SpeechEngineError(f"espeak-ng has no voice '{voice.identifier}'")
            lib.espeak_SetParameter(_RATE, espeak_rate(prosody.speed), 0)
            lib.espeak_SetParameter(_PITCH, espeak_pitch(prosody.pitch), 0)
            lib.espeak_SetParameter(_VOLUME, espeak_volume(prosody.volume), 0)
            data = text.encode("utf-8") + b"\0"
            self._chunks = []
            status = lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            pcm = b"".join(self._chunks)
            self._chunks = []
        if status != _EE_OK:
            raise SpeechEngineError(f"espeak_Synth answered {status}")
        return resample(pcm, NATIVE_RATE, sample_rate)

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: object) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # go on

    def _library(self) -> ctypes.CDLL:
        if self._lib is not None:
            return self._lib
        try:
            import espeakng_loader

            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (ImportError, OSError, RuntimeError) as exc:
            raise SpeechEngineError(f"libespeak-ng could not be loaded: {exc}") from exc
        lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT
        )
        if rate != NATIVE_RATE:
            raise SpeechEngineError(f"libespeak-ng did not start (answered {rate})")
        lib.espeak_SetSynthCallback(self._callback)
        self._lib = lib
        return lib


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """16-bit mono PCM at another rate, through a polyphase low-pass filter (no aliasing)."""
    if from_rate == to_rate or not pcm:
        return pcm
    from scipy.signal import resample_poly  # a heavy import, paid at the first prompt

    common = gcd(from_rate, to_rate)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    converted = resample_poly(samples, to_rate // common, from_rate // common)
    spoken: bytes = np.clip(np.rint(converted), -32768, 32767).astype("<i2").tobytes()
    return spoken
