"""Recipe units and their metric equivalents, for partners who weigh and measure in g and ml.

Mass converts to grams and volume to millilitres; count units (a clove, a can) have no
metric equivalent and pass through unchanged. US customary measures are used where the
names are ambiguous (the US legal cup, the US fluid ounce, pint and quart; spoons are the
metric 5 ml and 15 ml, as US nutrition labelling also rounds them). Exact factors are kept
as decimals; results are rounded to four significant digits. Pure: no I/O, no clock.
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from typing import Any

GRAM = "g"
MILLILITRE = "ml"

# unit -> (metric unit, factor): quantity × factor = metric quantity.
METRIC: dict[str, tuple[str, Decimal]] = {
    "g": (GRAM, Decimal(1)),
    "kg": (GRAM, Decimal(1000)),
    "mg": (GRAM, Decimal("0.001")),
    "oz": (GRAM, Decimal("28.349523125")),  # avoirdupois ounce
    "lb": (GRAM, Decimal("453.59237")),  # avoirdupois pound
    "ml": (MILLILITRE, Decimal(1)),
    "cl": (MILLILITRE, Decimal(10)),
    "dl": (MILLILITRE, Decimal(100)),
    "l": (MILLILITRE, Decimal(1000)),
    "tsp": (MILLILITRE, Decimal(5)),
    "tbsp": (MILLILITRE, Decimal(15)),
    "cup": (MILLILITRE, Decimal(240)),  # US legal cup
    "fl oz": (MILLILITRE, Decimal("29.5735295625")),  # US fluid ounce
    "pint": (MILLILITRE, Decimal("473.176473")),  # US liquid pint
    "quart": (MILLILITRE, Decimal("946.352946")),  # US liquid quart
}
COUNTS = ("piece", "clove", "slice", "bunch", "can", "pinch")
UNITS: tuple[str, ...] = (*METRIC, *COUNTS)
SIGNIFICANT_DIGITS = 4


def metric_quantity(quantity: float, unit: str) -> tuple[float | int, str]:
    """``quantity`` ``unit`` in grams or millilitres; count units come back unchanged."""
    if unit not in METRIC:
        return quantity, unit
    target, factor = METRIC[unit]
    exact = Decimal(str(quantity)) * factor
    return _rounded(exact), target


def _rounded(value: Decimal) -> float | int:
    if value == 0:
        return 0
    shift = SIGNIFICANT_DIGITS - value.adjusted() - 1
    rounded = round(value, shift)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def metric_spec(spec: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of a recipe spec with every ingredient in g or ml, the original quantity beside it.

    None when the spec lists no ingredients in known units (not a recipe: nothing to convert).
    The author's spec is never changed; ``specDigest`` covers the original only.
    """
    ingredients = spec.get("ingredients")
    if not isinstance(ingredients, list):
        return None
    converted = copy.deepcopy(spec)
    found = False
    for item in converted["ingredients"]:
        if not _measured(item):
            continue
        found = True
        quantity, unit = metric_quantity(item["quantity"], item["unit"])
        item.update(
            quantity=quantity,
            unit=unit,
            originalQuantity=item["quantity"],
            originalUnit=item["unit"],
        )
    return converted if found else None


def _measured(item: object) -> bool:
    if not isinstance(item, dict) or item.get("unit") not in UNITS:
        return False
    quantity = item.get("quantity")
    return (
        isinstance(quantity, int | float)
        and not isinstance(quantity, bool)
        and math.isfinite(quantity)
    )
