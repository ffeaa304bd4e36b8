"""The web app's French catalogue of refusals knows every code the API can answer with."""

from __future__ import annotations

import re
from pathlib import Path

from brandhub.schema.errors import ErrorCode

CATALOGUE = Path(__file__).resolve().parents[2] / "web" / "src" / "i18n" / "errors-fr.ts"


def test_every_error_code_has_a_french_sentence():
    text = CATALOGUE.read_text()
    by_code = text[text.index("const byCode") : text.index("const byField")]
    known = set(re.findall(r"^\s+([A-Z_]+): '", by_code, flags=re.M))
    assert {code.value for code in ErrorCode} <= known
