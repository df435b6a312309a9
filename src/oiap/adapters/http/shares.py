"""Shares of a worker's outgoing connections, so one tenant's slow backend cannot take them all.

A call holds three slots while it runs: one of its tenant's, one of its destination's (scheme,
host and port) and one of the worker's. Slots are always taken in that order, so no two calls
wait on each other in a circle. The caller bounds the wait with its own deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Share:
    slots: asyncio.Semaphore
    users: int = 0  # holding or waiting; the share is dropped when nobody is


@dataclass
class _KeyedShares:
    size: int
    _shares: dict[str, _Share] = field(default_factory=dict)

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        share = self._shares.get(key)
        if share is None:
            share = self._shares[key] = _Share(asyncio.Semaphore(self.size))
        share.users += 1
        try:
            async with share.slots:
                yield
        finally:
            share.users -= 1
            # Only keys with a call in flight keep an entry: the map never outgrows the calls.
            if share.users == 0 and self._shares.get(key) is share:
                del self._shares[key]

    def __len__(self) -> int:
        return len(self._shares)


class ConnectionShares:
    def __init__(self, *, total: int, per_tenant: int, per_destination: int) -> None:
        self._total = asyncio.Semaphore(total)
        self.tenants = _KeyedShares(min(per_tenant, total))
        self.destinations = _KeyedShares(min(per_destination, total))

    @asynccontextmanager
    async def slot(self, tenant: str, destination: str) -> AsyncIterator[None]:
        async with self.tenants.slot(tenant), self.destinations.slot(destination), self._total:
            yield
