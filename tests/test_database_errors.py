"""A bad or unreachable database: one line and a non-zero exit from the CLI, a coded
``SERVICE_UNAVAILABLE`` from the server, never a traceback or a password."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.engine import make_url

from brandhub.app import create_app
from brandhub.cli import main
from tests.conftest import POSTGRES_URL, make_settings, unavailable
from tests.databases import asyncpg_dsn


def free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REFUSED = f"postgresql+asyncpg://brandhub:s3cret-pw@127.0.0.1:{free_port()}/brandhub"
BAD_URLS = {
    "unparsable": ("not a url", "is not a database URL", 2),
    "sync driver": ("postgresql://postgres@127.0.0.1/brandhub", "driver 'postgresql'", 2),
    "unknown driver": ("mysql+aiomysql://root@127.0.0.1/brandhub", "driver 'mysql+aiomysql'", 2),
    "sync sqlite": ("sqlite:///./brandhub.db", "driver 'sqlite'", 2),
    "nothing listening": (REFUSED, "nothing is listening", 3),
    "unresolvable host": (
        "postgresql+asyncpg://postgres@no-such-host.invalid/brandhub",
        "does not resolve",
        3,
    ),
    "sqlite folder missing": (
        "sqlite+aiosqlite:////nonexistent-brandhub-folder/brandhub.db",
        "the folder '/nonexistent-brandhub-folder' of the SQLite file does not exist",
        2,
    ),
}
COMMANDS = {
    "migrate": ["migrate"],
    "serve": ["serve", "--port", "1"],
    "recount": ["recount", "1"],
    "partner create": [
        "partner",
        "create",
        "--slug",
        "acme",
        "--name",
        "A",
        "--powered-by",
        "A",
        "--category",
        "x",
    ],
    "partner issue-key": ["partner", "issue-key", "acme"],
    "worker": ["worker", "--burst"],
}


def run_cli(monkeypatch, capsys, url: str, argv: list[str]) -> tuple[int, str, str]:
    monkeypatch.setenv("BRANDHUB_DATABASE_URL", url)
    monkeypatch.setenv("BRANDHUB_REDIS_URL", "redis://127.0.0.1:1/0")  # never reached
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


# A thread's traceback (aiosqlite's, say) would reach the terminal beside the one line.
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
class TestCommandLine:
    @pytest.mark.parametrize("case", sorted(BAD_URLS))
    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_one_line_and_a_non_zero_exit(self, monkeypatch, capsys, case, command):
        if command == "serve" and case in ("nothing listening", "unresolvable host"):
            pytest.skip("serve on PostgreSQL starts anyway and answers SERVICE_UNAVAILABLE")
        url, says, exit_code = BAD_URLS[case]
        code, out, err = run_cli(monkeypatch, capsys, url, COMMANDS[command])
        assert code == exit_code
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("brandhub: BRANDHUB_DATABASE_URL")
        assert says in lines[0]
        assert "Traceback" not in err and "s3cret-pw" not in err + out

    def test_a_missing_database_is_named(self, monkeypatch, capsys):
        name = f"brandhub_missing_{uuid.uuid4().hex[:8]}"
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

        async def probe() -> None:
            await (await asyncpg.connect(asyncpg_dsn(POSTGRES_URL), timeout=5)).close()

        try:
            asyncio.run(probe())
        except (OSError, asyncpg.PostgresError) as exc:
            unavailable("PostgreSQL", exc)
        code, _, err = run_cli(monkeypatch, capsys, url, ["recount", "1"])
        assert code == 2
        assert f"the database '{name}' does not exist" in err
        assert len(err.strip().splitlines()) == 1

    def test_an_unmigrated_database_says_to_migrate(self, monkeypatch, capsys, tmp_path):
        url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        code, _, err = run_cli(monkeypatch, capsys, url, ["partner", "issue-key", "acme"])
        assert code == 2
        assert "run brandhub migrate" in err

    def test_a_bad_setting_is_one_line_too(self, monkeypatch, capsys):
        monkeypatch.setenv("BRANDHUB_DATABASE_POOL_SIZE", "lots")
        code, _, err = run_cli(monkeypatch, capsys, "sqlite+aiosqlite:///x.db", ["migrate"])
        assert code == 2
        assert err.startswith("brandhub: BRANDHUB_DATABASE_POOL_SIZE:")
        assert len(err.strip().splitlines()) == 1


@pytest.fixture(params=["postgresql", "sqlite"])
async def unreachable(request, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    """The app, serving while its database cannot be reached."""
    if request.param == "postgresql":
        url = REFUSED
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'missing-folder' / 'brandhub.db'}"
    app = create_app(make_settings(url))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


QUERY = '{ brand(slug: "ada-cooks") { name } }'
SIGN_UP = """mutation { signUp(input: {email: "ada@example.com", password: "correct horse battery",
  displayName: "Ada"}) { token errors { code message field } } }"""
SIGN_IN = """mutation { signIn(input: {email: "ada@example.com", password: "correct horse battery"})
  { token errors { code message } } }"""
VOTE = """mutation { castVote(input: {proposalId: "UHJvcG9zYWw6MQ", value: 1})
  { vote { value } errors { code message } } }"""


class TestServingWithoutADatabase:
    async def test_a_query_gets_a_coded_error(self, unreachable):
        response = await unreachable.post("/graphql", json={"query": QUERY})
        assert response.status_code == 200
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        assert "database" in error["message"]
        assert error["message"] != "Unexpected error."

    @pytest.mark.parametrize(("mutation", "field"), [(SIGN_UP, "signUp"), (SIGN_IN, "signIn")])
    async def test_a_mutation_answers_in_its_payload(self, unreachable, mutation, field):
        body = (await unreachable.post("/graphql", json={"query": mutation})).json()
        assert "errors" not in body, body
        [error] = body["data"][field]["errors"]
        assert error["code"] == "SERVICE_UNAVAILABLE"
        assert body["data"][field]["token"] is None

    async def test_an_authenticated_mutation_is_not_told_unauthenticated(self, unreachable):
        headers = {"authorization": "Bearer bhs_whatever"}
        body = (await unreachable.post("/graphql", json={"query": VOTE}, headers=headers)).json()
        assert body["data"]["castVote"]["errors"][0]["code"] == "SERVICE_UNAVAILABLE"

    async def test_readyz_says_503(self, unreachable):
        response = await unreachable.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["database"].startswith("error")
