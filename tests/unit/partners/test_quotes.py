"""Quotes: validation with field paths, and group-buy pricing by tiers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.errors import DomainError, ManyErrors
from brandhub.partners.quotes import (
    CURRENCIES,
    Quote,
    Tier,
    check_quote,
    current_tier,
    next_tier,
    tiers_from_json,
    tiers_to_json,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TIERS = (Tier(1, Decimal("12.00")), Tier(50, Decimal("9.50")), Tier(200, Decimal("7.25")))


def quote(**overrides) -> Quote:
    values = {
        "currency": "eur",
        "tiers": TIERS,
        "moq": 100,
        "lead_time_days": 30,
        "valid_until": NOW + timedelta(days=14),
    }
    values.update(overrides)
    return Quote(**values)


def fields(error: DomainError) -> list[list[str] | None]:
    inner = error.errors if isinstance(error, ManyErrors) else [error]
    return [e.field for e in inner]


class TestCheckQuote:
    def test_a_good_quote_is_normalised(self):
        checked = check_quote(quote(), now=NOW)
        assert checked.currency == "EUR"
        assert checked.tiers == TIERS

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"currency": "EURO"}, ["currency"]),
            ({"currency": "XAU"}, ["currency"]),
            ({"tiers": ()}, ["tiers"]),
            ({"tiers": (Tier(0, Decimal(1)),)}, ["tiers", "0", "minUnits"]),
            ({"tiers": (Tier(5, Decimal(2)), Tier(5, Decimal(1)))}, ["tiers", "1", "minUnits"]),
            ({"tiers": (Tier(5, Decimal(2)), Tier(9, Decimal(2)))}, ["tiers", "1", "unitPrice"]),
            ({"tiers": (Tier(5, Decimal(2)), Tier(9, Decimal(3)))}, ["tiers", "1", "unitPrice"]),
            ({"tiers": (Tier(1, Decimal("0")),)}, ["tiers", "0", "unitPrice"]),
            ({"tiers": (Tier(1, Decimal("NaN")),)}, ["tiers", "0", "unitPrice"]),
            ({"tiers": (Tier(1, Decimal("Infinity")),)}, ["tiers", "0", "unitPrice"]),
            ({"tiers": (Tier(1, Decimal("1.005")),)}, ["tiers", "0", "unitPrice"]),
            ({"currency": "JPY", "tiers": (Tier(1, Decimal("9.5")),)}, ["tiers", "0", "unitPrice"]),
            ({"moq": 0}, ["moq"]),
            ({"lead_time_days": 0}, ["leadTimeDays"]),
            ({"valid_until": NOW}, ["validUntil"]),
        ],
    )
    def test_each_problem_names_its_field(self, overrides, field):
        with pytest.raises(DomainError) as caught:
            check_quote(quote(**overrides), now=NOW)
        assert fields(caught.value) == [field]

    def test_three_decimals_where_the_currency_has_them(self):
        assert check_quote(quote(currency="KWD", tiers=(Tier(1, Decimal("1.125")),)), now=NOW)

    def test_all_problems_at_once(self):
        with pytest.raises(ManyErrors) as caught:
            check_quote(quote(currency="??", moq=0, lead_time_days=-1), now=NOW)
        assert fields(caught.value) == [["currency"], ["moq"], ["leadTimeDays"]]

    def test_the_currency_list_has_the_usual_codes_and_minor_units(self):
        assert (CURRENCIES["EUR"], CURRENCIES["JPY"], CURRENCIES["BHD"]) == (2, 0, 3)
        assert all(len(code) == 3 and code.isupper() for code in CURRENCIES)


class TestPricing:
    @pytest.mark.parametrize(
        ("pledged", "price", "following"),
        [
            (0, "12.00", 50),
            (49, "12.00", 50),
            (50, "9.50", 200),
            (199, "9.50", 200),
            (200, "7.25", None),
            (10_000, "7.25", None),
        ],
    )
    def test_current_and_next_tier(self, pledged, price, following):
        assert current_tier(TIERS, pledged).unit_price == Decimal(price)
        upcoming = next_tier(TIERS, pledged)
        assert (upcoming.min_units if upcoming else None) == following

    def test_below_the_first_tier_the_first_price_applies_and_the_next_drop_is_shown(self):
        tiers = (Tier(100, Decimal("5")), Tier(500, Decimal("4")))
        assert current_tier(tiers, 10).min_units == 100
        assert next_tier(tiers, 10) == Tier(500, Decimal("4"))

    def test_prices_travel_as_strings(self):
        raw = tiers_to_json(TIERS)
        assert raw[1] == {"minUnits": 50, "unitPrice": "9.50"}
        assert tiers_from_json(raw) == TIERS

    @given(st.integers(min_value=0, max_value=1_000_000))
    def test_price_never_rises_as_pledges_grow(self, pledged):
        assert (
            current_tier(TIERS, pledged + 1).unit_price <= current_tier(TIERS, pledged).unit_price
        )
