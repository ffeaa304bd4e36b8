"""The locked sets cover pyproject.toml: a dependency added without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def name(requirement: str) -> str:
    """The normalised distribution name of a requirement (PEP 503)."""
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found.group(1)).lower()


def pinned(lock: str) -> dict[str, str]:
    """name -> version of every ``name==version`` line of a lock file."""
    text = (ROOT / lock).read_text()
    return {
        re.sub(r"[-_.]+", "-", n).lower(): v
        for n, v in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\;]+)", text, re.M)
    }


def test_every_runtime_dependency_is_locked():
    missing = {name(r) for r in PROJECT["dependencies"]} - set(pinned("requirements.lock"))
    assert not missing, f"run `make lock`: {sorted(missing)} not in requirements.lock"


def test_every_dev_dependency_is_locked():
    wanted = {name(r) for r in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]}
    missing = wanted - set(pinned("requirements-dev.lock"))
    assert not missing, f"run `make lock`: {sorted(missing)} not in requirements-dev.lock"


def test_the_runtime_set_is_the_dev_set_without_the_tools():
    run, dev = pinned("requirements.lock"), pinned("requirements-dev.lock")
    assert {n: dev.get(n) for n in run} == run


def test_every_pin_has_hashes():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), lock
