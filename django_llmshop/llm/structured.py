"""JSON output mode for chat calls: check a reply against the requested format, and build the
one repair request that asks the model to correct it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .errors import OutputValidationError
from .json_output import extract_json, validation_errors
from .types import ChatResult


def check_output(
    result: ChatResult, response_format: Mapping[str, Any] | None
) -> tuple[ChatResult, list[str]]:
    """The result with ``parsed`` set, and what is wrong with its JSON ([] if fine)."""
    if response_format is None:
        return result, []
    kind = response_format.get("type")
    if kind not in ("json_object", "json_schema"):
        return result, []
    if result.tool_calls and not result.text.strip():
        return result, []  # the model chose to call a tool instead of answering
    try:
        value = extract_json(result.text)
    except ValueError as exc:
        return result, [str(exc)]
    errors: list[str] = []
    if kind == "json_object" and not isinstance(value, dict):
        errors.append("$: expected a JSON object")
    elif kind == "json_object" and isinstance(response_format.get("schema"), Mapping):
        # llama.cpp's form: the server turns the schema into a grammar; we still check it.
        errors = validation_errors(value, response_format["schema"])
    elif kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        if isinstance(schema, Mapping):
            errors = validation_errors(value, schema)
    return dataclasses.replace(result, parsed=value), errors


def repair_payload(
    payload: Mapping[str, Any], bad: ChatResult, errors: list[str]
) -> dict[str, Any]:
    """The request body that shows the model its invalid reply and what is wrong with it."""
    messages = [
        *payload["messages"],
        {"role": "assistant", "content": bad.text},
        {
            "role": "user",
            "content": "Your reply is not valid: "
            + "; ".join(errors)
            + ". Reply again with only the corrected JSON, and no other text.",
        },
    ]
    return {**payload, "messages": messages}


def output_failure(result: ChatResult, errors: list[str]) -> OutputValidationError:
    return OutputValidationError(
        "the model's JSON output is invalid: " + "; ".join(errors),
        raw_text=result.text,
        errors=errors,
    )
