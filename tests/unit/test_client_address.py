"""The client address behind trusted proxies, and only behind them."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from brandhub.client_address import client_address, trusted_networks

PROXIES = trusted_networks("10.0.0.0/8, 192.168.1.1, 2001:db8:ffff::/48")


def address(peer: str | None, **headers: str) -> str:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return client_address(peer, Headers(raw=raw), PROXIES)


class TestClientAddress:
    def test_an_untrusted_peer_is_the_client_whatever_it_forwards(self):
        assert address("203.0.113.9", x_forwarded_for="198.51.100.1") == "203.0.113.9"
        assert address("203.0.113.9", forwarded="for=198.51.100.1") == "203.0.113.9"

    def test_a_trusted_peer_names_the_client(self):
        assert address("10.1.2.3", x_forwarded_for="198.51.100.1") == "198.51.100.1"

    def test_the_rightmost_untrusted_hop_wins_over_what_the_client_wrote(self):
        forwarded = "6.6.6.6, 198.51.100.1, 10.0.0.9, 192.168.1.1"
        assert address("10.1.2.3", x_forwarded_for=forwarded) == "198.51.100.1"

    def test_a_chain_of_trusted_proxies_only_gives_its_first_hop(self):
        assert address("10.1.2.3", x_forwarded_for="10.0.0.7, 10.0.0.9") == "10.0.0.7"

    def test_a_trusted_peer_without_headers_is_the_client(self):
        assert address("10.1.2.3") == "10.1.2.3"

    @pytest.mark.parametrize(
        ("forwarded", "client"),
        [
            ("for=198.51.100.1;proto=https", "198.51.100.1"),
            ('for="198.51.100.1:8443"', "198.51.100.1"),
            ('for="[2001:db8::17]:4711", for=10.0.0.9', "2001:db8::17"),
            ("For=198.51.100.2, for=10.0.0.9;by=10.0.0.1", "198.51.100.2"),
            ("for=_hidden, for=10.0.0.9", "_hidden"),
        ],
    )
    def test_forwarded_wins_over_x_forwarded_for(self, forwarded, client):
        assert address("10.1.2.3", forwarded=forwarded, x_forwarded_for="6.6.6.6") == client

    def test_ipv6_proxies(self):
        assert address("2001:db8:ffff::1", x_forwarded_for="2001:db8:1::5") == "2001:db8:1::5"

    def test_no_peer_is_unknown(self):
        assert address(None) == "unknown"

    def test_no_trusted_proxies_by_default(self):
        headers = Headers(raw=[(b"x-forwarded-for", b"198.51.100.1")])
        assert client_address("10.1.2.3", headers, trusted_networks("")) == "10.1.2.3"

    def test_a_bad_setting_is_refused(self):
        with pytest.raises(ValueError):
            trusted_networks("10.0.0.0/8, not-a-network")
