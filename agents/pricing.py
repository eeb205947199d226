"""What a turn costs: a per-model table of USD per million tokens, and the arithmetic.

Rates are the Claude API list prices (standard tier, 5-minute cache writes) as published on the
Anthropic pricing page, checked October 2026; update :data:`PRICES` when they change. A model id
matches the longest family prefix in the table (``claude-sonnet-4-5-20250929`` →
``claude-sonnet-4-5``); a ``[1m]`` suffix is ignored. An unknown model — including the scripted
model — costs 0 and is flagged (``Cost.known`` is ``False``) so the UI can say "cost unknown"
rather than show a wrong number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PRICES_CHECKED = "2026-10"


@dataclass(frozen=True)
class Price:
    """USD per million tokens. ``long`` applies instead when a request's prompt (input + cache
    read + cache write tokens) is over ``long_over`` tokens."""

    input: float
    output: float
    cache_write: float
    cache_read: float
    long_over: int | None = None
    long: Price | None = None


@dataclass(frozen=True)
class Cost:
    """A cost in USD; ``known`` is ``False`` (and ``usd`` 0) when the model is not in the table."""

    usd: float
    known: bool


_OPUS_45 = Price(5.0, 25.0, 6.25, 0.50)
_OPUS_4 = Price(15.0, 75.0, 18.75, 1.50)
_SONNET_4 = Price(3.0, 15.0, 3.75, 0.30)
_SONNET_4_LONG = Price(3.0, 15.0, 3.75, 0.30, long_over=200_000, long=Price(6.0, 22.5, 7.5, 0.60))
_FABLE_5 = Price(10.0, 50.0, 12.5, 1.00)
_FABLE_51 = Price(10.0, 50.0, 12.5, 0.25)

#: Family prefix → price.
PRICES: dict[str, Price] = {
    "claude-fable-5-1": _FABLE_51,
    "claude-mythos-5-1": _FABLE_51,
    "claude-fable-5": _FABLE_5,
    "claude-mythos-5": _FABLE_5,
    "claude-opus-5-5": Price(4.0, 20.0, 5.0, 0.20),
    "claude-opus-5": _OPUS_45,
    "claude-opus-4-8": _OPUS_45,
    "claude-opus-4-7": _OPUS_45,
    "claude-opus-4-6": _OPUS_45,
    "claude-opus-4-5": _OPUS_45,
    "claude-opus-4-1": _OPUS_4,
    "claude-opus-4": _OPUS_4,
    "claude-3-opus": _OPUS_4,
    "claude-sonnet-5-5": Price(2.0, 10.0, 2.50, 0.10),
    "claude-sonnet-5": Price(2.0, 10.0, 2.50, 0.20),
    "claude-sonnet-4-6": _SONNET_4,
    "claude-sonnet-4-5": _SONNET_4_LONG,
    "claude-sonnet-4": _SONNET_4_LONG,
    "claude-3-7-sonnet": _SONNET_4,
    "claude-3-5-sonnet": _SONNET_4,
    "claude-haiku-5-5": Price(
        0.10, 0.50, 0.125, 0.01, long_over=100_000, long=Price(0.50, 2.50, 0.625, 0.05)
    ),
    "claude-haiku-4-5": Price(1.0, 5.0, 1.25, 0.10),
    "claude-3-5-haiku": Price(0.80, 4.0, 1.0, 0.08),
    "claude-3-haiku": Price(0.25, 1.25, 0.30, 0.03),
}


def price_for(model: str) -> Price | None:
    """The price of ``model`` (a full id, dated or not), or ``None`` if it is not in the table."""
    name = model.strip().lower().removesuffix("[1m]")
    best: str | None = None
    for family in PRICES:
        matches = name == family or name.startswith((family + "-", family + "@"))
        if matches and (best is None or len(family) > len(best)):
            best = family
    return PRICES[best] if best is not None else None


def turn_cost(model: str, usage: Mapping[str, int]) -> Cost:
    """The cost of one turn from its ``usage`` (keys as in ``TurnResult.usage``)."""
    price = price_for(model)
    if price is None:
        return Cost(0.0, known=False)
    fresh = usage.get("input_tokens", 0)
    read = usage.get("cache_read_input_tokens", 0)
    write = usage.get("cache_creation_input_tokens", 0)
    long_over = price.long_over
    if price.long is not None and long_over is not None and fresh + read + write > long_over:
        price = price.long
    usd = (
        fresh * price.input
        + usage.get("output_tokens", 0) * price.output
        + read * price.cache_read
        + write * price.cache_write
    ) / 1_000_000
    return Cost(usd, known=True)
