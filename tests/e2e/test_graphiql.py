"""Scenario 5: GraphiQL loads and runs a query with every host but our own server blocked."""

from __future__ import annotations


def test_graphiql_works_offline(server, new_context):
    context = new_context()
    blocked: list[str] = []

    def only_our_server(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_our_server)
    page = context.new_page()
    page.goto("/graphql")
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    editor.wait_for()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("{ brands(first: 1) { pageInfo { hasNextPage } } }")
    page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
    page.locator(".result-window").get_by_text('"hasNextPage"').wait_for()
    assert blocked == []
