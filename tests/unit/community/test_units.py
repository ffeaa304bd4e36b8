"""Recipe units: the recipe template accepts real kitchens' units; partners get g and ml."""

from __future__ import annotations

import copy

import pytest

from brandhub.community.specs import get_template, spec_digest, validate_spec
from brandhub.community.units import COUNTS, UNITS, metric_quantity, metric_spec

KITCHEN_UNITS = ["cl", "dl", "mg", "oz", "lb", "fl oz", "pint", "quart", "clove", "slice"]
KITCHEN_UNITS += ["bunch", "can", "g", "kg", "ml", "l", "tsp", "tbsp", "cup", "piece", "pinch"]


def recipe(*ingredients: tuple[str, float, str]) -> dict:
    return {
        "servings": 4,
        "ingredients": [{"name": n, "quantity": q, "unit": u} for n, q, u in ingredients],
        "steps": ["Cook."],
        "allergens": [],
    }


class TestRecipeTemplate:
    @pytest.mark.parametrize("unit", KITCHEN_UNITS)
    def test_every_kitchen_unit_is_accepted(self, unit: str) -> None:
        assert validate_spec(get_template("recipe"), recipe(("cream", 20, unit))) == []

    def test_the_french_soup_bloggers_cream(self) -> None:
        spec = recipe(("crème fraîche", 20, "cl"), ("ail", 3, "clove"), ("bouillon", 1, "l"))
        assert validate_spec(get_template("recipe"), spec) == []

    @pytest.mark.parametrize("unit", ["CL", "floz", "fl. oz", "gallon", "stone", ""])
    def test_unknown_units_are_refused_with_the_list(self, unit: str) -> None:
        [problem] = validate_spec(get_template("recipe"), recipe(("cream", 20, unit)))
        assert problem.path == ("ingredients", 0, "unit")
        assert "fl oz" in problem.message and "clove" in problem.message


class TestMetricQuantity:
    @pytest.mark.parametrize(
        ("quantity", "unit", "expected"),
        [
            (20, "cl", (200, "ml")),
            (2.5, "dl", (250, "ml")),
            (1.5, "l", (1500, "ml")),
            (500, "mg", (0.5, "g")),
            (5, "mg", (0.005, "g")),
            (2, "kg", (2000, "g")),
            (1, "oz", (28.35, "g")),
            (2, "lb", (907.2, "g")),
            (10, "lb", (4536, "g")),
            (1, "fl oz", (29.57, "ml")),
            (1, "pint", (473.2, "ml")),
            (1, "quart", (946.4, "ml")),
            (0.5, "tsp", (2.5, "ml")),
            (2, "tbsp", (30, "ml")),
            (1, "cup", (240, "ml")),
            (0.1, "l", (100, "ml")),
        ],
    )
    def test_conversions(self, quantity: float, unit: str, expected: tuple) -> None:
        assert metric_quantity(quantity, unit) == expected

    @pytest.mark.parametrize("unit", COUNTS)
    def test_count_units_pass_through(self, unit: str) -> None:
        assert metric_quantity(3, unit) == (3, unit)

    def test_whole_results_are_integers(self) -> None:
        quantity, _ = metric_quantity(20, "cl")
        assert isinstance(quantity, int)

    def test_every_unit_is_either_converted_or_a_count(self) -> None:
        for unit in UNITS:
            _, target = metric_quantity(1, unit)
            assert target in ("g", "ml") or unit in COUNTS


class TestMetricSpec:
    def test_original_kept_beside_the_metric_form(self) -> None:
        spec = recipe(("cream", 20, "cl"), ("garlic", 3, "clove"), ("butter", 1, "oz"))
        before = copy.deepcopy(spec)
        converted = metric_spec(spec)
        assert spec == before  # the author's spec is untouched
        assert converted is not None
        assert converted["ingredients"] == [
            {
                "name": "cream",
                "quantity": 200,
                "unit": "ml",
                "originalQuantity": 20,
                "originalUnit": "cl",
            },
            {
                "name": "garlic",
                "quantity": 3,
                "unit": "clove",
                "originalQuantity": 3,
                "originalUnit": "clove",
            },
            {
                "name": "butter",
                "quantity": 28.35,
                "unit": "g",
                "originalQuantity": 1,
                "originalUnit": "oz",
            },
        ]
        assert {k: v for k, v in converted.items() if k != "ingredients"} == {
            k: v for k, v in spec.items() if k != "ingredients"
        }
        assert spec_digest(spec) == spec_digest(before)

    @pytest.mark.parametrize(
        "spec",
        [
            {"description": "A bike light."},
            {"ingredients": "flour"},
            {"ingredients": [{"name": "x", "quantity": 1, "unit": "smidgen"}]},
            {"ingredients": [{"name": "x", "quantity": True, "unit": "g"}]},
        ],
    )
    def test_nothing_to_convert_is_none(self, spec: dict) -> None:
        assert metric_spec(spec) is None
