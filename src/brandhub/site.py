"""The web app's files: the built pages, hashed assets, the widget script and GraphiQL.

Everything here is static: the pages talk to the public GraphQL API like any other client.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from brandhub.community import embedding
from brandhub.community.models import Campaign
from brandhub.schema.relay import decode_id
from brandhub.state import AppState

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
# The widget script keeps its URL across releases, so browsers re-check it often.
EMBED_CACHE = "public, max-age=300"
# Deep links that the app's router handles; each answers the same index.html.
APP_ROUTES = [
    "/",
    "/b/{slug}",
    "/c/{id}",
    "/p/{id}",
    "/m/{id}",
    "/partner",
    "/me",
    "/owner",
    "/owner/{rest:path}",
    "/sign-in",
    "/sign-up",
]
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>brandhub</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<main><h1>brandhub</h1>
<p>The API answers at <a href="/graphql">/graphql</a>, but the web app is not built yet.</p>
<p>Build it with <code>make run</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>),
then reload this page.</p></main></body></html>
"""


class Site:
    """Serves ``web/dist`` (or ``BRANDHUB_WEB_DIST``) with the right caching and CORS headers."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist.resolve()

    def built(self, name: str, within: str = "") -> Path | None:
        """A file of the build, or None (never outside the folder ``within`` of the build)."""
        folder = (self.dist / within).resolve()
        path = (folder / name).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        return path

    def routes(self) -> list[BaseRoute]:
        """The web app's routes, to mount beside /graphql."""
        return [
            *(Route(path, self.page, methods=["GET", "HEAD"]) for path in APP_ROUTES),
            Route("/assets/{name:path}", self.asset, methods=["GET", "HEAD"]),
            Route("/embed.js", self.embed_script, methods=["GET", "HEAD"]),
            Route("/embed/sign-in", self.sign_in, methods=["GET", "HEAD"]),
            Route("/embed/bridge", self.bridge, methods=["GET", "HEAD"]),
        ]

    def html(self, name: str, headers: dict[str, str] | None = None) -> Response:
        """A built HTML page, never cached without revalidation."""
        path = self.built(name)
        if path is None:
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"cache-control": NO_CACHE})
        return FileResponse(
            path, media_type="text/html", headers={"cache-control": NO_CACHE, **(headers or {})}
        )

    async def page(self, _: Request) -> Response:
        """index.html for every route of the app."""
        return self.html("index.html")

    async def graphiql(self, _: Request) -> Response:
        """GraphiQL, built from the npm package and served by us."""
        return self.html("graphiql.html")

    async def asset(self, request: Request) -> Response:
        """A hashed asset: cached for a year; scripts may be loaded by other origins' pages."""
        path = self.built(request.path_params["name"], within="assets")
        if path is None:
            return Response("Not found.", status_code=404, media_type="text/plain")
        return FileResponse(
            path,
            headers={"cache-control": IMMUTABLE, "access-control-allow-origin": "*"},
        )

    async def embed_script(self, _: Request) -> Response:
        """The widget's entry: a stable URL, a short cache, loadable from any origin."""
        path = self.built("embed.js")
        if path is None:
            return Response("The widget is not built.", status_code=503, media_type="text/plain")
        return FileResponse(
            path,
            media_type="text/javascript",
            headers={"cache-control": EMBED_CACHE, "access-control-allow-origin": "*"},
        )

    async def sign_in(self, _: Request) -> Response:
        """The widget's sign-in popup, on our origin."""
        return self.html("embed/sign-in.html")

    async def bridge(self, request: Request) -> Response:
        """The widget's token holder: frameable only by the campaign's brand's origins."""
        state: AppState = request.app.state.brandhub
        ancestors = "'none'"
        pk = decode_id(request.query_params.get("campaign", ""), "Campaign")
        if pk is not None:
            async with state.db.read() as session:
                campaign = await session.get(Campaign, pk)
                if campaign is not None:
                    origins = await embedding.origins_of(session, campaign.brand_id)
                    ancestors = " ".join(origins) or "'none'"
        return self.html(
            "embed/bridge.html",
            headers={"content-security-policy": f"frame-ancestors {ancestors}"},
        )
