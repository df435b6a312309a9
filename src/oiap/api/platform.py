"""What every request handler needs: configuration storage, the session store, policies."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from oiap.services.auth import AuthPolicy
from oiap.services.ports import SessionStore, Storage
from oiap.settings import Settings


@dataclass
class Platform:
    settings: Settings
    storage: Storage
    sessions: SessionStore

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
