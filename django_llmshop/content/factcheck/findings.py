"""A finding: a span of the draft that the product record does not support, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    """One unsupported or contradicted claim; `draft[start:end] == text`.

    `kind` is what was claimed: "quantity" (a number with a unit, or a range), "dimensions"
    (one measure of a size such as "13.2 x 20.3 cm"), "price", "percentage", "year", "count",
    "identifier", "material", "colour", "format", "origin" or "claim" ("dishwasher-safe").
    `expected` holds what the record says instead, as the record writes it.

    Severity "error": the record says something else ("750 ml", not "1000 ml").
    Severity "warning": the record is silent, or the claim may be about something else.
    """

    kind: str
    start: int
    end: int
    text: str
    message: str
    expected: list[str] = field(default_factory=list)
    severity: str = "warning"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        severity = data.get("severity", "warning")
        return cls(
            kind=str(data["kind"]),
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data["text"]),
            message=str(data.get("message", "")),
            expected=[str(item) for item in data.get("expected") or []],
            severity=severity if severity in SEVERITIES else "warning",
        )
