"""The widget's inner elements have private names: a host page that defines elements named
like brandhub's own (<bh-leaderboard>, <bh-vote-approval>) keeps them, and the widget still
shows its live leaderboard and takes a vote — with the same two lines for the blogger."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import PASSWORD, check_accessibility

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ada's soup board</title>
<script>
  for (const tag of ['bh-leaderboard', 'bh-vote-approval', 'bh-ballot-ranked']) {{
    customElements.define(tag, class extends HTMLElement {{
      connectedCallback() {{ this.textContent = 'The host page element ' + tag; }}
    }});
  }}
</script></head>
<body><main><h1>Ada's soup board</h1><bh-leaderboard></bh-leaderboard>
<script type="module" src="{server}/embed.js"></script>
<brandhub-campaign campaign="{campaign}"></brandhub-campaign>
</main></body></html>
"""


def test_host_elements_with_our_names_do_not_collide(server, host_sites, new_context):
    blog, _ = host_sites
    member_email, member = scenes.sign_up(server, "Reader")
    _, owner = scenes.sign_up(server, "Owner")
    brand_id, _ = scenes.brand(server, owner, origins=[blog.origin])
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "votesPerMember": 1}
    )
    scenes.propose(server, owner, campaign_id, "Garlic")
    scenes.propose(server, owner, campaign_id, "Pumpkin")
    scenes.phase(server, owner, campaign_id, "openVoting")
    html = HOST_PAGE.format(server=server.url, campaign=campaign_id)

    page = new_context().new_page()
    page.goto(blog.page("names.html", html))
    widget = page.locator("brandhub-campaign")
    widget.get_by_text("live", exact=True).wait_for()
    assert widget.locator("ol.board li").count() == 2
    assert "The host page element" not in widget.evaluate("w => w.shadowRoot.textContent")
    assert page.locator("main > bh-leaderboard").inner_text() == (
        "The host page element bh-leaderboard"
    )
    check_accessibility(page, "widget next to the host's own elements", frames=False)

    with page.expect_popup() as opened:
        widget.get_by_role("button", name="Sign in to vote").click()
    popup = opened.value
    popup.get_by_label("Email").fill(member_email)
    popup.get_by_label("Password").fill(PASSWORD)
    popup.get_by_role("button", name="Sign in").click()
    widget.get_by_role("button", name="Support “Garlic”").click()
    widget.get_by_text("You have 0 supports left of 1.").wait_for()
    assert scenes.my_votes(server, member, campaign_id) == {"Garlic": 1}
