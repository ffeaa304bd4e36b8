"""Spec templates, spec validation and RFC 8785 digests."""

from __future__ import annotations

import hashlib
import json
import math
import struct

import pytest
from jsonschema import Draft202012Validator

from brandhub.community.specs import (
    BUILTIN_TEMPLATES,
    EU_ALLERGENS,
    MAX_SPEC_BYTES,
    SpecViolation,
    UnknownTemplateError,
    canonical_json,
    get_template,
    spec_digest,
    validate_custom_template,
    validate_spec,
)

# --- RFC 8785 test vectors ------------------------------------------------------------------
# Input/output pairs from github.com/cyberphone/json-canonicalization, testdata/input and
# testdata/output (the reference implementation by RFC 8785's author). Non-ASCII characters
# of the expected outputs are written as Python escapes; the bytes compared are UTF-8.

CYBERPHONE_VECTORS = {
    "arrays": (
        '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]',
        '[56,{"1":[],"10":null,"d":true}]',
    ),
    "french": (
        '{\n  "peach": "This sorting order",\n  "p\u00e9ch\u00e9": "is wrong according to French",'
        '\n  "p\u00eache": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n',
        '{"peach":"This sorting order","p\u00e9ch\u00e9":"is wrong according to French",'
        '"p\u00eache":"but canonicalization MUST","sin":"ingnore locale"}',
    ),
    "structures": (
        '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n'
        '  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
        '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    ),
    "unicode": (
        '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n',
        '{"Unnormalized Unicode":"\u1e0d\u0307"}',
    ),
    "values": (
        '{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n'
        '  "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
        '  "literals": [null, true, false]\n}',
        '{"escaping":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],'
        '"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
    ),
    "weird": (
        '{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n'
        '  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n'
        '  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n',
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f602":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ),
}

# RFC 8785 section 3.2.2 sample and the UTF-8 bytes section 3.2.4 gives for its canonical form.
RFC_SAMPLE = (
    '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n'
    '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
    '  "literals": [null, true, false]\n}'
)
RFC_SAMPLE_UTF8_HEX = """
7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
"""

# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical serialisation.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


class TestCanonicalJson:
    @pytest.mark.parametrize("name", sorted(CYBERPHONE_VECTORS))
    def test_cyberphone_vectors(self, name: str) -> None:
        source, expected = CYBERPHONE_VECTORS[name]
        value = json.loads(source)
        assert canonical_json(value) == expected.encode("utf-8")
        assert spec_digest(value) == hashlib.sha256(expected.encode("utf-8")).hexdigest()

    def test_rfc_sample_bytes(self) -> None:
        expected = bytes.fromhex("".join(RFC_SAMPLE_UTF8_HEX.split()))
        assert canonical_json(json.loads(RFC_SAMPLE)) == expected
        assert spec_digest(json.loads(RFC_SAMPLE)) == hashlib.sha256(expected).hexdigest()

    def test_rfc_utf16_property_order(self) -> None:
        value = {
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\U0001f600": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis",
        }
        expected = (
            '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
            '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
            '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
        )
        assert canonical_json(value) == expected.encode("utf-8")

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1e30, "1e+30"),
            (4.50, "4.5"),
            (2e-3, "0.002"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1e-27, "1e-27"),
            (333333333.33333329, "333333333.3333333"),
            (-0.0, "0"),
            (100.0, "100"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
        ],
    )
    def test_number_serialisation(self, value: float, expected: str) -> None:
        assert canonical_json(value) == expected.encode()

    @pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
    def test_appendix_b_numbers(self, bits: str, expected: str) -> None:
        (value,) = struct.unpack(">d", bytes.fromhex(bits))
        assert canonical_json(value) == expected.encode()

    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 2**53, {1: "x"}])
    def test_refuses_what_json_cannot_carry(self, value: object) -> None:
        with pytest.raises(ValueError):
            canonical_json(value)

    def test_digest_ignores_key_order_and_whitespace(self) -> None:
        a = json.loads('{"b": [1, 2.0, {"y": 1, "x": 2}], "a": "\u00e9"}')
        b = json.loads('{"a":"\\u00e9","b":[1,2,{"x":2,"y":1}]}')
        assert spec_digest(a) == spec_digest(b)
        assert spec_digest(a) != spec_digest({**a, "a": "e"})
        assert len(spec_digest(a)) == 64
        assert spec_digest(a) == spec_digest(a).lower()


