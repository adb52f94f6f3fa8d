"""Checking the arguments a model gives a chat tool against the parameters the tool declares.

The model writes the arguments, so they are untrusted: the JSON is decoded strictly (no NaN,
no ``1e400``, no huge integers), strings are cleaned and bounded, integers kept in the declared
range, and required values must be there. What does not fit becomes a
:class:`ToolArgumentError` whose message is written for the model to read and correct.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django_llmshop.text import clean_text, loads_strict

#: Longest text argument a tool takes; a search or an order number is far shorter.
MAX_TEXT_CHARS = 200


class ToolArgumentError(ValueError):
    """The arguments do not fit the tool; the message tells the model what to fix."""


def decode_arguments(raw: str) -> dict[str, Any]:
    """The arguments text as a JSON object (empty text: no arguments)."""
    text = clean_text(raw).strip()
    if not text:
        return {}
    try:
        value = loads_strict(text)
    except ValueError as exc:
        reason = clean_text(str(exc))[:120]
        raise ToolArgumentError(f"The arguments are not valid JSON ({reason}).") from None
    if not isinstance(value, dict):
        raise ToolArgumentError("The arguments must be a JSON object.")
    return value


def _text(name: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # an id given as a number
    if not isinstance(value, str):
        raise ToolArgumentError(f"'{name}' must be a string.")
    text = clean_text(value).strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ToolArgumentError(f"'{name}' must be at most {MAX_TEXT_CHARS} characters.")
    return text


def _integer(name: str, value: Any, schema: Mapping[str, Any]) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ToolArgumentError(f"'{name}' must be a whole number.")
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ToolArgumentError(f"'{name}' must be between {low} and {high}.")
    return value


def check_arguments(parameters: Mapping[str, Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the tool declares, checked and cleaned; arguments it does not declare are
    left out."""
    properties: Mapping[str, Any] = parameters.get("properties") or {}
    checked: dict[str, Any] = {}
    for name, schema in properties.items():
        if name not in arguments or arguments[name] is None:
            continue
        value = arguments[name]
        if schema.get("type") == "integer":
            checked[name] = _integer(name, value, schema)
        else:
            checked[name] = _text(name, value)
    for name in parameters.get("required") or ():
        if checked.get(name) in (None, ""):
            raise ToolArgumentError(f"'{name}' is required.")
    return checked
