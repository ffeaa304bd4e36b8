"""Who is on the other end: the socket peer, or the client a trusted proxy says it forwards.

``X-Forwarded-For`` and ``Forwarded`` are read only when the peer is one of the trusted
proxies (``BRANDHUB_TRUSTED_PROXIES``), and then from the right: the first address that is
not itself a trusted proxy is the client. Anything further left was written by that client
and proves nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.datastructures import Headers

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def trusted_networks(text: str) -> tuple[Network, ...]:
    """Parse a comma-separated list of addresses and CIDR blocks (ValueError when bad)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a header value: ``1.2.3.4``, ``1.2.3.4:80``, ``[2001:db8::1]:443``."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(text: str, trusted: Sequence[Network]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted)


def _normal(text: str) -> str:
    address = _address(text)
    return str(address) if address is not None else text.strip().strip('"').lower() or UNKNOWN


def forwarded_chain(headers: Headers) -> list[str]:
    """The addresses proxies recorded, client first (``Forwarded`` wins over ``X-Forwarded-For``)."""
    forwarded = headers.getlist("forwarded")
    if forwarded:
        chain = []
        for element in ",".join(forwarded).split(","):
            for pair in element.split(";"):
                name, _, value = pair.strip().partition("=")
                if name.lower() == "for":
                    chain.append(value)
        return chain
    return [hop for line in headers.getlist("x-forwarded-for") for hop in line.split(",")]


def client_address(peer: str | None, headers: Headers, trusted: Sequence[Network]) -> str:
    """The client's address, as a string key (``unknown`` when the server cannot tell)."""
    if peer is None:
        return UNKNOWN
    if not _trusted(peer, trusted):
        return _normal(peer)
    chain = forwarded_chain(headers)
    for hop in reversed(chain):
        if not _trusted(hop, trusted):
            return _normal(hop)
    return _normal(chain[0]) if chain else _normal(peer)
