"""What every request handler needs: configuration storage, the session store, policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from oiap.adapters.http.interfaces import HttpInterfaceCaller
from oiap.adapters.http.language_models import HttpLanguageModel
from oiap.services.auth import AuthPolicy, TokenCache
from oiap.services.dialogs import DialogService
from oiap.services.ports import SessionStore, Storage
from oiap.settings import Settings


@dataclass
class Platform:
    settings: Settings
    storage: Storage
    sessions: SessionStore
    tokens: TokenCache = field(default_factory=TokenCache)
    _dialogs: DialogService | None = field(default=None, init=False, repr=False)
    _language_model: HttpLanguageModel | None = field(default=None, init=False, repr=False)

    @property
    def dialogs(self) -> DialogService:
        """The dialog runtime, made on first use so its HTTP client joins the running loop."""
        if self._dialogs is None:
            self._dialogs = DialogService(
                self.storage,
                self.sessions,
                HttpInterfaceCaller(),
                dialog_ttl=self.settings.dialog_ttl,
                time_zone=self.settings.time_zone,
            )
        return self._dialogs

    @property
    def language_model(self) -> HttpLanguageModel:
        """Third-party language models' caller (type-6 chats), one pooled HTTP client."""
        if self._language_model is None:
            timeout = self.settings.language_model_timeout
            self._language_model = HttpLanguageModel(timeout=timeout)
        return self._language_model

    async def close_dialogs(self) -> None:
        """Close the HTTP clients the dialogs call out with (flows' and language models')."""
        if self._dialogs is not None:
            await self._dialogs.close()
            self._dialogs = None
        if self._language_model is not None:
            await self._language_model.close()
            self._language_model = None

    @property
    def auth_policy(self) -> AuthPolicy:
        s = self.settings
        return AuthPolicy(
            token_ttl=s.token_ttl,
            lockout_threshold=s.lockout_threshold,
            lockout_window=s.lockout_window,
            lockout_duration=s.lockout_duration,
        )


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform
