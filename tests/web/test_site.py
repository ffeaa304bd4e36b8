"""Serving the built web app: caching, deep links, the widget's CORS and the bridge's framing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from brandhub.app import create_app
from tests.conftest import make_settings, wipe
from tests.factories import ERRORS, create_brand, create_campaign

SET_ORIGINS = f"""
mutation($input: SetEmbedOriginsInput!) {{ setEmbedOrigins(input: $input) {{ {ERRORS} }} }}"""


def fake_build(root: Path) -> Path:
    """The files `npm run build` writes, with recognisable contents."""
    (root / "assets").mkdir()
    (root / "embed").mkdir()
    (root / "index.html").write_text("<main>app shell</main>")
    (root / "graphiql.html").write_text("<title>GraphiQL</title>")
    (root / "assets" / "app-3f2a1b.js").write_text("export const app = 1;")
    (root / "embed.js").write_text("customElements.define('brandhub-campaign', class {});")
    (root / "embed" / "bridge.html").write_text("<p>bridge</p>")
    (root / "embed" / "sign-in.html").write_text("<p>sign in</p>")
    (root / "secret.txt").write_text("outside assets")
    return root


@pytest.fixture
async def site(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(database_url, web_dist=str(fake_build(tmp_path))))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    await wipe(database_url)


class TestPages:
    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/b/ada-cooks",
            "/c/Q2FtcGFpZ246MQ",
            "/p/UHJvcG9zYWw6MQ",
            "/m/TWVtYmVyOjE=",
            "/partner",
            "/owner",
            "/me",
        ],
    )
    async def test_every_route_of_the_app_answers_the_shell_uncached(self, site, path):
        response = await site.get(path)
        assert response.status_code == 200
        assert response.text == "<main>app shell</main>"
        assert response.headers["cache-control"] == "no-cache"

    async def test_hashed_assets_are_immutable_and_loadable_cross_origin(self, site):
        response = await site.get("/assets/app-3f2a1b.js")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["access-control-allow-origin"] == "*"

    async def test_assets_never_leave_the_build_folder(self, site):
        assert (await site.get("/assets/../secret.txt")).status_code == 404
        assert (await site.get("/assets/%2e%2e/secret.txt")).status_code == 404
        assert (await site.get("/assets/missing.js")).status_code == 404

    async def test_embed_script_has_a_short_cache_and_cors(self, site):
        response = await site.get("/embed.js")
        assert response.status_code == 200
        assert "javascript" in response.headers["content-type"]
        assert response.headers["cache-control"] == "public, max-age=300"
        assert response.headers["access-control-allow-origin"] == "*"

    async def test_unknown_paths_are_404(self, site):
        assert (await site.get("/wp-admin")).status_code == 404


class TestBridge:
    async def test_bridge_may_be_framed_only_by_the_brands_origins(self, site, sign_up):
        async def gql(query, variables=None, *, token=None):
            headers = {"authorization": f"Bearer {token}"} if token else {}
            response = await site.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
            return response.json()

        token = (
            await gql(
                "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
                {
                    "i": {
                        "email": "o@example.com",
                        "password": "correct horse battery",
                        "displayName": "O",
                    }
                },
            )
        )["data"]["signUp"]["token"]
        brand = await create_brand(gql, token=token)
        campaign = await create_campaign(gql, token=token, brand_id=brand)
        closed = await site.get("/embed/bridge", params={"campaign": campaign})
        assert closed.headers["content-security-policy"] == "frame-ancestors 'none'"
        await gql(
            SET_ORIGINS,
            {
                "input": {
                    "brandId": brand,
                    "origins": ["https://blog.example", "http://127.0.0.2:9000"],
                }
            },
            token=token,
        )
        opened = await site.get("/embed/bridge", params={"campaign": campaign})
        assert opened.text == "<p>bridge</p>"
        assert (
            opened.headers["content-security-policy"]
            == "frame-ancestors https://blog.example http://127.0.0.2:9000"
        )
        unknown = await site.get("/embed/bridge", params={"campaign": "nonsense"})
        assert unknown.headers["content-security-policy"] == "frame-ancestors 'none'"


async def test_without_a_build_the_home_page_says_how_to_build(database_url, tmp_path):
    app = create_app(make_settings(database_url, web_dist=str(tmp_path / "nothing")))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/")
    assert response.status_code == 503
    assert "make run" in response.text
