"""Product spec templates (JSON Schema Draft 2020-12), spec validation and spec digests.

A campaign names a template; every proposal's ``spec`` is validated against it and
fingerprinted with :func:`spec_digest` (SHA-256 of the RFC 8785 canonical JSON).
All functions here are pure: no I/O, no clock.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import rfc8785
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema_specifications import REGISTRY as METASCHEMAS
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from brandhub.community.units import UNITS

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
MAX_SPEC_BYTES = 64 * 1024
MAX_TEMPLATE_BYTES = 64 * 1024
MAX_DEPTH = 32
_NON_BLANK = r"\S"

# Regulation (EU) No 1169/2011, Annex II: the 14 allergens that must be declared.
EU_ALLERGENS = (
    "celery",
    "cereals-containing-gluten",
    "crustaceans",
    "eggs",
    "fish",
    "lupin",
    "milk",
    "molluscs",
    "mustard",
    "nuts",
    "peanuts",
    "sesame",
    "soybeans",
    "sulphites",
)
GARMENTS = ("t-shirt", "hoodie", "sweatshirt", "cap", "beanie", "tote-bag", "socks", "jacket")
SIZES = ("XS", "S", "M", "L", "XL", "XXL", "one-size")


def _text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "pattern": _NON_BLANK, "maxLength": max_length}


def _list(items: dict[str, Any], max_items: int, *, unique: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "minItems": 1, "maxItems": max_items}
    if unique:
        schema["uniqueItems"] = True
    return schema | {"items": items}


def _object(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
        **extra,
    }


_RECIPE = {
    "$schema": DRAFT_2020_12,
    "title": "Recipe",
    **_object(
        {
            "servings": {"type": "integer", "minimum": 1, "maximum": 1000},
            "ingredients": _list(
                _object(
                    {
                        "name": _text(200),
                        "quantity": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e6},
                        "unit": {"enum": list(UNITS)},
                    },
                    ["name", "quantity", "unit"],
                ),
                100,
            ),
            "steps": _list(_text(2000), 100),
            # Required, possibly empty: the author must declare "no allergens" explicitly.
            "allergens": {
                "type": "array",
                "uniqueItems": True,
                "maxItems": len(EU_ALLERGENS),
                "items": {"enum": list(EU_ALLERGENS)},
            },
        },
        ["servings", "ingredients", "steps", "allergens"],
    ),
}

_APPAREL = {
    "$schema": DRAFT_2020_12,
    "title": "Apparel",
    **_object(
        {
            "garment": {"enum": list(GARMENTS)},
            "sizes": _list({"enum": list(SIZES)}, len(SIZES), unique=True),
            "materials": _list(
                _object(
                    {
                        "material": _text(100),
                        "percentage": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                    },
                    ["material", "percentage"],
                ),
                20,
            )
            # JSON Schema cannot sum; this keyword is ours (see _sum_equals), ignored elsewhere.
            | {"x-sumEquals": {"property": "percentage", "total": 100}},
            "colours": _list(_text(50), 30, unique=True),
        },
        ["garment", "sizes", "materials", "colours"],
    ),
}

_GENERIC = {
    "$schema": DRAFT_2020_12,
    "title": "Generic product",
    **_object(
        {
            "description": _text(5000),
            "attributes": {
                "type": "object",
                "maxProperties": 50,
                "propertyNames": _text(100),
                "additionalProperties": {
                    "type": ["string", "number", "boolean"],
                    "maxLength": 1000,
                },
            },
        },
        ["description"],
    ),
}

BUILTIN_TEMPLATES: dict[str, dict] = {"recipe": _RECIPE, "apparel": _APPAREL, "generic": _GENERIC}


class UnknownTemplateError(LookupError):
    """No built-in spec template has this name."""


@dataclass(frozen=True, slots=True)
class SpecViolation:
    """One problem found in a spec (or a template): where it is and what is wrong."""

    path: tuple[str | int, ...]
    message: str


def _sum_equals(
    validator: Any, value: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """Keyword ``x-sumEquals``: the numeric ``property`` of all items adds up to ``total``."""
    if not isinstance(value, dict) or not isinstance(instance, list):
        return
    prop, total = value.get("property"), value.get("total")
    if not isinstance(prop, str) or not _is_number(total):
        return
    parts = [item.get(prop) for item in instance if isinstance(item, dict)]
    if not parts or len(parts) != len(instance) or not all(_is_number(p) for p in parts):
        return  # other keywords already report the malformed items
    found = math.fsum(parts)
    if not math.isclose(found, total, rel_tol=0, abs_tol=1e-6):
        yield ValidationError(f"must add up to {total:g} (they add up to {found:g})")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_Validator = validators.extend(Draft202012Validator, {"x-sumEquals": _sum_equals})


def get_template(name: str) -> dict:
    """Return a copy of the built-in template called ``name``."""
    try:
        return copy.deepcopy(BUILTIN_TEMPLATES[name])
    except KeyError:
        raise UnknownTemplateError(f"unknown spec template {name!r}") from None


def canonical_json(obj: object) -> bytes:
    """Serialise ``obj`` as RFC 8785 canonical JSON (UTF-8 bytes)."""
    return rfc8785.dumps(obj)  # type: ignore[arg-type]


def spec_digest(spec: object) -> str:
    """Lowercase hex SHA-256 of the canonical JSON of ``spec``."""
    return hashlib.sha256(canonical_json(spec)).hexdigest()


def validate_custom_template(schema: object) -> list[SpecViolation]:
    """Every reason ``schema`` cannot serve as a spec template (empty list if it can)."""
    if not isinstance(schema, dict):
        return [SpecViolation((), "template must be a JSON object")]
    problem = _size_problem(schema, MAX_TEMPLATE_BYTES, "template")
    if problem:
        return [problem]
    found: list[SpecViolation] = []
    if schema.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
        found.append(SpecViolation(("$schema",), f"$schema must be {DRAFT_2020_12}"))
    if schema.get("type") != "object":
        found.append(SpecViolation(("type",), 'template must have "type": "object"'))
    meta = Draft202012Validator(
        Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    found += _violations(meta.iter_errors(schema))
    if not found:
        found += _reference_problems(schema)
    return _sorted(found)


def validate_spec(template: dict, spec: object) -> list[SpecViolation]:
    """Every violation of ``template`` by ``spec``, sorted by path (empty list if valid)."""
    if not isinstance(spec, dict):
        return [SpecViolation((), "spec must be a JSON object")]
    problem = _size_problem(spec, MAX_SPEC_BYTES, "spec")
    if problem:
        return [problem]
    validator = _Validator(template, registry=METASCHEMAS)  # no remote $ref retrieval
    return _sorted(_violations(validator.iter_errors(spec)))


def _size_problem(value: object, limit: int, what: str) -> SpecViolation | None:
    if _depth(value) > MAX_DEPTH:
        return SpecViolation((), f"{what} is nested too deeply (at most {MAX_DEPTH} levels)")
    try:
        size = len(canonical_json(value))
    except ValueError as exc:  # rfc8785 errors, lone surrogates
        return SpecViolation((), f"{what} is not valid JSON: {exc}")
    if size > limit:
        return SpecViolation((), f"{what} is too large ({size} bytes; at most {limit})")
    return None


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list | tuple):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def _reference_problems(schema: dict) -> list[SpecViolation]:
    """Only local references that resolve: a template must never make us fetch a URL."""
    resolver = METASCHEMAS.resolver_with_root(DRAFT202012.create_resource(schema))
    found = []
    for path, ref in _references(schema, ()):
        if not ref.startswith("#"):
            found.append(SpecViolation(path, "only local references (starting with #) are allowed"))
            continue
        try:
            resolver.lookup(ref)
        except Unresolvable:
            found.append(SpecViolation(path, f"reference {ref} does not resolve"))
    return found


def _references(node: object, path: tuple[str | int, ...]) -> Iterator[tuple[tuple, str]]:
    if isinstance(node, dict):
        for key, child in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(child, str):
                yield (*path, key), child
            else:
                yield from _references(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _references(child, (*path, index))


def _sorted(found: list[SpecViolation]) -> list[SpecViolation]:
    unique = {(v.path, v.message): v for v in found}.values()
    return sorted(unique, key=lambda v: ([_part_key(p) for p in v.path], v.message))


def _part_key(part: str | int) -> tuple[int, int, str]:
    return (0, part, "") if isinstance(part, int) else (1, 0, str(part))


def _violations(errors: Iterator[ValidationError]) -> list[SpecViolation]:
    found: list[SpecViolation] = []
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    found.append(SpecViolation((*path, name), f"{_short(name)} is required"))
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            for name in _extra_properties(error):
                message = f"{_short(name)} is not an allowed field"
                found.append(SpecViolation((*path, name), message))
        else:
            found.append(SpecViolation(path, _message(error, path)))
    return found


def _extra_properties(error: ValidationError) -> list[str]:
    known = error.schema.get("properties", {})
    patterns = error.schema.get("patternProperties", {})
    extras = [name for name in error.instance if name not in known]
    if patterns:
        extras = [n for n in extras if not any(re.search(p, n) for p in patterns)]
    return extras


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def _label(path: tuple[str | int, ...]) -> str:
    if not path:
        return "spec"
    *parent, last = path
    if isinstance(last, int):
        return f"{_label(tuple(parent))}[{last}]"
    return _short(last)


def _short(name: object) -> str:
    """Field names come from users: keep messages readable whatever their length."""
    text = str(name)
    return text if len(text) <= 60 else text[:60] + "…"


def _message(error: ValidationError, path: tuple[str | int, ...]) -> str:
    kind, value = error.validator, error.validator_value
    label = _label(path)
    if "propertyNames" in error.relative_schema_path:
        label = f"field name {error.instance!r} in {label}"
    match kind:
        case "type":
            names = [value] if isinstance(value, str) else list(value)
            *others, last = [_TYPE_NAMES.get(n, n) for n in names]
            return f"{label} must be {', '.join(others) + ' or ' if others else ''}{last}"
        case "minimum":
            return f"{label} must be at least {value:g}"
        case "exclusiveMinimum":
            return f"{label} must be greater than {value:g}"
        case "maximum":
            return f"{label} must be at most {value:g}"
        case "exclusiveMaximum":
            return f"{label} must be less than {value:g}"
        case "minLength" if value == 1:
            return f"{label} must not be empty"
        case "pattern" if value == _NON_BLANK:
            return f"{label} must not be empty"
        case "minLength":
            return f"{label} must be at least {value} characters long"
        case "maxLength":
            return f"{label} must be at most {value} characters long"
        case "minItems" if value == 1:
            return f"{label} must contain at least one item"
        case "minItems":
            return f"{label} must contain at least {value} items"
        case "maxItems":
            return f"{label} must contain at most {value} items"
        case "uniqueItems":
            return f"{label} must not contain duplicates"
        case "maxProperties":
            return f"{label} must have at most {value} fields"
        case "minProperties":
            return f"{label} must have at least {value} fields"
        case "enum":
            return f"{label} must be one of: {', '.join(map(str, value))}"
        case "const":
            return f"{label} must be {value!r}"
        case "x-sumEquals":
            return f"{value['property']} values in {label} {error.message}"
    message = error.message
    return f"{label}: {message[:300]}{'…' if len(message) > 300 else ''}"
