"""Splitting a sale into royalties: exact to the currency's minor unit, nothing lost."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from brandhub.errors import InvalidInput, ManyErrors
from brandhub.royalties.allocation import (
    check_percentages,
    from_minor,
    largest_remainder,
    split_sale,
    to_minor,
)


class TestMinorUnits:
    @pytest.mark.parametrize(
        ("amount", "currency", "minor"),
        [("1234.56", "EUR", 123456), ("1234", "JPY", 1234), ("1.234", "KWD", 1234)],
    )
    def test_round_trip(self, amount, currency, minor):
        assert to_minor(Decimal(amount), currency) == minor
        assert from_minor(minor, currency) == Decimal(amount)

    def test_from_minor_shows_the_currency_digits(self):
        assert str(from_minor(950, "EUR")) == "9.50"
        assert str(from_minor(950, "JPY")) == "950"
        assert str(from_minor(5, "KWD")) == "0.005"

    @pytest.mark.parametrize(("amount", "currency"), [("1.5", "JPY"), ("0.001", "EUR")])
    def test_more_digits_than_the_currency_allows_is_refused(self, amount, currency):
        with pytest.raises(InvalidInput, match="more decimals") as refused:
            to_minor(Decimal(amount), currency)
        assert refused.value.field == ["netRevenue"]

    def test_unknown_currency_is_refused(self):
        with pytest.raises(InvalidInput, match="ISO 4217") as refused:
            to_minor(Decimal(1), "EUX")
        assert refused.value.field == ["currency"]


class TestSplit:
    def test_documented_example(self):
        # 10 % to the brand, 2 % to three authors, of EUR 100.00.
        s = split_sale(10000, brand_percent=Decimal(10), authors_percent=Decimal(2), authors=3)
        assert s.brand == 1000
        # 200 cents / 3 = 66.67 each: the largest remainders get the extra cents, the earlier
        # author first on a tie; the partner keeps the rest.
        assert s.authors == (67, 67, 66)
        assert s.partner == 10000 - 1000 - 200
        assert s.royalties == 1200

    def test_yen_rounds_to_whole_yen(self):
        s = split_sale(999, brand_percent=Decimal("10"), authors_percent=Decimal("1"), authors=2)
        assert (s.brand, s.authors, s.partner) == (100, (5, 5), 889)
        assert s.brand + sum(s.authors) + s.partner == 999

    def test_no_authors_means_no_author_share(self):
        s = split_sale(1000, brand_percent=Decimal(10), authors_percent=Decimal(5), authors=0)
        assert s.authors == () and s.brand == 100 and s.partner == 900

    def test_largest_remainder_breaks_ties_by_position(self):
        third = Fraction(1, 3)
        assert largest_remainder(2, [third, third, third]) == [1, 1, 0]

    def test_no_minor_unit_lost_over_10000_random_reports(self):
        rng = random.Random(20261125)
        for _ in range(10_000):
            net = rng.randint(0, 10 ** rng.randint(1, 12))
            brand = Decimal(rng.randint(0, 600_000)).scaleb(-4)  # 0–60 %, 4 places
            authors = Decimal(rng.randint(0, 400_000)).scaleb(-4)  # 0–40 %
            n = rng.randint(0, 7)
            s = split_sale(net, brand_percent=brand, authors_percent=authors, authors=n)
            parts = [s.brand, *s.authors, s.partner]
            assert sum(parts) == net, (net, brand, authors, n)
            # Each part is within one minor unit of its exact share, and never negative.
            exact = [Fraction(net) * Fraction(brand) / 100]
            exact += [Fraction(net) * Fraction(authors) / 100 / n] * n if n else []
            exact.append(Fraction(net) - sum(exact))
            for part, share in zip(parts, exact, strict=True):
                assert part >= 0
                assert abs(part - share) < 1


class TestPercentages:
    def test_normalised(self):
        assert check_percentages(Decimal("10.00"), Decimal("2.50")) == (
            Decimal("10"),
            Decimal("2.5"),
        )

    @pytest.mark.parametrize(
        ("brand", "authors", "field"),
        [
            ("-1", "2", "brandPercent"),
            ("10", "100.5", "authorsPercent"),
            ("10.12345", "2", "brandPercent"),
            ("60", "50", "authorsPercent"),
        ],
    )
    def test_refused_with_the_field(self, brand, authors, field):
        with pytest.raises(InvalidInput) as refused:
            check_percentages(Decimal(brand), Decimal(authors))
        assert refused.value.field == [field]

    def test_every_problem_reported(self):
        with pytest.raises(ManyErrors) as refused:
            check_percentages(Decimal("-1"), Decimal("101"))
        assert [e.field for e in refused.value.errors] == [["brandPercent"], ["authorsPercent"]]
