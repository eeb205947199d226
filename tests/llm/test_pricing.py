"""Cost per turn from the price table; unknown models cost 0 and are flagged."""

from __future__ import annotations

import pytest

from agents.pricing import PRICES, price_for, turn_cost


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("claude-opus-4-1", "claude-opus-4-1"),
        ("claude-opus-4-5-20251101", "claude-opus-4-5"),
        ("claude-opus-5-5", "claude-opus-5-5"),
        ("claude-opus-5", "claude-opus-5"),
        ("claude-haiku-4-5@20251001", "claude-haiku-4-5"),
        ("claude-sonnet-5-5[1m]", "claude-sonnet-5-5"),
        ("Claude-3-5-Haiku-20241022", "claude-3-5-haiku"),
    ],
)
def test_longest_family_prefix_wins(model: str, family: str) -> None:
    assert price_for(model) is PRICES[family]


@pytest.mark.parametrize("model", ["scripted-model", "gpt-4o", "claude", "claude-opus-45", ""])
def test_unknown_models_cost_zero_and_are_flagged(model: str) -> None:
    assert price_for(model) is None
    cost = turn_cost(model, {"input_tokens": 10**6, "output_tokens": 10**6})
    assert cost.usd == 0.0 and cost.known is False


def test_cost_uses_all_four_rates() -> None:
    usage = {
        "input_tokens": 1_000_000,
        "output_tokens": 100_000,
        "cache_read_input_tokens": 2_000_000,
        "cache_creation_input_tokens": 400_000,
    }
    cost = turn_cost("claude-sonnet-4-6", usage)
    # 3.00 input + 1.50 output + 0.60 cache read + 1.50 cache write
    assert cost.known is True
    assert cost.usd == pytest.approx(6.60)


def test_long_prompt_tier() -> None:
    short = turn_cost("claude-haiku-5-5", {"input_tokens": 100_000, "output_tokens": 1_000_000})
    assert short.usd == pytest.approx(0.01 + 0.50)
    long = turn_cost(
        "claude-haiku-5-5",
        {"input_tokens": 60_000, "cache_read_input_tokens": 50_000, "output_tokens": 1_000_000},
    )
    assert long.usd == pytest.approx(0.03 + 0.0025 + 2.50)


def test_missing_usage_keys_count_as_zero() -> None:
    assert turn_cost("claude-opus-4-5", {}).usd == 0.0
    assert turn_cost("claude-opus-4-5", {}).known is True


def test_every_price_is_sane() -> None:
    for family, price in PRICES.items():
        assert family.startswith("claude-")
        assert 0 < price.cache_read < price.input < price.cache_write < price.output, family
