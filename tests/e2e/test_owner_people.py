"""The owner console's people and moderation: roles, partners registered and edited so they can
be invited, the comment queue with the moderation log, and cancelling a handoff — each API
refusal shown next to its field, nothing typed lost."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_voting import sign_in


def role_of(server, token: str, slug: str, name: str) -> str:
    nodes = server.gql(
        "query($s: String!) { brand(slug: $s) { members(first: 50) "
        "{ nodes { role member { displayName } } } } }",
        {"s": slug},
        token,
    )["brand"]["members"]["nodes"]
    return next(n["role"] for n in nodes if n["member"]["displayName"] == name)


def test_roles_and_partners_from_the_brand_console(server, new_context):
    email, owner = scenes.sign_up(server, "Owner")
    _, bo = scenes.sign_up(server, "Bo")
    _, other_owner = scenes.sign_up(server, "Rival")
    brand_id, slug = scenes.brand(server, owner)
    scenes.join(server, bo, brand_id)
    _, _, _ = scenes.partner(server, other_owner)  # someone else's: not editable here
    taken = server.gql("{ partners(first: 1) { nodes { slug } } }")["partners"]["nodes"][0]["slug"]

    page = new_context().new_page()
    sign_in(page, email)
    page.goto(f"/owner/b/{slug}")
    members = page.locator("bh-brand-members")
    members.get_by_role("button", name="Make Bo a moderator").click()
    members.get_by_text("Role saved.").wait_for()
    assert role_of(server, owner, slug, "Bo") == "MODERATOR"
    members.get_by_role("button", name="Make Bo a member again").wait_for()
    check_accessibility(page, "brand console with members and partners")

    partners = page.locator("bh-partner-admin")
    assert partners.get_by_text("You manage no partner yet.").is_visible()
    partners.get_by_label("Address name (slug)").fill(taken)
    partners.get_by_label("Name", exact=True).fill("Jar Works")
    partners.get_by_label("“Powered by” label").fill("JarWorks")
    partners.get_by_label("Webhook URL (https, optional)").fill("http://jars.example/hook")
    partners.get_by_role("button", name="Register").click()
    slug_error = partners.locator("#np-slug-error, #np-webhookUrl-error").first
    slug_error.wait_for()
    assert partners.get_by_label("Name", exact=True).input_value() == "Jar Works"
    partners.get_by_label("Address name (slug)").fill(f"jar-works-{slug[-6:]}")
    partners.get_by_label("Webhook URL (https, optional)").fill("")
    partners.get_by_role("button", name="Register").click()
    partners.get_by_text("Jar Works is registered.").wait_for()
    assert partners.locator("dl code.digest").first.inner_text().startswith("bhp_")
    # The new maker can be invited to a campaign right away.
    page.get_by_label("Jar Works (recipe)").wait_for()

    partners.get_by_text("Edit Jar Works").click()
    edit = partners.locator("details", has_text="Edit Jar Works")
    edit.get_by_label("Webhook URL (https, optional)").fill("ftp://jars.example")
    edit.get_by_role("button", name="Save Jar Works").click()
    edit.locator("[id$='-webhookUrl-error']").wait_for()
    assert (
        edit.get_by_label("Webhook URL (https, optional)").get_attribute("aria-invalid") == "true"
    )
    edit.get_by_label("Webhook URL (https, optional)").fill("")
    edit.get_by_label("“Powered by” label").fill("Jar Works Ltd")
    edit.get_by_role("button", name="Save Jar Works").click()
    partners.get_by_text("Partner saved.").wait_for()
    labels = server.gql("{ partners(first: 100) { nodes { name poweredByLabel } } }")
    assert {"name": "Jar Works", "poweredByLabel": "Jar Works Ltd"} in labels["partners"]["nodes"]
    assert partners.get_by_text("Edit Maker").count() == 0  # the rival's partner is not ours


def test_comment_queue_and_cancelling_a_handoff(server, new_context):
    email, owner = scenes.sign_up(server, "Owner")
    _, member = scenes.sign_up(server, "Mia")
    partner_id, partner_name, _ = scenes.partner(server, owner)
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(
        server,
        owner,
        brand_id,
        {"method": "APPROVAL", "votesPerMember": 1},
        partnerIds=[partner_id],
    )
    garlic = scenes.propose(server, owner, campaign_id, "Garlic")
    server.ok(
        "mutation($i: AddCommentInput!) { addComment(input: $i) { errors { code message field } } }",
        {"i": {"proposalId": garlic, "body": "Buy cheap watches here"}},
        member,
        "addComment",
    )
    scenes.phase(server, owner, campaign_id, "openVoting")
    scenes.vote(server, member, garlic)
    scenes.phase(server, owner, campaign_id, "closeCampaign")

    page = new_context().new_page()
    sign_in(page, email)
    page.goto(f"/owner/c/{campaign_id}")
    queue = page.locator("bh-comment-queue")
    queue.get_by_text("Buy cheap watches here").wait_for()
    queue.get_by_role("button", name="Hide the comment by Mia").click()
    reason_error = queue.locator("#comment-reason-error")
    reason_error.wait_for()
    assert "Reason" in reason_error.inner_text()
    queue.get_by_label("Reason for hiding or restoring a comment (logged)").fill("spam")
    queue.get_by_role("button", name="Hide the comment by Mia").click()
    queue.get_by_text("Done; it is in the moderation log.").wait_for()
    queue.locator(".badge", has_text="hidden").wait_for()
    assert "Owner hid comment — spam" in queue.locator("ul.modlog").inner_text()
    hidden = server.gql(
        "query($p: ID!) { proposal(id: $p) { comments { nodes { body } } } }", {"p": garlic}, member
    )["proposal"]["comments"]["nodes"]
    assert hidden == []
    check_accessibility(page, "owner console with the comment queue")

    handoff = page.locator("article", has_text=partner_name)
    handoff.get_by_label(f"Reason for cancelling ({partner_name})").fill("We changed our plans")
    handoff.get_by_role("button", name=f"Cancel the handoff to {partner_name}").click()
    page.locator("article", has_text=partner_name).get_by_text("Cancelled", exact=True).wait_for()
    assert page.get_by_role("button", name=f"Cancel the handoff to {partner_name}").count() == 0
