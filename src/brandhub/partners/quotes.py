"""Quotes: validation of currency, price tiers and terms, and group-buy pricing. Pure.

Money is ``Decimal``, never float, with at most the currency's minor-unit digits (ISO 4217).
Tiers are ``(minUnits, unitPrice)`` with ``minUnits`` strictly increasing and ``unitPrice``
strictly falling: the more units pledged in total, the lower the price for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from brandhub.errors import DomainError, InvalidInput, ManyErrors

# Active ISO 4217 currencies (fund and precious-metal codes left out): code -> minor units.
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS "
    "GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR "
    "LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD "
    "PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN "
    "SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR "
    "ZMW ZWG"
)
CURRENCIES: dict[str, int] = {
    **{c: 0 for c in _ZERO.split()},
    **{c: 2 for c in _TWO.split()},
    **{c: 3 for c in _THREE.split()},
}
MAX_TIERS = 20
MAX_UNITS = 10_000_000
MAX_PRICE = Decimal("1000000000")
MAX_LEAD_TIME_DAYS = 3650


@dataclass(frozen=True)
class Tier:
    """From ``min_units`` pledged in total, every unit costs ``unit_price``."""

    min_units: int
    unit_price: Decimal


@dataclass(frozen=True)
class Quote:
    """A partner's offer for a handoff."""

    currency: str
    tiers: tuple[Tier, ...]
    moq: int
    lead_time_days: int
    valid_until: datetime


def _tier_problems(tiers: Sequence[Tier], minor_units: int | None) -> list[DomainError]:
    problems: list[DomainError] = []
    if not 1 <= len(tiers) <= MAX_TIERS:
        return [InvalidInput(f"Give 1 to {MAX_TIERS} price tiers.", field=["tiers"])]
    for i, tier in enumerate(tiers):
        price = tier.unit_price
        if not 1 <= tier.min_units <= MAX_UNITS:
            problems.append(
                InvalidInput(
                    f"minUnits must be between 1 and {MAX_UNITS}.", field=["tiers", i, "minUnits"]
                )
            )
        elif i and tier.min_units <= tiers[i - 1].min_units:
            problems.append(
                InvalidInput(
                    "minUnits must increase strictly from one tier to the next.",
                    field=["tiers", i, "minUnits"],
                )
            )
        if not price.is_finite() or not Decimal(0) < price <= MAX_PRICE:
            problems.append(
                InvalidInput(
                    f"unitPrice must be above 0 and at most {MAX_PRICE}.",
                    field=["tiers", i, "unitPrice"],
                )
            )
            continue
        exponent = price.as_tuple().exponent
        if minor_units is not None and isinstance(exponent, int) and -exponent > minor_units:
            problems.append(
                InvalidInput(
                    f"unitPrice has more than {minor_units} decimal places for this currency.",
                    field=["tiers", i, "unitPrice"],
                )
            )
        previous = tiers[i - 1].unit_price if i else None
        if previous is not None and previous.is_finite() and price >= previous:
            problems.append(
                InvalidInput(
                    "unitPrice must fall strictly as minUnits grows.",
                    field=["tiers", i, "unitPrice"],
                )
            )
    return problems


def check_quote(quote: Quote, *, now: datetime) -> Quote:
    """Return the quote with a normalised currency, or raise every problem with its field."""
    currency = quote.currency.strip().upper()
    minor_units = CURRENCIES.get(currency)
    problems: list[DomainError] = []
    if minor_units is None:
        problems.append(
            InvalidInput("currency must be an ISO 4217 code such as EUR.", field=["currency"])
        )
    problems += _tier_problems(quote.tiers, minor_units)
    if not 1 <= quote.moq <= MAX_UNITS:
        problems.append(InvalidInput(f"moq must be between 1 and {MAX_UNITS}.", field=["moq"]))
    if not 1 <= quote.lead_time_days <= MAX_LEAD_TIME_DAYS:
        problems.append(
            InvalidInput(
                f"leadTimeDays must be between 1 and {MAX_LEAD_TIME_DAYS}.", field=["leadTimeDays"]
            )
        )
    if quote.valid_until <= now:
        problems.append(InvalidInput("validUntil must be in the future.", field=["validUntil"]))
    if problems:
        raise problems[0] if len(problems) == 1 else ManyErrors(problems)
    return Quote(
        currency=currency,
        tiers=tuple(quote.tiers),
        moq=quote.moq,
        lead_time_days=quote.lead_time_days,
        valid_until=quote.valid_until,
    )


def tiers_to_json(tiers: Sequence[Tier]) -> list[dict[str, Any]]:
    """Tiers as stored and sent: prices as strings, so no float ever touches money."""
    return [{"minUnits": t.min_units, "unitPrice": str(t.unit_price)} for t in tiers]


def tiers_from_json(raw: Sequence[dict[str, Any]]) -> tuple[Tier, ...]:
    """Tiers back from their stored form."""
    return tuple(Tier(int(t["minUnits"]), Decimal(str(t["unitPrice"]))) for t in raw)


def current_tier(tiers: Sequence[Tier], pledged_units: int) -> Tier:
    """The tier priced for ``pledged_units`` in total: the first tier until the next is reached."""
    reached = [t for t in tiers if t.min_units <= pledged_units]
    return reached[-1] if reached else tiers[0]


def next_tier(tiers: Sequence[Tier], pledged_units: int) -> Tier | None:
    """The tier after the current one (the next price drop), or None at the cheapest tier."""
    floor = max(pledged_units, current_tier(tiers, pledged_units).min_units)
    return next((t for t in tiers if t.min_units > floor), None)
