"""Scenario 4: the widget on a blogger's page served from another origin: the vote lands, the
token never reaches the page's scripts; the same page on an unregistered origin is refused."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import PASSWORD, check_accessibility

# A host page whose own styles would break an unprotected widget.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ada's kitchen blog</title>
<style>button {{ display: none !important; }} li {{ font-size: 40px; }}</style></head>
<body><main><h1>Ada's kitchen blog</h1><p>Vote for my next soup:</p>
<script type="module" src="{server}/embed.js"></script>
<brandhub-campaign campaign="{campaign}"></brandhub-campaign>
</main></body></html>
"""


def test_widget_votes_from_a_registered_origin_and_is_refused_elsewhere(
    server, host_sites, new_context
):
    blog, stranger = host_sites
    member_email, member = scenes.sign_up(server, "Reader")
    _, owner = scenes.sign_up(server, "Owner")
    brand_id, _ = scenes.brand(server, owner, origins=[blog.origin], label="WHITE")
    server.ok(
        "mutation($i: UpdateBrandInput!) { updateBrand(input: $i) { errors { code message field } } }",
        {"i": {"brandId": brand_id, "accentColor": "#aa3300"}},
        owner,
        "updateBrand",
    )
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "votesPerMember": 1}
    )
    scenes.propose(server, owner, campaign_id, "Garlic")
    scenes.propose(server, owner, campaign_id, "Pumpkin")
    scenes.phase(server, owner, campaign_id, "openVoting")
    html = HOST_PAGE.format(server=server.url, campaign=campaign_id)

    page = new_context().new_page()
    page.goto(blog.page("soup.html", html))
    widget = page.locator("brandhub-campaign")
    widget.get_by_text("live", exact=True).wait_for()
    sign_in = widget.get_by_role("button", name="Sign in to vote")
    assert sign_in.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(170, 51, 0)"
    assert "brandhub" not in widget.evaluate("w => w.shadowRoot.textContent").lower()
    check_accessibility(page, "widget on the blog", frames=False)

    with page.expect_popup() as opened:
        sign_in.click()
    popup = opened.value
    assert popup.url.startswith(f"{server.url}/embed/sign-in")
    popup.get_by_label("Email").fill(member_email)
    popup.get_by_label("Password").fill(PASSWORD)
    popup.get_by_role("button", name="Sign in").click()
    widget.get_by_text("Signed in as Reader").wait_for()

    support = widget.get_by_role("button", name="Support “Pumpkin”")
    support.click()
    widget.get_by_text("You have 0 supports left of 1.").wait_for()
    assert support.get_attribute("aria-pressed") == "true"
    assert scenes.my_votes(server, member, campaign_id) == {"Pumpkin": 1}
    widget.locator("ol.board li").first.filter(has_text="Pumpkin").wait_for()

    # Nothing the host page's scripts can reach holds the token.
    exposed = page.evaluate(
        """() => {
          const frame = document.querySelector('brandhub-campaign > iframe');
          let frameReadable = true;
          try { frameReadable = frame.contentDocument !== null; } catch { frameReadable = 'blocked'; }
          return {
            storage: JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}),
            cookies: document.cookie,
            shadow: document.querySelector('brandhub-campaign').shadowRoot.innerHTML,
            frameReadable,
            frameFrom: new URL(frame.src).origin,
          };
        }"""
    )
    assert "bhs_" not in exposed["storage"] + exposed["cookies"] + exposed["shadow"]
    assert exposed["frameFrom"] == server.url
    assert exposed["frameReadable"] is False  # cross-origin: contentDocument is null

    # The same two lines on an origin the brand never registered: no data, a clear message.
    refused = new_context().new_page()
    refused.goto(stranger.page("soup.html", html))
    refused.locator("brandhub-campaign").get_by_text(
        "ask the brand to register its address"
    ).wait_for()
    assert refused.locator("brandhub-campaign").get_by_text("Live leaderboard").count() == 0
