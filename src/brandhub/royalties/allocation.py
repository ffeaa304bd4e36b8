"""Money in minor units and the largest-remainder split of a sale into royalties. Pure.

Amounts are integers of the currency's minor unit (ISO 4217: JPY 0 digits, EUR 2, KWD 3),
never floats. A sale's net revenue N is split into the brand's share (b % of N), one share
per credited author (a % of N divided equally among them) and what the partner keeps (the
rest). Each exact share is rounded down to the minor unit; the minor units left over (fewer
than the number of parts) go one each to the parts with the largest remainders, ties to the
earlier part (brand, then authors in credit order, then the partner). So the parts always
add up to N exactly: no minor unit is created or lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from brandhub.errors import InvalidInput, ManyErrors
from brandhub.partners.quotes import CURRENCIES

HUNDRED = Fraction(100)
# Percentages are exact decimals with at most this many digits after the point (12.3456 %).
PERCENT_PLACES = 4


def minor_digits(currency: str) -> int:
    """Digits after the point in ``currency`` (ISO 4217), or ``InvalidInput`` naming it."""
    try:
        return CURRENCIES[currency]
    except KeyError:
        raise InvalidInput(
            f"{currency!r} is not an ISO 4217 currency code (e.g. EUR, USD, JPY).",
            field=["currency"],
        ) from None


def to_minor(amount: Decimal, currency: str, *, field: str = "netRevenue") -> int:
    """``amount`` in minor units; refused when it has more digits than the currency allows."""
    digits = minor_digits(currency)
    if not amount.is_finite():
        raise InvalidInput(f"{field} must be a number.", field=[field])
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise InvalidInput(
            f"{field} has more decimals than {currency} allows ({digits}).", field=[field]
        )
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back to a ``Decimal`` with exactly the currency's digits ("9.50", "950")."""
    digits = CURRENCIES.get(currency, 2)
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def largest_remainder(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Split ``total`` minor units in proportion to ``weights`` (summing to 1); exact sum."""
    exact = [total * w for w in weights]
    parts = [int(x.numerator // x.denominator) for x in exact]
    left = total - sum(parts)
    # Largest remainder first; on a tie, the earlier part.
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class Split:
    """One sale's net revenue, in minor units: brand, each author, and what the partner keeps."""

    brand: int
    authors: tuple[int, ...]
    partner: int

    @property
    def royalties(self) -> int:
        return self.brand + sum(self.authors)


def split_sale(
    net_minor: int, *, brand_percent: Decimal, authors_percent: Decimal, authors: int
) -> Split:
    """Split a sale by the royalty rules; the authors' percentage is shared equally."""
    brand_w = Fraction(brand_percent) / HUNDRED
    authors_w = Fraction(authors_percent) / HUNDRED if authors else Fraction(0)
    each = [authors_w / authors] * authors if authors else []
    weights = [brand_w, *each, 1 - brand_w - authors_w]
    parts = largest_remainder(net_minor, weights)
    return Split(brand=parts[0], authors=tuple(parts[1:-1]), partner=parts[-1])


def check_percentages(brand_percent: Decimal, authors_percent: Decimal) -> tuple[Decimal, Decimal]:
    """Royalty percentages: exact decimals 0–100 (4 places at most) that add up to ≤ 100."""
    problems: list[InvalidInput] = []
    for name, value in (("brandPercent", brand_percent), ("authorsPercent", authors_percent)):
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            problems.append(InvalidInput(f"{name} must be between 0 and 100.", field=[name]))
        elif value != value.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
            problems.append(
                InvalidInput(f"{name} may have at most {PERCENT_PLACES} decimals.", field=[name])
            )
    if not problems and brand_percent + authors_percent > 100:
        problems.append(
            InvalidInput(
                "brandPercent and authorsPercent together may not exceed 100.",
                field=["authorsPercent"],
            )
        )
    if problems:
        raise problems[0] if len(problems) == 1 else ManyErrors(problems)
    return normal(brand_percent), normal(authors_percent)


def normal(value: Decimal) -> Decimal:
    """A percentage without trailing zeros or exponent: 10.00 → 10, 2.50 → 2.5."""
    text = format(value.normalize(), "f")
    return Decimal(text)
