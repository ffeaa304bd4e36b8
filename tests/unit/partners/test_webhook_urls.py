"""SSRF guard for partner webhook URLs, with a fake resolver (no real DNS)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from typing import Any

import pytest

from brandhub.partners.webhook_urls import (
    WebhookUrlError,
    check_webhook_url,
    is_forbidden_address,
)

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


class FakeResolver:
    """Answers like ``loop.getaddrinfo`` from a fixed table and records what was asked."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        self.calls.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = []
        for address in self.table[host]:
            if ":" in address:
                answers.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return answers


RESOLVER_TABLE = {
    "hooks.partner.example": [PUBLIC_V4, PUBLIC_V6],
    "localhost": ["127.0.0.1", "::1"],
    "mixed.example": [PUBLIC_V4, "10.0.0.7"],
    "mixed6.example": [PUBLIC_V6, "fd00::1"],
    "metadata.example": ["169.254.169.254"],
    "internal.example": ["192.168.1.20"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "empty.example": [],
}


@pytest.fixture
def resolver() -> FakeResolver:
    return FakeResolver(RESOLVER_TABLE)


async def refused(url: str, resolver: FakeResolver, *, allow_private: bool = False) -> str:
    with pytest.raises(WebhookUrlError) as caught:
        await check_webhook_url(url, allow_private=allow_private, resolve=resolver)
    return caught.value.message


class TestPublicUrls:
    async def test_public_host_is_accepted(self, resolver: FakeResolver) -> None:
        await check_webhook_url(
            "https://hooks.partner.example/brandhub?v=1", allow_private=False, resolve=resolver
        )
        assert resolver.calls == [("hooks.partner.example", 443)]

    async def test_explicit_port_is_resolved_with_it(self, resolver: FakeResolver) -> None:
        await check_webhook_url(
            "https://hooks.partner.example:8443/in", allow_private=False, resolve=resolver
        )
        assert resolver.calls == [("hooks.partner.example", 8443)]

    @pytest.mark.parametrize("host", [PUBLIC_V4, f"[{PUBLIC_V6}]"])
    async def test_public_literal_ip_is_accepted_without_dns(
        self, host: str, resolver: FakeResolver
    ) -> None:
        await check_webhook_url(f"https://{host}/hook", allow_private=False, resolve=resolver)
        assert resolver.calls == []


class TestPrivateAddresses:
    @pytest.mark.parametrize(
        "host",
        [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "[::1]",
            "[::]",
            "[fe80::1]",
            "[fd12:3456::1]",
            "[ff02::1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:10.0.0.1]",
            "[::ffff:169.254.169.254]",
            "[2002:7f00:1::]",
            "[2002:a9fe:a9fe::]",
            "[64:ff9b::a9fe:a9fe]",
        ],
    )
    async def test_literal_ip_is_refused(self, host: str, resolver: FakeResolver) -> None:
        message = await refused(f"https://{host}/hook", resolver)
        assert "non-public address" in message
        assert resolver.calls == []

    @pytest.mark.parametrize(
        "host",
        ["localhost", "metadata.example", "internal.example", "mapped.example"],
    )
    async def test_host_resolving_to_private_address_is_refused(
        self, host: str, resolver: FakeResolver
    ) -> None:
        message = await refused(f"https://{host}/hook", resolver)
        assert message.startswith(f"{host} resolves to a non-public address")

    @pytest.mark.parametrize("host", ["mixed.example", "mixed6.example"])
    async def test_any_private_answer_refuses_the_host(
        self, host: str, resolver: FakeResolver
    ) -> None:
        assert "non-public" in await refused(f"https://{host}/", resolver)

    async def test_unresolvable_host_is_refused(self, resolver: FakeResolver) -> None:
        assert "could not be resolved" in await refused("https://nowhere.example/", resolver)
        assert "could not be resolved" in await refused("https://empty.example/", resolver)

    def test_embedded_addresses(self) -> None:
        def forbidden(text: str) -> bool:
            return is_forbidden_address(ipaddress.ip_address(text))

        assert forbidden("::ffff:192.168.1.1")
        assert forbidden("2002:c0a8:0101::1")  # 6to4 of 192.168.1.1
        assert not forbidden("2002:5db8:d822::1")  # 6to4 of a public address
        assert not forbidden(PUBLIC_V4)
        assert not forbidden(PUBLIC_V6)


class TestAllowPrivate:
    @pytest.mark.parametrize(
        "url",
        [
            "http://localhost:8000/hooks",
            "https://localhost/hooks",
            "http://127.0.0.1:9000/",
            "http://[::1]/",
            "http://192.168.1.20/",
        ],
    )
    async def test_private_urls_are_accepted(self, url: str, resolver: FakeResolver) -> None:
        await check_webhook_url(url, allow_private=True, resolve=resolver)

    async def test_syntax_rules_still_apply(self, resolver: FakeResolver) -> None:
        await refused("ftp://localhost/", resolver, allow_private=True)
        await refused("http://user:pw@localhost/", resolver, allow_private=True)
        await refused("http:///path", resolver, allow_private=True)


class TestSyntax:
    @pytest.mark.parametrize(
        "url",
        [
            "ftp://hooks.partner.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "gopher://hooks.partner.example/",
            "data:text/plain,hi",
            "hooks.partner.example/hook",
            "//hooks.partner.example/hook",
        ],
    )
    async def test_bad_scheme(self, url: str, resolver: FakeResolver) -> None:
        assert "https" in await refused(url, resolver)
        assert resolver.calls == []

    async def test_plain_http_needs_allow_private(self, resolver: FakeResolver) -> None:
        assert await refused("http://hooks.partner.example/", resolver) == "URL must use https"

    @pytest.mark.parametrize("url", ["https:///hook", "https://", "https://:443/hook"])
    async def test_missing_host(self, url: str, resolver: FakeResolver) -> None:
        assert await refused(url, resolver) == "URL must name a host"

    @pytest.mark.parametrize(
        "url",
        [
            "https://user:secret@hooks.partner.example/",
            "https://user@hooks.partner.example/",
            "https://hooks.partner.example@127.0.0.1/",
            "https://hooks.partner.example\\@127.0.0.1/",
        ],
    )
    async def test_userinfo_is_refused(self, url: str, resolver: FakeResolver) -> None:
        assert "user name or password" in await refused(url, resolver)

    @pytest.mark.parametrize(
        "url",
        [
            "https://hooks.partner.example:99999/",
            "https://hooks.partner.example:port/",
            "https://[::1/",
            "https://hooks.partner.example/a b",
            "https://hooks.partner.example/\n",
            "https://hooks.partner.example/" + "a" * 2100,
        ],
    )
    async def test_malformed(self, url: str, resolver: FakeResolver) -> None:
        await refused(url, resolver)
