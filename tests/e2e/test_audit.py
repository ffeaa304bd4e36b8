"""Issue 8 in the browser: a voter keeps the receipt of their vote and, after the close, checks
in the browser (WebCrypto: SHA-256 Merkle path, Ed25519 seal signature) that it is in the sealed
count; a tampered proof or receipt is refused. The results show tied places, the quorum, the
signed seal and the audit file, which `brandhub verify` accepts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility, check_fits, tab_to
from tests.e2e.test_voting import sign_in

API = re.compile(r"/graphql(\?|$)")  # the API only, not /assets/graphql-*.js


def sealed_receipt(route, change) -> None:
    """Let the CampaignReceipt answer through, edited by ``change`` (a man in the middle)."""
    # Queries go as persisted GETs (the operation in the URL), or as POSTs (in the body).
    if "CampaignReceipt" not in (route.request.post_data or "") + route.request.url:
        route.continue_()
        return
    body = route.fetch().json()
    change(body["data"]["campaign"]["viewerReceipt"])
    route.fulfill(json=body)


def test_receipt_check_my_vote_and_the_audit_file(server, new_context, tmp_path):
    _, owner = scenes.sign_up(server, "Owner")
    member_email, member = scenes.sign_up(server, "Member")
    _, other = scenes.sign_up(server, "Other")
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    scenes.join(server, other, brand_id)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "votesPerMember": 1, "quorum": 2}
    )
    garlic = scenes.propose(server, owner, campaign_id, "Garlic")
    scenes.propose(server, owner, campaign_id, "Pumpkin")
    scenes.propose(server, owner, campaign_id, "Leek")
    scenes.phase(server, owner, campaign_id, "openVoting")
    scenes.vote(server, other, garlic)

    page = new_context().new_page()
    sign_in(page, member_email)
    page.goto(f"/c/{campaign_id}")
    page.get_by_role("button", name="Support “Pumpkin”").click()
    receipt = page.locator("bh-receipt")
    receipt.get_by_role("heading", name="Your receipt").wait_for()
    mine = server.gql(
        "query($c: ID!) { campaign(id: $c) { viewerReceipt { voter seq head } } }",
        {"c": campaign_id},
        member,
    )["campaign"]["viewerReceipt"]
    assert mine["seq"] == 1
    assert "event #1 of your chain" in receipt.inner_text()
    assert receipt.locator("code.digest").first.inner_text() == mine["head"]
    assert "once the campaign closes" in receipt.inner_text()
    check_accessibility(page, "campaign with a receipt")

    scenes.phase(server, owner, campaign_id, "closeCampaign")
    page.reload()
    check = receipt.get_by_role("button", name="Check my vote")
    tab_to(page, check)  # keyboard only
    page.keyboard.press("Enter")
    receipt.get_by_text("Your vote is in the sealed count").wait_for()

    # Results: Garlic and Pumpkin have exactly one support each: tied, in the rule's order.
    results = page.locator("bh-results")
    rows = results.locator("tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td.score").inner_text() for i in range(3)] == ["1", "1", "0"]
    assert (
        rows.nth(0).get_by_text("tied").is_visible()
        and rows.nth(1).get_by_text("tied").is_visible()
    )
    assert rows.nth(2).get_by_text("tied").count() == 0
    assert "earlier first revision" in results.locator(".tie-note").inner_text()
    assert "Quorum met: 2 voters." in results.inner_text()
    key_id = httpx.get(f"{server.url}/.well-known/brandhub-keys.json").json()["keys"][0]["kid"]
    assert key_id in results.locator("dl.seal").inner_text()
    assert "brandhub verify" in results.locator(".verify-how").inner_text()
    check_accessibility(page, "closed campaign with results and a verified receipt")

    # The audit file downloads from the page, and the reference verifier accepts it.
    with page.expect_download() as download:
        results.get_by_role("link", name="Download the audit file").click()
    audit = tmp_path / download.value.suggested_filename
    download.value.save_as(audit)
    keys = tmp_path / "brandhub-keys.json"
    keys.write_bytes(httpx.get(f"{server.url}/.well-known/brandhub-keys.json").content)
    verified = subprocess.run(
        [sys.executable, "-m", "brandhub.cli", "verify", str(audit), "--key", str(keys)],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # A tampered proof does not lead to the signed root: the browser says so.
    def flip_proof(r: dict) -> None:
        r["proof"][0] = ("0" if r["proof"][0][0] != "0" else "1") + r["proof"][0][1:]

    page.route(API, lambda route: sealed_receipt(route, flip_proof))
    check.click()
    receipt.get_by_text("Your vote could NOT be verified.").wait_for()
    assert "does not lead to the signed root" in receipt.inner_text()
    assert receipt.get_by_text("Your vote is in the sealed count").count() == 0

    # A forged statement (another stored result, same tree) fails the Ed25519 signature.
    def forge_statement(r: dict) -> None:
        statement = json.loads(r["seal"]["statement"])
        statement["result"] = "0" * 64
        r["seal"]["statement"] = json.dumps(statement, separators=(",", ":"), sort_keys=True)

    page.unroute(API)
    page.route(API, lambda route: sealed_receipt(route, forge_statement))
    check.click()
    receipt.get_by_text("The signature of the seal does not hold.").wait_for()

    # The server's head disagrees with the receipt this browser kept at vote time.
    page.unroute(API)
    page.evaluate(
        """() => { for (const key of Object.keys(localStorage)) if (key.startsWith('bh.receipt.')) {
             const kept = JSON.parse(localStorage.getItem(key));
             kept.eventHash = kept.eventHash.replace(/^./, c => c === 'a' ? 'b' : 'a');
             localStorage.setItem(key, JSON.stringify(kept)); } }"""
    )
    check.click()
    receipt.get_by_text("is not the one that was sealed").wait_for()

    # On a phone, the long hashes and key ids wrap: nothing overflows sideways.
    page.set_viewport_size({"width": 375, "height": 900})
    page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('bh.receipt.'))"
        ".forEach(k => localStorage.removeItem(k))"
    )
    check.click()
    receipt.get_by_text("Your vote is in the sealed count").wait_for()
    check_fits(page, "closed campaign with a verified receipt at 375 px")

    phone = new_context(width=375, locale="fr-FR").new_page()
    phone.goto(f"/c/{campaign_id}")
    phone.locator("bh-results").get_by_text("ex æquo").first.wait_for()
    check_fits(phone, "closed campaign at 375 px")
