"""Webhook URL checks: refuse URLs that would make brandhub call into private networks (SSRF).

Rules, unless ``allow_private`` (``BRANDHUB_WEBHOOK_ALLOW_PRIVATE``, development and tests):
- the scheme is ``https`` (``http`` is accepted only with ``allow_private``: a local receiver
  rarely has a certificate, while a public one must not see signed payloads in clear);
- a host is required, and no ``user:password@`` part;
- every address the host resolves to (or the literal IP) must be globally routable: not
  private, loopback, link-local, multicast, reserved, unspecified, shared (CGNAT), nor an
  IPv6 address embedding one of those (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, NAT64).

The check resolves the host once; the sender must check again at delivery time (or connect
to the checked address) because DNS answers may change in between (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Same call shape as ``loop.getaddrinfo``: (host, port, *, type=...) -> [(family, type,
# proto, canonname, sockaddr)], where sockaddr[0] is the address as text.
Resolve = Callable[..., Awaitable[Sequence[tuple[Any, ...]]]]

MAX_URL_LENGTH = 2048
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class WebhookUrlError(ValueError):
    """A webhook URL that brandhub refuses to call."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_forbidden_address(address: IPAddress) -> bool:
    """True if ``address`` (or an IPv4 address embedded in it) is not globally routable."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and is_forbidden_address(embedded):
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def check_webhook_url(
    url: str, *, allow_private: bool, resolve: Resolve | None = None
) -> None:
    """Raise ``WebhookUrlError`` unless brandhub may deliver webhooks to ``url``."""
    if len(url) > MAX_URL_LENGTH:
        raise WebhookUrlError(f"URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise WebhookUrlError("URL must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlError(f"URL is malformed: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise WebhookUrlError("URL must start with https://")
    if scheme == "http" and not allow_private:
        raise WebhookUrlError("URL must use https")
    if "@" in parts.netloc:
        raise WebhookUrlError("URL must not contain a user name or password")
    host = parts.hostname
    if not host:
        raise WebhookUrlError("URL must name a host")
    if allow_private:
        return
    literal = _literal_ip(host)
    if literal is not None:
        if is_forbidden_address(literal):
            raise WebhookUrlError(f"URL points to a non-public address ({literal})")
        return
    for address in await _resolve(host, port or (443 if scheme == "https" else 80), resolve):
        if is_forbidden_address(address):
            raise WebhookUrlError(f"{host} resolves to a non-public address ({address})")


async def _resolve(host: str, port: int, resolve: Resolve | None) -> list[IPAddress]:
    resolve = resolve or asyncio.get_running_loop().getaddrinfo
    try:
        answers = await resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookUrlError(f"{host} could not be resolved") from None
    addresses = [_literal_ip(str(answer[4][0])) for answer in answers]
    if not addresses:
        raise WebhookUrlError(f"{host} could not be resolved")
    if None in addresses:  # not an address we can judge: refuse rather than guess
        raise WebhookUrlError(f"{host} resolved to something that is not an IP address")
    return [address for address in addresses if address is not None]