# --- templates and validation ---------------------------------------------------------------

RECIPE = {
    "servings": 4,
    "ingredients": [
        {"name": "carrots", "quantity": 500, "unit": "g"},
        {"name": "vegetable stock", "quantity": 1.5, "unit": "l"},
        {"name": "cream", "quantity": 100, "unit": "ml"},
        {"name": "salt", "quantity": 1, "unit": "pinch"},
    ],
    "steps": ["Chop the carrots.", "Simmer in the stock for 20 minutes.", "Blend, add cream."],
    "allergens": ["milk", "celery"],
}
APPAREL = {
    "garment": "t-shirt",
    "sizes": ["S", "M", "L", "XL"],
    "materials": [
        {"material": "organic cotton", "percentage": 95},
        {"material": "elastane", "percentage": 5},
    ],
    "colours": ["black", "sand"],
}
GENERIC = {
    "description": "A solar-powered bike light.",
    "attributes": {"lumens": 400, "waterproof": True, "mount": "handlebar"},
}
EXAMPLES = {"recipe": RECIPE, "apparel": APPAREL, "generic": GENERIC}


def paths(violations: list[SpecViolation]) -> list[tuple[str | int, ...]]:
    return [v.path for v in violations]


class TestTemplates:
    @pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
    def test_builtin_template_is_a_valid_schema(self, name: str) -> None:
        Draft202012Validator.check_schema(BUILTIN_TEMPLATES[name])
        assert validate_custom_template(BUILTIN_TEMPLATES[name]) == []

    @pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
    def test_valid_example_passes(self, name: str) -> None:
        assert validate_spec(get_template(name), EXAMPLES[name]) == []

    def test_builtins_are_the_three_in_the_design(self) -> None:
        assert set(BUILTIN_TEMPLATES) == {"recipe", "apparel", "generic"}

    def test_get_template_returns_a_copy(self) -> None:
        template = get_template("recipe")
        template["properties"].clear()
        assert get_template("recipe")["properties"]

    def test_unknown_template(self) -> None:
        with pytest.raises(UnknownTemplateError):
            get_template("spaceship")

    def test_every_string_and_array_has_an_abuse_limit(self) -> None:
        def walk(schema: object) -> None:
            if isinstance(schema, dict):
                if schema.get("type") == "string":
                    assert "maxLength" in schema, schema
                if schema.get("type") == "array":
                    assert "maxItems" in schema, schema
                if schema.get("type") == "object":
                    assert "maxProperties" in schema or schema.get("additionalProperties") is False
                for child in schema.values():
                    walk(child)

        for template in BUILTIN_TEMPLATES.values():
            walk(template)


