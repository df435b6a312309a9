"""What the console-user use cases need from storage (placeholder, being written)."""

from __future__ import annotations

from typing import Protocol


class UserRepository(Protocol):
    pass
