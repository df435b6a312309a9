"""Text to voice (spec §8): ``POST /oifde/rest/api/tts/texttovoice``.

Success answers ``retCode``/``retMsg``/``data`` as documented; errors answer the
``errorCode``/``errorMsg`` envelope of the other OIAP interfaces. The choices on the
points the spec leaves open are in docs/api.md, "Text to voice (spec §8)".
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from oiap.api.oiap.auth import authorize
from oiap.api.platform import platform_of
from oiap.api.wire import json_body, request_schema
from oiap.services.tts import MAX_TEXT_CHARS, Rendering, TextToVoice

router = APIRouter(tags=["OIAP text to voice"])

Setting = StrictStr | StrictInt | None


class VoiceConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    voiceName: str = Field(min_length=1, max_length=64)
    pitch: Setting = Field(default=None, description="-500…500, default 0 (a string).")
    volume: Setting = Field(default=None, description="0…100, default 50 (a string).")
    speed: Setting = Field(default=None, description="-500…500, default 0 (a string).")


class TextToVoiceRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenantId: str = Field(min_length=1, max_length=64)
    authToken: str | None = Field(default=None, max_length=512)
    text: str = Field(max_length=MAX_TEXT_CHARS, description="UTF-8 text to speak.")
    config: VoiceConfig


class SentenceInfo(BaseModel):
    text: str
    offsetMs: int
    durationMs: int


class VoiceData(BaseModel):
    format: str
    sampleRate: int
    voiceData: str
    sentences: list[SentenceInfo]


class TextToVoiceResponse(BaseModel):
    retCode: str = "0"
    retMsg: str = "success"
    data: VoiceData


def text_to_voice(request: Request) -> TextToVoice:
    """The worker's one synthesis service, made at the first request that needs it."""
    state = request.app.state
    service: TextToVoice | None = getattr(state, "text_to_voice", None)
    if service is None:
        from oiap.adapters.tts.espeak import EspeakEngine

        settings = platform_of(request).settings
        service = TextToVoice(
            EspeakEngine,
            sample_rate=settings.tts_sample_rate,
            cache_bytes=settings.tts_cache_bytes,
            max_waiting=settings.tts_max_waiting,
        )
        state.text_to_voice = service
    return service


def _answer(rendering: Rendering) -> Response:
    body = {
        "retCode": "0",
        "retMsg": "success",
        "data": {
            "format": rendering.format,
            "sampleRate": rendering.sample_rate,
            "voiceData": rendering.voice_data,
            "sentences": [
                {"text": s.text, "offsetMs": s.offset_ms, "durationMs": s.duration_ms}
                for s in rendering.sentences
            ],
        },
    }
    return Response(orjson.dumps(body), media_type="application/json")


@router.post(
    "/oifde/rest/api/tts/texttovoice",
    response_model=TextToVoiceResponse,
    openapi_extra=request_schema(TextToVoiceRequest),
    summary="Synthesise speech from text (WAV, Base64)",
)
async def texttovoice(
    request: Request,
    body: Annotated[TextToVoiceRequest, Depends(json_body(TextToVoiceRequest))],
) -> Response:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    rendering = await text_to_voice(request).render(
        body.text,
        body.config.voiceName,
        pitch=body.config.pitch,
        volume=body.config.volume,
        speed=body.config.speed,
    )
    return _answer(rendering)
