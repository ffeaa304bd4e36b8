"""schema.graphql at the root is the contract; it must match what the code serves."""

from pathlib import Path

from brandhub.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_schema_graphql_matches_the_code(capsys):
    assert main(["schema"]) == 0
    served = capsys.readouterr().out
    committed = (ROOT / "schema.graphql").read_text()
    assert served == committed, "schema.graphql drifted: run `brandhub schema > schema.graphql`"
