"""Where outgoing calls (business interfaces, language models) may go, and how much they read.

The policy is checked on the address actually connected to: the network backend resolves the
host itself, keeps only the addresses the policy permits and connects to one of those, so a
name that resolves differently a moment later (DNS rebinding), a decimal or IPv4-mapped form
of a denied address, or a ``user@`` prefix cannot pass it. TLS still verifies the URL's host
name, which httpcore hands to ``start_tls`` apart from the address. Redirects are never
followed and environment proxies are never used: a proxy would connect on our behalf, past the
check.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio
import httpcore
import httpx

from oiap.settings import Settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SCHEMES = frozenset({"http", "https"})


class AnswerTooLarge(Exception):
    """The answer went past the size limit while it was being read."""


def networks(cidrs: str) -> tuple[IpNetwork, ...]:
    """A comma-separated CIDR list (``OIAP_EGRESS_DENY``); a bare address is one host."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in cidrs.split(",")
        if part.strip()
    )


def _plain(address: IpAddress) -> IpAddress:
    # An IPv4-mapped IPv6 address (::ffff:127.0.0.1) reaches the IPv4 host: judge that one.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class EgressPolicy:
    """Denied ranges, the exceptions to them, and single (address, port) origins let through
    (the demo server's own, so its bot can call the demo systems it serves)."""

    deny: tuple[IpNetwork, ...] = ()
    allow: tuple[IpNetwork, ...] = ()
    origins: frozenset[tuple[IpAddress, int]] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls, deny: str, allow: str = "", origins: Iterable[tuple[str, int]] = ()
    ) -> EgressPolicy:
        return cls(
            networks(deny),
            networks(allow),
            frozenset((_plain(ipaddress.ip_address(a)), p) for a, p in origins),
        )

    @classmethod
    def open(cls) -> EgressPolicy:
        """No policy: the author's own machine calling their own stubs (``oiap bot test``)."""
        return cls()

    def permits(self, address: IpAddress, port: int) -> bool:
        address = _plain(address)
        if (address, port) in self.origins:
            return True
        if not any(address in net for net in self.deny if net.version == address.version):
            return True
        return any(address in net for net in self.allow if net.version == address.version)


def demo_origins(host: str, port: int) -> list[tuple[str, int]]:
    """The addresses a server listening on ``host:port`` is called at, with that port."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [(str(sockaddr[0]), port) for *_, sockaddr in found]


DEFAULT_EGRESS = EgressPolicy.of(str(Settings.model_fields["egress_deny"].default))
"""The settings' default: loopback, link-local, unspecified and multicast refused."""


class EgressRefused(httpcore.ConnectError):
    """No address of the host is one the policy permits (said as a connection failure)."""


class EgressBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, connecting only to addresses the policy permits."""

    def __init__(self, policy: EgressPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            with anyio.fail_after(timeout):
                found = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no address for {host!r} in time") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"{host!r} does not resolve: {exc}") from None
        addresses: list[str] = []
        for _family, _type, _proto, _name, sockaddr in found:
            text = str(sockaddr[0])
            if text not in addresses and self.policy.permits(ipaddress.ip_address(text), port):
                addresses.append(text)
        if not addresses:
            raise EgressRefused(f"{host!r} is refused by the egress policy")
        failure: Exception | None = None
        for address in addresses:  # the checked address itself, never the name again
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise EgressRefused("unix sockets are not an egress")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _EgressTransport(httpx.AsyncHTTPTransport):
    def __init__(self, policy: EgressPolicy, max_connections: int) -> None:
        super().__init__(trust_env=False)
        # httpx 0.28 takes no network backend (encode/httpx#3749 is still open), so the pool
        # it made is replaced by one built the same way with the checking backend.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=EgressBackend(policy),
        )


def egress_client(policy: EgressPolicy, *, max_connections: int) -> httpx.AsyncClient:
    """One pooled client whose every connection passes ``policy``; no redirects, no proxies."""
    return httpx.AsyncClient(
        transport=_EgressTransport(policy, max_connections),
        follow_redirects=False,
        trust_env=False,
        # Compressed answers would be bounded only per network read once decoded.
        headers={"Accept-Encoding": "identity"},
    )


async def read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The whole (decoded) body of a streamed answer, stopping as soon as it passes
    ``max_bytes``, whatever Content-Length says or whether it says anything."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AnswerTooLarge
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise AnswerTooLarge
    return bytes(body)


def is_web_url(url: str) -> bool:
    """An absolute http or https URL with a host (anything else is never called)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    return parsed.scheme in SCHEMES and bool(parsed.host)