class TestValidateSpec:
    def test_nested_path_and_clear_message(self) -> None:
        spec = json.loads(json.dumps(RECIPE))
        spec["ingredients"][2]["quantity"] = 0
        assert validate_spec(get_template("recipe"), spec) == [
            SpecViolation(("ingredients", 2, "quantity"), "quantity must be greater than 0")
        ]

    def test_every_violation_is_reported_sorted_by_path(self) -> None:
        spec = {
            "servings": 0,
            "ingredients": [
                {"name": "", "quantity": 1, "unit": "g"},
                {"name": "flour", "quantity": -2, "unit": "handful", "brand": "x"},
            ],
            "steps": ["Mix.", "   "],
            "allergens": ["milk", "milk", "gluten"],
            "price": 3,
        }
        found = validate_spec(get_template("recipe"), spec)
        assert paths(found) == [
            ("allergens",),
            ("allergens", 2),
            ("ingredients", 0, "name"),
            ("ingredients", 1, "brand"),
            ("ingredients", 1, "quantity"),
            ("ingredients", 1, "unit"),
            ("price",),
            ("servings",),
            ("steps", 1),
        ]
        messages = {v.path: v.message for v in found}
        assert messages[("allergens",)] == "allergens must not contain duplicates"
        assert messages[("ingredients", 0, "name")] == "name must not be empty"
        assert messages[("ingredients", 1, "brand")] == "brand is not an allowed field"
        assert messages[("ingredients", 1, "unit")].startswith("unit must be one of: g, kg")
        assert messages[("servings",)] == "servings must be at least 1"
        assert messages[("steps", 1)] == "steps[1] must not be empty"

    def test_missing_fields_are_reported_at_their_own_path(self) -> None:
        found = validate_spec(get_template("recipe"), {"servings": 2})
        assert found == [
            SpecViolation(("allergens",), "allergens is required"),
            SpecViolation(("ingredients",), "ingredients is required"),
            SpecViolation(("steps",), "steps is required"),
        ]

    def test_wrong_types(self) -> None:
        spec = {**RECIPE, "servings": 2.5, "steps": "stir"}
        assert validate_spec(get_template("recipe"), spec) == [
            SpecViolation(("servings",), "servings must be a whole number"),
            SpecViolation(("steps",), "steps must be a list"),
        ]

    def test_booleans_are_not_numbers(self) -> None:
        spec = {**RECIPE, "servings": True}
        assert paths(validate_spec(get_template("recipe"), spec)) == [("servings",)]

    def test_every_eu_allergen_is_accepted(self) -> None:
        assert len(EU_ALLERGENS) == 14
        spec = {**RECIPE, "allergens": list(EU_ALLERGENS)}
        assert validate_spec(get_template("recipe"), spec) == []

    def test_apparel_percentages_must_add_up_to_100(self) -> None:
        spec = {**APPAREL, "materials": [{"material": "cotton", "percentage": 60}]}
        assert validate_spec(get_template("apparel"), spec) == [
            SpecViolation(
                ("materials",),
                "percentage values in materials must add up to 100 (they add up to 60)",
            )
        ]

    def test_apparel_fractional_percentages_that_add_up(self) -> None:
        materials = [{"material": m, "percentage": 33.3} for m in ("a", "b")]
        materials.append({"material": "c", "percentage": 33.4})
        assert validate_spec(get_template("apparel"), {**APPAREL, "materials": materials}) == []

    def test_apparel_sum_and_item_errors_together(self) -> None:
        spec = {
            **APPAREL,
            "garment": "cape",
            "sizes": ["M", "M", "XXXL"],
            "materials": [
                {"material": "wool", "percentage": 0},
                {"material": "silk", "percentage": 120},
            ],
            "colours": [],
        }
        assert paths(validate_spec(get_template("apparel"), spec)) == [
            ("colours",),
            ("garment",),
            ("materials",),
            ("materials", 0, "percentage"),
            ("materials", 1, "percentage"),
            ("sizes",),
            ("sizes", 2),
        ]

    def test_malformed_materials_skip_the_sum_check(self) -> None:
        spec = {**APPAREL, "materials": [{"material": "wool"}]}
        assert validate_spec(get_template("apparel"), spec) == [
            SpecViolation(("materials", 0, "percentage"), "percentage is required")
        ]

    def test_generic_attributes(self) -> None:
        spec = {
            "description": "A lamp",
            "attributes": {"ok": "yes", "nested": {"a": 1}, "list": [1], "long": "x" * 1001},
        }
        assert validate_spec(get_template("generic"), spec) == [
            SpecViolation(("attributes", "list"), "list must be text, a number or true or false"),
            SpecViolation(("attributes", "long"), "long must be at most 1000 characters long"),
            SpecViolation(
                ("attributes", "nested"), "nested must be text, a number or true or false"
            ),
        ]

    def test_generic_attribute_names_must_not_be_blank(self) -> None:
        found = validate_spec(get_template("generic"), {"description": "d", "attributes": {" ": 1}})
        assert paths(found) == [("attributes",)]
        assert "field name" in found[0].message

    @pytest.mark.parametrize("spec", [[], "soup", 3, None])
    def test_spec_must_be_an_object(self, spec: object) -> None:
        assert validate_spec(get_template("generic"), spec) == [
            SpecViolation((), "spec must be a JSON object")
        ]

    def test_size_limit(self) -> None:
        template = {"type": "object"}
        fits = {"x": "a" * (MAX_SPEC_BYTES - len('{"x":""}'))}
        assert len(canonical_json(fits)) == MAX_SPEC_BYTES
        assert validate_spec(template, fits) == []
        found = validate_spec(template, {"x": "a" * MAX_SPEC_BYTES})
        assert paths(found) == [()]
        assert "too large" in found[0].message

    def test_not_json(self) -> None:
        found = validate_spec(get_template("generic"), {"description": math.nan})
        assert paths(found) == [()]
        assert "not valid JSON" in found[0].message

    def test_too_deep(self) -> None:
        deep: object = "leaf"
        for _ in range(100):
            deep = [deep]
        found = validate_spec({"type": "object"}, {"x": deep})
        assert "nested too deeply" in found[0].message

    def test_custom_template_is_enforced(self) -> None:
        template = {
            "type": "object",
            "properties": {"wattage": {"type": "integer", "exclusiveMaximum": 2000}},
        }
        assert validate_custom_template(template) == []
        assert validate_spec(template, {"wattage": 2000}) == [
            SpecViolation(("wattage",), "wattage must be less than 2000")
        ]


