"""Interactive-dialog wire models with every documented range (spec §4, §5)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

Lang = Literal["CN", "EN", "ESP", "por", "Arabic", "Thai"]


# Inclusive ranges, named by their bounds so each field reads like the spec's table.
Int0To100 = Annotated[StrictInt, Field(ge=0, le=100)]
Int0To10000 = Annotated[StrictInt, Field(ge=0, le=10000)]
Int0To1024 = Annotated[StrictInt, Field(ge=0, le=1024)]
Int0To120 = Annotated[StrictInt, Field(ge=0, le=120)]
Int0To1440 = Annotated[StrictInt, Field(ge=0, le=1440)]
Int0To1920 = Annotated[StrictInt, Field(ge=0, le=1920)]
Int0To2147483647 = Annotated[StrictInt, Field(ge=0, le=2147483647)]
Int0To360 = Annotated[StrictInt, Field(ge=0, le=360)]
Int0To3840 = Annotated[StrictInt, Field(ge=0, le=3840)]
Int1To100 = Annotated[StrictInt, Field(ge=1, le=100)]
Int1To7680 = Annotated[StrictInt, Field(ge=1, le=7680)]
Int40To30000 = Annotated[StrictInt, Field(ge=40, le=30000)]
Int50To200 = Annotated[StrictInt, Field(ge=50, le=200)]
Int90To240 = Annotated[StrictInt, Field(ge=90, le=240)]
IntMinus1920To3840 = Annotated[StrictInt, Field(ge=-1920, le=3840)]
IntMinus1To100 = Annotated[StrictInt, Field(ge=-1, le=100)]
IntMinus5760To0 = Annotated[StrictInt, Field(ge=-5760, le=0)]
Str0To1024 = Annotated[StrictStr, Field(min_length=0, max_length=1024)]
Str0To16 = Annotated[StrictStr, Field(min_length=0, max_length=16)]
Str0To2048 = Annotated[StrictStr, Field(min_length=0, max_length=2048)]
Str0To256 = Annotated[StrictStr, Field(min_length=0, max_length=256)]
Str0To64 = Annotated[StrictStr, Field(min_length=0, max_length=64)]
Str0To7 = Annotated[StrictStr, Field(min_length=0, max_length=7)]
Str1To2048 = Annotated[StrictStr, Field(min_length=1, max_length=2048)]
Str1To256 = Annotated[StrictStr, Field(min_length=1, max_length=256)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SubtitleConfig(Wire):
    dx: Int0To1920 | None = None
    dy: Int0To1920 | None = None
    h: Int0To1920 | None = None
    w: Int0To1920 | None = None
    font_name: Str0To64 | None = None
    font_size: Int0To120 | None = None
    font_color: Str0To7 | None = None
    stroke_color: Str0To7 | None = None
    stroke_thickness: Annotated[float, Field(ge=0, le=50)] | None = None
    opacity: Annotated[float, Field(ge=0, le=1)] | None = None


class VideoConfig(Wire):
    clip_mode: Literal["RESIZE", "CROP"] | None = None
    codec: Literal["H264", "VP8", "VP9", "QTRLE"] | None = None
    bitrate: Int40To30000
    width: Int0To3840
    height: Int0To3840
    frame_rate: Literal["24", "25", "30"] | None = None
    is_subtitle_enable: StrictBool | None = None
    subtitle_config: SubtitleConfig | None = None
    dx: IntMinus1920To3840 | None = None
    dy: IntMinus1920To3840 | None = None
    is_enable_super_resolution: StrictBool | None = None
    is_end_at_first_frame: StrictBool | None = None
    output_external_url: StrictStr | None = None
    is_vocabulary_config_enable: StrictBool | None = None


class VoiceConfig(Wire):
    voice_asset_id: Str1To256
    speed: Int50To200 | None = None
    pitch: Int50To200 | None = None
    volume: Int90To240 | None = None


class ChatVoiceConfig(Wire):
    voice_asset_id: Str1To256 | None = None
    speed: Int50To200 | None = None
    pitch: Int50To200 | None = None
    volume: Int90To240 | None = None
    provider: Literal["XIMALAYA", "HUAWEI_EI", "MOBVOI"] | None = None
    language: Lang | None = None


class BackgroundImageConfig(Wire):
    dx: IntMinus5760To0
    dy: IntMinus5760To0
    width: Int1To7680
    height: Int1To7680


class BackgroundConfigInfo(Wire):
    background_type: Literal["IMAGE", "COLOR", "IMAGE_2D", "VIDEO", "AUDIO"]
    background_config: Str1To2048 | None = None
    background_color_config: Str0To16 | None = None
    background_asset_id: Str0To64 | None = None
    background_image_config: BackgroundImageConfig | None = None


class LayerPosition(Wire):
    dx: IntMinus1920To3840
    dy: IntMinus1920To3840
    layer_index: Int1To100


class LayerSize(Wire):
    width: Int1To7680 | None = None
    height: Int1To7680 | None = None


class LayerRotation(Wire):
    angle: Int0To360 | None = None


class LayerImage(Wire):
    image_url: Str1To2048 | None = None


class LayerVideo(Wire):
    video_url: Str1To2048 | None = None
    video_cover_url: Str1To2048 | None = None
    loop_count: IntMinus1To100 | None = None
    video_sound: Int0To100 | None = None
    is_play_the_entire_video: StrictBool | None = None


class LayerText(Wire):
    text_context: Str0To1024 | None = None
    font_name: Str0To64 | None = None
    font_size: Int0To120 | None = None
    font_color: Str0To16 | None = None


class LayerConfig(Wire):
    layer_type: Literal["HUMAN", "IMAGE", "VIDEO", "TEXT"]
    asset_id: Str0To64 | None = None
    group_id: Str0To64 | None = None
    sequence_no: Int0To2147483647 | None = None
    position: LayerPosition | None = None
    size: LayerSize | None = None
    rotation: LayerRotation | None = None
    image_config: LayerImage | None = None
    video_config: LayerVideo | None = None
    text_config: LayerText | None = None


class ReviewConfig(Wire):
    no_need_review: StrictBool | None = None


class ChatSubtitleConfig(Wire):
    dx: Int0To1920 | None = None
    dy: Int0To1920 | None = None
    width: Int1To7680 | None = None
    height: Int1To7680 | None = None


class ChatResourceConfig(Wire):
    resource_id: StrictStr | None = None
    count_resource: Int0To10000 | None = None


class RoomBody(Wire):
    """Create and update body (spec §5.1): the 20 writable attributes."""

    room_name: Str1To256
    room_description: Str0To2048 | None = None
    video_config: VideoConfig | None = None
    model_asset_id: Str0To256 | None = None
    voice_config: VoiceConfig | None = None
    voice_config_list: list[ChatVoiceConfig] | None = Field(default=None, max_length=32)
    robot_id: Str0To64 | None = None
    billing_mode: Literal["CONCURRENCY", "CLIENT", "CLIENT_TOKENS"] | None = None
    reuse_resource: StrictBool | None = None
    concurrency: Int0To1024 | None = None
    client_nums: Int0To1024 | None = None
    default_language: Lang | None = None
    background_config: BackgroundConfigInfo | None = None
    layer_config: list[LayerConfig] | None = Field(default=None, max_length=100)
    review_config: ReviewConfig | None = None
    chat_subtitle_config: ChatSubtitleConfig | None = None
    chat_video_type: Literal["COMPUTER", "MOBILE", "HUB"] | None = None
    exit_mute_threshold: Int0To1440 | None = None
    enable_semantic_action: StrictBool | None = None
    chat_resource_config: list[ChatResourceConfig] | None = Field(default=None, max_length=100)
