"""The API's refusals in the reader's language: French sentences keyed by the error's code and
field when the app is in French (a catalogue loaded only then), the server's message in English;
always next to the field, with what was typed kept."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import PASSWORD, check_accessibility


def test_refusals_in_french_then_english(server, new_context):
    email, _ = scenes.sign_up(server, "Taken")

    english = new_context().new_page()
    chunks: list[str] = []
    english.on("request", lambda r: chunks.append(r.url))
    english.goto("/sign-up")
    english.get_by_label("Display name").fill("Camille")
    english.get_by_label("Email").fill(email)
    english.get_by_label("Password").fill(PASSWORD)
    english.get_by_role("button", name="Sign up").click()
    error = english.locator("#email-error")
    error.wait_for()
    assert "An account with this email already exists." in error.inner_text()
    assert not any("errors-fr" in url for url in chunks), "French messages loaded in English"

    page = new_context(locale="fr-FR").new_page()
    page.on("request", lambda r: chunks.append(r.url))
    page.goto("/sign-up")
    page.get_by_label("Nom affiché").fill("Camille")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill("court")
    page.get_by_role("button", name="Créer un compte").click()
    password_error = page.locator("#password-error")
    password_error.wait_for()
    assert password_error.inner_text() == (
        "Le mot de passe doit comporter entre 10 et 1024 caractères."
    )
    assert page.get_by_label("Mot de passe").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("E-mail").input_value() == email
    assert any("errors-fr" in url for url in chunks)
    check_accessibility(page, "sign-up refused, in French")

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer un compte").click()
    page.locator("#email-error").get_by_text(
        "Un compte existe déjà avec cette adresse e-mail."
    ).wait_for()
    assert "already" not in page.locator("main").inner_text()

    # Switching language re-renders the same refusal in the server's English.
    page.get_by_label("Langue").select_option("en")
    page.locator("#email-error").get_by_text(
        "An account with this email already exists."
    ).wait_for()