class TestValidateCustomTemplate:
    def test_a_good_template(self) -> None:
        template = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"flavour": {"$ref": "#/$defs/flavour"}},
            "$defs": {"flavour": {"enum": ["sweet", "sour"]}},
        }
        assert validate_custom_template(template) == []

    @pytest.mark.parametrize("schema", [True, [], "object", None])
    def test_must_be_an_object(self, schema: object) -> None:
        assert paths(validate_custom_template(schema)) == [()]

    def test_must_describe_an_object(self) -> None:
        found = validate_custom_template({"type": "array"})
        assert found == [SpecViolation(("type",), 'template must have "type": "object"')]
        assert paths(validate_custom_template({"properties": {}})) == [("type",)]

    def test_metaschema_violations_are_all_reported(self) -> None:
        template = {
            "type": "object",
            "properties": {"a": {"type": "strin"}, "b": {"minLength": -1}, "c": {"pattern": "("}},
            "required": "a",
        }
        assert paths(validate_custom_template(template)) == [
            ("properties", "a", "type"),
            ("properties", "b", "minLength"),
            ("properties", "c", "pattern"),
            ("required",),
        ]

    def test_other_drafts_are_refused(self) -> None:
        template = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}
        assert paths(validate_custom_template(template)) == [("$schema",)]

    def test_remote_references_are_refused(self) -> None:
        template = {"type": "object", "properties": {"a": {"$ref": "http://169.254.169.254/"}}}
        assert validate_custom_template(template) == [
            SpecViolation(
                ("properties", "a", "$ref"), "only local references (starting with #) are allowed"
            )
        ]

    def test_dangling_references_are_refused(self) -> None:
        template = {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}
        assert paths(validate_custom_template(template)) == [("properties", "a", "$ref")]

    def test_oversized_template_is_refused(self) -> None:
        template = {"type": "object", "description": "x" * 70_000}
        found = validate_custom_template(template)
        assert paths(found) == [()]
        assert "too large" in found[0].message


def test_long_user_field_names_are_shortened_in_messages() -> None:
    name = "x" * 500
    (found,) = validate_spec(get_template("generic"), {"description": "d", name: 1})
    assert found.path == (name,)
    assert len(found.message) < 100
