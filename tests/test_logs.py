"""One structured log: a line per request with its id, operation, outcome and duration; client
mistakes at INFO without a traceback, server faults at ERROR with one; JSON off a terminal."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from brandhub.logs import JsonLines, Readable, log_config

VIEWER = "query Viewer { viewer { __typename } }"
SIGN_UP = """mutation SignUp($input: SignUpInput!) { signUp(input: $input) {
  token errors { code message field } } }"""


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "brandhub.http"]


class TestRequestLine:
    async def test_one_line_with_id_operation_outcome_and_duration(self, client, caplog):
        caplog.set_level(logging.INFO)
        response = await client.post(
            "/graphql", json={"query": VIEWER}, headers={"x-request-id": "trace-4711"}
        )
        assert response.headers["x-request-id"] == "trace-4711"
        [line] = request_lines(caplog)
        assert line.levelno == logging.INFO
        assert line.request_id == "trace-4711"
        assert (line.method, line.path, line.status) == ("POST", "/graphql", 200)
        assert (line.operation, line.operation_type, line.outcome) == ("Viewer", "query", "ok")
        assert isinstance(line.duration_ms, float) and line.duration_ms >= 0

    async def test_an_id_is_made_when_none_or_a_bad_one_is_given(self, client, caplog):
        caplog.set_level(logging.INFO)
        plain = await client.post("/graphql", json={"query": VIEWER})
        odd = await client.post(
            "/graphql", json={"query": VIEWER}, headers={"x-request-id": "no spaces\tplease"}
        )
        ids = [plain.headers["x-request-id"], odd.headers["x-request-id"]]
        assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
        assert [r.request_id for r in request_lines(caplog)] == ids

    async def test_every_line_of_a_request_carries_its_id(self, client, caplog):
        caplog.set_level(logging.INFO)
        await client.post(
            "/graphql",
            json={"query": VIEWER},
            headers={"x-request-id": "abc-1", "authorization": "Bearer bhs_nobody"},
        )
        mine = [r for r in caplog.records if r.name.startswith("brandhub")]
        assert len(mine) >= 2  # the client error and the request line
        assert {r.request_id for r in mine} == {"abc-1"}

    async def test_a_refused_mutation_is_rejected_with_its_codes(self, gql, sign_up, caplog):
        await sign_up("ada@example.com")
        caplog.set_level(logging.INFO)
        taken = {"email": "ada@example.com", "password": "correct horse battery"}
        await gql(SIGN_UP, {"input": {**taken, "displayName": "Ada"}})
        [line] = request_lines(caplog)
        assert (line.operation, line.operation_type) == ("SignUp", "mutation")
        assert line.outcome == "rejected"
        assert line.error_codes == ["ALREADY_EXISTS"]
        assert line.levelno == logging.INFO

    async def test_health_probes_stay_out_of_the_info_log(self, client, caplog):
        caplog.set_level(logging.INFO)
        await client.get("/healthz")
        assert request_lines(caplog) == []


class TestWhoseFault:
    async def test_a_bad_token_is_info_without_traceback(self, client, caplog):
        caplog.set_level(logging.DEBUG)
        headers = {"authorization": "Bearer bhs_nobody"}
        await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert not [r for r in caplog.records if r.exc_info]
        [line] = request_lines(caplog)
        assert (line.outcome, line.error_codes) == ("client_error", ["UNAUTHENTICATED"])

    async def test_an_unknown_field_is_info_without_traceback(self, client, caplog):
        caplog.set_level(logging.DEBUG)
        await client.post("/graphql", json={"query": "query Oops { nosuchfield }"})
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
        assert "Cannot query field 'nosuchfield'" in caplog.text
        [line] = request_lines(caplog)
        assert (line.operation, line.outcome) == ("Oops", "client_error")

    async def test_variable_values_stay_out_of_the_log(self, client, caplog):
        caplog.set_level(logging.DEBUG)
        variables = {
            "input": {
                "email": "ada@example.com",
                "password": "hunter2-is-my-password",
                "displayName": "Ada",
                "favouriteColour": "blue",  # not a field: the whole value is quoted back
            }
        }
        response = await client.post("/graphql", json={"query": SIGN_UP, "variables": variables})
        assert "hunter2" in response.text  # the client gets graphql-core's message as is
        assert "hunter2" not in caplog.text
        assert "favouriteColour" in caplog.text

    async def test_a_server_fault_is_an_error_with_its_traceback(self, gql, monkeypatch, caplog):
        async def explode(*args, **kwargs):
            raise RuntimeError("the disk caught fire")

        monkeypatch.setattr("brandhub.schema.context.authenticate", explode)
        caplog.set_level(logging.INFO)
        await gql(VIEWER, token="bhs_anything")
        [fault] = [r for r in caplog.records if r.name == "brandhub.graphql"]
        assert fault.levelno == logging.ERROR and fault.exc_info is not None
        [line] = request_lines(caplog)
        assert (line.levelno, line.outcome) == (logging.ERROR, "server_error")
        assert line.error_codes == ["INTERNAL_SERVER_ERROR"]


class TestFormats:
    def record(self, **extra) -> logging.LogRecord:
        record = logging.LogRecord(
            "brandhub.http", logging.INFO, __file__, 1, "POST %s", ("/g",), None
        )
        record.request_id = "r-1"
        for key, value in extra.items():
            setattr(record, key, value)
        return record

    def test_json_lines(self) -> None:
        line = JsonLines().format(self.record(status=200, duration_ms=1.5, operation="Viewer"))
        entry = json.loads(line)
        assert "\n" not in line
        assert entry["level"] == "INFO" and entry["logger"] == "brandhub.http"
        assert entry["message"] == "POST /g"
        assert (entry["request_id"], entry["status"], entry["duration_ms"]) == ("r-1", 200, 1.5)
        assert entry["operation"] == "Viewer"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["ts"])

    def test_json_lines_keep_a_traceback_on_one_line(self) -> None:
        try:
            raise ValueError("boom")
        except ValueError:
            record = self.record()
            record.exc_info = sys.exc_info()
        line = JsonLines().format(record)
        assert "\n" not in line
        assert "ValueError: boom" in json.loads(line)["exc"]

    def test_readable_text(self) -> None:
        text = Readable().format(self.record(status=200))
        assert re.match(r"\d\d:\d\d:\d\d\.\d{3} INFO  brandhub\.http  POST /g  ", text)
        assert "request_id=r-1" in text and "status=200" in text

    def test_json_off_a_terminal_and_text_on_one(self) -> None:
        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        assert log_config(stream=io.StringIO())["handlers"]["stderr"]["formatter"] == "json"
        assert log_config(stream=Terminal())["handlers"]["stderr"]["formatter"] == "readable"

    def test_chatty_libraries_are_capped_even_at_debug(self) -> None:
        loggers = log_config("DEBUG")["loggers"]
        assert loggers["aiosqlite"]["level"] == "WARNING"  # its debug lines print SQL values
        assert "uvicorn.access" in loggers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_brandhub_serve_writes_json_lines_and_no_access_log(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "BRANDHUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "BRANDHUB_ARGON2_MEMORY_KIB": "1024",
    }
    env.pop("BRANDHUB_REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "brandhub.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": VIEWER},
                    headers={"x-request-id": "from-the-proxy"},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "brandhub serve did not answer in 60 s"
                time.sleep(0.2)
        assert response.headers["x-request-id"] == "from-the-proxy"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    entries = [json.loads(line) for line in stderr.splitlines()]  # every line is JSON
    [line] = [e for e in entries if e.get("request_id") == "from-the-proxy"]
    assert (line["operation"], line["outcome"], line["status"]) == ("Viewer", "ok", 200)
    assert "duration_ms" in line
    assert not [e for e in entries if e["logger"] == "uvicorn.access"]
    assert any(e["logger"] == "uvicorn.error" for e in entries)  # uvicorn's own, same format


def test_a_websocket_operation_logs_its_own_line_with_the_socket_id(settings, caplog):
    from starlette.testclient import TestClient

    from brandhub.app import create_app

    caplog.set_level(logging.INFO)
    with (
        TestClient(create_app(settings)) as client,
        client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"x-request-id": "ws-77"}
        ) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"authorization": "Bearer bhs_no"}})
        assert ws.receive_json()["type"] == "connection_ack"
        subscription = "subscription Hear { handoffEvents { sequence } }"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": subscription}})
        refusal = ws.receive_json()["payload"]
        assert refusal["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    [line] = [r for r in caplog.records if r.name == "brandhub.graphql" and hasattr(r, "outcome")]
    assert (line.request_id, line.operation, line.operation_type) == (
        "ws-77",
        "Hear",
        "subscription",
    )
    assert line.outcome == "client_error" and line.levelno == logging.INFO
    assert isinstance(line.duration_ms, float)
