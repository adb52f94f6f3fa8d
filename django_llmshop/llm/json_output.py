"""JSON output from a model: find the JSON value in a reply, and check it against a schema.

The validator covers the part of JSON Schema that structured-output APIs use: ``type`` (also a
list of types), ``properties``, ``required``, ``additionalProperties``, ``items``, ``enum``,
``const``, ``minLength``/``maxLength``, ``minItems``/``maxItems``, ``minimum``/``maximum``,
``exclusiveMinimum``/``exclusiveMaximum``, ``anyOf``, ``allOf`` and local ``$ref``
(``#/$defs/...``). Other keywords (``description``, ``format``...) are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\r?\n?(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()
_MAX_ERRORS = 5
_MAX_STARTS = 20


def extract_json(text: str) -> Any:
    """Decode the JSON value in a model reply.

    Accepts bare JSON, JSON inside a Markdown code fence, and one JSON object or array with
    prose before or after it. Raises ``ValueError`` saying why when there is none.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("the reply is empty")
    try:
        return json.loads(stripped)
    except ValueError as exc:
        first_error = exc
    for match in _FENCE.finditer(stripped):
        try:
            return json.loads(match.group(1))
        except ValueError:
            continue
    # Prose around the value: try to decode from each "{" or "[" in turn.
    starts = 0
    for match in re.finditer(r"[{\[]", stripped):
        starts += 1
        if starts > _MAX_STARTS:
            break
        try:
            value, _end = _DECODER.raw_decode(stripped, match.start())
        except ValueError:
            continue
        return value
    raise ValueError(f"the reply is not valid JSON ({first_error})")


def validation_errors(instance: Any, schema: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``instance`` under ``schema`` (at most a few messages; [] if valid)."""
    errors: list[str] = []
    _check(instance, schema, "$", schema, errors)
    return errors


#: JSON Schema's name for each type a decoded JSON value has (bool first: a bool is an int).
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _has_type(value: Any, expected: str) -> bool:
    actual = _type_name(value)
    if expected == "number":
        return actual in ("integer", "number")
    if expected == "integer" and actual == "number":
        return float(value).is_integer()
    return actual == expected


def _json_equal(a: Any, b: Any) -> bool:
    # JSON equality: 1 == 1.0, but true is not 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref is supported, not {ref!r}")
    node: Any = root
    for part in ref[1:].split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            raise ValueError(f"$ref {ref!r} does not resolve")
        node = node[part]
    if not isinstance(node, Mapping):
        raise ValueError(f"$ref {ref!r} is not a schema")
    return node


def _check(value: Any, schema: Any, path: str, root: Mapping[str, Any], errors: list[str]) -> None:
    if len(errors) >= _MAX_ERRORS or schema is True:
        return
    if schema is False:
        errors.append(f"{path}: no value is allowed here")
        return
    if not isinstance(schema, Mapping):
        return
    if "$ref" in schema:
        _check(value, _resolve(schema["$ref"], root), path, root, errors)
    expected = schema.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        if not any(_has_type(value, name) for name in names):
            errors.append(f"{path}: expected {' or '.join(names)}, got {_type_name(value)}")
            return
    if "const" in schema and not _json_equal(value, schema["const"]):
        errors.append(f"{path}: must be {json.dumps(schema['const'])}")
    if "enum" in schema and not any(_json_equal(value, option) for option in schema["enum"]):
        allowed = ", ".join(json.dumps(option) for option in schema["enum"])
        errors.append(f"{path}: must be one of {allowed}, got {json.dumps(value)}")
    if isinstance(value, str):
        _check_length(len(value), schema, "minLength", "maxLength", "characters", path, errors)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(value, schema, path, errors)
    elif isinstance(value, list):
        _check_length(len(value), schema, "minItems", "maxItems", "items", path, errors)
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(value):
                _check(item, items, f"{path}[{index}]", root, errors)
    elif isinstance(value, dict):
        _check_object(value, schema, path, root, errors)
    for sub in schema.get("allOf", ()):
        _check(value, sub, path, root, errors)
    options = schema.get("anyOf")
    if options and not any(_matches(value, option, root) for option in options):
        errors.append(f"{path}: does not match any of the allowed forms")


def _matches(value: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    errors: list[str] = []
    _check(value, schema, "$", root, errors)
    return not errors


def _check_length(
    size: int,
    schema: Mapping[str, Any],
    low: str,
    high: str,
    unit: str,
    path: str,
    errors: list[str],
) -> None:
    if low in schema and size < schema[low]:
        errors.append(f"{path}: must have at least {schema[low]} {unit}, has {size}")
    if high in schema and size > schema[high]:
        errors.append(f"{path}: must have at most {schema[high]} {unit}, has {size}")


def _check_number(value: float, schema: Mapping[str, Any], path: str, errors: list[str]) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: must be >= {schema['minimum']}, got {value}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: must be <= {schema['maximum']}, got {value}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        errors.append(f"{path}: must be > {schema['exclusiveMinimum']}, got {value}")
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        errors.append(f"{path}: must be < {schema['exclusiveMaximum']}, got {value}")


def _check_object(
    value: dict[str, Any],
    schema: Mapping[str, Any],
    path: str,
    root: Mapping[str, Any],
    errors: list[str],
) -> None:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    for name in schema.get("required", ()):
        if name not in value:
            errors.append(f"{path}: missing required property {name!r}")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        child = f"{path}.{name}"
        if name in properties:
            _check(item, properties[name], child, root, errors)
        elif extra is False:
            errors.append(f"{path}: property {name!r} is not allowed")
        elif isinstance(extra, Mapping):
            _check(item, extra, child, root, errors)
