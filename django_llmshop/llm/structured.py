"""JSON output mode for chat calls: check a reply against the requested format, and build the
one repair request that asks the model to correct it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .errors import OutputValidationError
from .json_output import extract_json, validation_errors
from .types import ChatResult

#: The most of an invalid reply shown back to the model in the repair request: its start and
#: its end, around a gap. A small model that ran on without stopping can write thousands of
#: tokens, and the whole of them would push the repair past the model's context.
REPAIR_ECHO_CHARS = (1500, 500)
#: The most validation errors listed in the repair request.
REPAIR_ERRORS = 8


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
    listed = "; ".join(errors[:REPAIR_ERRORS])
    if len(errors) > REPAIR_ERRORS:
        listed += f"; and {len(errors) - REPAIR_ERRORS} more"
    messages = [
        *payload["messages"],
        {"role": "assistant", "content": shortened(bad.text)},
        {
            "role": "user",
            "content": "Your reply is not valid: "
            + listed
            + ". Reply again with only the corrected JSON, and no other text.",
        },
    ]
    return {**payload, "messages": messages}


def shortened(text: str) -> str:
    """``text``, or its start and end around "…" when it is longer than the repair shows."""
    head, tail = REPAIR_ECHO_CHARS
    if len(text) <= head + tail + 1:
        return text
    return f"{text[:head]}…{text[-tail:]}"


def output_failure(result: ChatResult, errors: list[str]) -> OutputValidationError:
    return OutputValidationError(
        "the model's JSON output is invalid: " + "; ".join(errors),
        raw_text=result.text,
        errors=errors,
    )
