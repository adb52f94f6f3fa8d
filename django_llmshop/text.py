"""Cleaning what a model sends before it is stored, streamed to a browser or used as arguments.

A model's output is untrusted bytes that happen to decode as text. Some of them cannot be stored
at all (PostgreSQL refuses NUL in text and ``\\u0000`` in jsonb; a lone surrogate cannot be
encoded as UTF-8) and some have no business on a page (other control characters). JSON from a
model may also hold numbers Python reads as infinity (``1e400``) or ``NaN``, which no database
JSON type accepts. Everything here is plain Python, so any layer can use it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# C0 controls except \t and \n, DEL, C1 controls, and surrogates: in a Python str a surrogate
# is always a lone one (json.loads joins escaped pairs into one code point).
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

#: Digits an integer from a model may have; Python refuses more than 4300 anyway, slowly.
MAX_INT_DIGITS = 18


def clean_text(text: str) -> str:
    """``text`` without NUL, lone surrogates and control characters other than tab and newline.

    A carriage return is dropped too, so "\\r\\n" line ends become "\\n".
    """
    return _UNWANTED.sub("", text)


def has_unwanted(text: str) -> bool:
    """Whether :func:`clean_text` would change ``text``."""
    return _UNWANTED.search(text) is not None


def clean_json(value: Any) -> Any:
    """A copy of a decoded JSON value with every string (keys too) cleaned and every number
    that is not finite replaced by ``None``."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(item) for item in value]
    return value


def _finite_float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"the number {raw[:40]} is out of range")
    return value


def _bounded_int(raw: str) -> int:
    if len(raw.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"the number {raw[:40]}… is too large")
    return int(raw)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def loads_strict(text: str) -> Any:
    """Decode JSON from a model, refusing ``NaN``/``Infinity``, numbers that overflow a float
    (``1e400``) and integers of more than :data:`MAX_INT_DIGITS` digits (``ValueError``)."""
    return json.loads(
        text, parse_float=_finite_float, parse_int=_bounded_int, parse_constant=_no_constant
    )
