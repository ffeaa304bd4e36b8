"""The widget where WebSockets are blocked: its leaderboard stays live over SSE, and its
reads are persisted queries over GET."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.test_widget import HOST_PAGE


def test_widget_leaderboard_updates_over_sse_when_websockets_are_blocked(
    server, host_sites, new_context
):
    blog, _ = host_sites
    _, owner = scenes.sign_up(server, "Owner")
    _, member = scenes.sign_up(server, "Voter")
    brand_id, _ = scenes.brand(server, owner, origins=[blog.origin])
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "votesPerMember": 1}
    )
    scenes.propose(server, owner, campaign_id, "Garlic")
    pumpkin = scenes.propose(server, owner, campaign_id, "Pumpkin")
    scenes.phase(server, owner, campaign_id, "openVoting")

    page = new_context().new_page()
    sockets: list[str] = []

    def refuse(ws) -> None:  # a proxy that kills every WebSocket before it opens
        sockets.append(ws.url)
        ws.close(code=1011, reason="blocked by proxy")

    page.route_web_socket("**/graphql", refuse)
    requests: list = []
    page.on("request", lambda r: requests.append(r) if "/graphql" in r.url else None)
    page.goto(blog.page("sse.html", HOST_PAGE.format(server=server.url, campaign=campaign_id)))
    widget = page.locator("brandhub-campaign")
    widget.get_by_text("live", exact=True).wait_for()
    board = widget.locator("ol.board li")
    board.first.filter(has_text="Garlic").wait_for()

    scenes.vote(server, member, pumpkin)
    board.first.filter(has_text="Pumpkin").wait_for(timeout=10_000)

    assert sockets, "the widget never tried a WebSocket"
    streams = [r for r in requests if r.resource_type == "eventsource"]
    assert streams and all(r.method == "GET" for r in streams)
    reads = [r for r in requests if r.resource_type == "fetch" and r.method == "GET"]
    assert any("persistedQuery" in r.url for r in reads), [r.url for r in requests]
    assert not [r for r in requests if r.method == "POST" and r.resource_type == "fetch"]
