"""What every request handler needs: configuration storage, the session store, policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from oiap.adapters.http.egress import EgressPolicy, demo_origins
from oiap.adapters.http.interfaces import HttpInterfaceCaller
from oiap.adapters.http.language_models import HttpLanguageModel
from oiap.services.auth import AuthPolicy, SecretChecks, TokenCache
from oiap.services.config_versions import ConfigVersions, StampedStorage
from oiap.services.dialogs import DialogService, Transcripts
from oiap.services.ports import SessionStore, Storage
from oiap.services.turn_records import TurnRecorder
from oiap.settings import Settings


@dataclass
class Platform:
    settings: Settings
    storage: Storage
    sessions: SessionStore
    tokens: TokenCache = field(default_factory=TokenCache)
    _dialogs: DialogService | None = field(default=None, init=False, repr=False)
    _language_model: HttpLanguageModel | None = field(default=None, init=False, repr=False)
    _secret_checks: SecretChecks | None = field(default=None, init=False, repr=False)
    config_versions: ConfigVersions = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Every committed configuration change made through this platform changes the
        # tenant's stamp, which the dialogs check: changes reach the next new call at once.
        self.config_versions = ConfigVersions(self.sessions)
        if not isinstance(self.storage, StampedStorage):
            self.storage = StampedStorage(self.storage, self.config_versions)
        else:
            self.config_versions = self.storage.versions

    @property
    def dialogs(self) -> DialogService:
        """The dialog runtime, made on first use so its HTTP client joins the running loop."""
        if self._dialogs is None:
            s = self.settings
            caller = HttpInterfaceCaller(
                egress=self.egress,
                max_connections=s.interface_max_connections,
                max_per_tenant=s.interface_max_per_tenant,
                max_per_host=s.interface_max_per_host,
                max_answer_bytes=s.interface_max_answer_bytes,
            )
            self._dialogs = DialogService(
                self.storage,
                self.sessions,
                caller,
                dialog_ttl=self.settings.dialog_ttl,
                time_zone=self.settings.time_zone,
                turn_budget=self.settings.turn_budget,
                lock_lease=self.settings.dialog_lock_lease,
                recorder=self._turn_recorder(),
                transcripts=self._transcripts(),
                config_versions=self.config_versions,
            )
        return self._dialogs

    def _transcripts(self) -> Transcripts | None:
        """Where ASR results sent by key are read (spec §7.7): OIAP_ASR_REDIS_URL, else the
        session store's Redis; with neither, such input is text."""
        s = self.settings
        url = s.asr_redis_url or (s.session_store if s.session_store != "memory" else "")
        if not url:
            return None
        from oiap.adapters.sessions.asr_results import RedisTranscripts

        return RedisTranscripts(
            url, connect_timeout=s.redis_connect_timeout, command_timeout=s.redis_command_timeout
        )

    def _turn_recorder(self) -> TurnRecorder:
        """Turn records wait in a Redis Stream when Redis is the session store (they then
        survive a database outage and a restart), otherwise in a bounded in-memory buffer."""
        s = self.settings
        durable = None
        if s.session_store != "memory":
            from oiap.adapters.sessions.record_buffer import RedisRecordBuffer

            durable = RedisRecordBuffer(
                s.session_store,
                max_len=s.record_stream_max,
                reclaim_idle=s.record_reclaim_idle,
                connect_timeout=s.redis_connect_timeout,
                command_timeout=s.redis_command_timeout,
            )
        return TurnRecorder(self.storage, durable, memory_limit=s.record_buffer_max)

    @property
    def language_model(self) -> HttpLanguageModel:
        """Third-party language models' caller (type-6 chats), one pooled HTTP client."""
        if self._language_model is None:
            self._language_model = HttpLanguageModel(
                timeout=self.settings.language_model_timeout,
                egress=self.egress,
                max_answer_bytes=self.settings.interface_max_answer_bytes,
            )
        return self._language_model

    @property
    def egress(self) -> EgressPolicy:
        """Where flows and language models may connect; the demo also reaches this server's
        own origin (its bot calls the stand-in systems served here), and no other loopback."""
        s = self.settings
        origins = demo_origins(s.host, s.port) if s.demo else ()
        return EgressPolicy.of(s.egress_deny, s.egress_allow, origins)

    async def close_dialogs(self) -> None:
        """Close the HTTP clients the dialogs call out with (flows' and language models')."""
        if self._dialogs is not None:
            await self._dialogs.close()
            self._dialogs = None
        await self.config_versions.close()
        if self._language_model is not None:
            await self._language_model.close()
            self._language_model = None
        if self._secret_checks is not None:
            self._secret_checks.close()
            self._secret_checks = None

    @property
    def secret_checks(self) -> SecretChecks:
        """This worker's threads for slow hashes, so a gettoken burst leaves the loop free."""
        if self._secret_checks is None:
            self._secret_checks = SecretChecks(self.settings.secret_check_concurrency)
        return self._secret_checks

    @property
    def auth_policy(self) -> AuthPolicy:
        s = self.settings
        return AuthPolicy(
            token_ttl=s.token_ttl,
            lockout_threshold=s.lockout_threshold,
            lockout_window=s.lockout_window,
            lockout_duration=s.lockout_duration,
            secret_checks=self.secret_checks,
        )


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform
