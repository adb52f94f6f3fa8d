"""System checks of the budget settings (``llmshop.E008``), called by :mod:`.checks`."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error

from django_llmshop.app_settings import PURPOSES


def check_budget_settings(merged: dict[str, Any]) -> list[CheckMessage]:
    """Errors in ``DAILY_BUDGETS``, ``MONTHLY_BUDGETS``, ``BUDGET_ALERT_SHARES`` and
    ``BUDGET_RESERVE_TOKENS`` of the merged ``LLMSHOP`` dict."""
    messages: list[CheckMessage] = []
    for key in ("DAILY_BUDGETS", "MONTHLY_BUDGETS"):
        messages.extend(_check_limits(key, merged.get(key, {})))
    shares = merged.get("BUDGET_ALERT_SHARES", ())
    if not isinstance(shares, list | tuple) or not all(
        _number(share) and 0 < share <= 1 for share in shares
    ):
        messages.append(
            Error(
                "LLMSHOP['BUDGET_ALERT_SHARES'] must be a list of numbers above 0 and at most 1.",
                hint="For example (0.8, 1.0): alert at 80 % and at 100 % of each limit.",
                id="llmshop.E008",
            )
        )
    tokens = merged.get("BUDGET_RESERVE_TOKENS", 1)
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 1:
        messages.append(
            Error(
                "LLMSHOP['BUDGET_RESERVE_TOKENS'] must be a whole number of 1 or more.",
                id="llmshop.E008",
            )
        )
    return messages


def _check_limits(key: str, budgets: Any) -> list[CheckMessage]:
    if not isinstance(budgets, dict):
        return [Error(f"LLMSHOP[{key!r}] must be a dict.", id="llmshop.E008")]
    messages: list[CheckMessage] = []
    for purpose, limit in budgets.items():
        if purpose not in PURPOSES:
            messages.append(
                Error(f"LLMSHOP[{key!r}] names an unknown purpose {purpose!r}.", id="llmshop.E008")
            )
        elif limit is not None and not (_number(limit) and limit >= 0):
            messages.append(
                Error(
                    f"LLMSHOP[{key!r}][{purpose!r}] must be None or a number >= 0.",
                    id="llmshop.E008",
                )
            )
    return messages


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)
