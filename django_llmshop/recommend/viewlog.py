"""Reading a view log (CSV or JSON Lines) into shopper events, with a clear error per bad row.

Each row is one thing a shopper did: ``product_id`` and ``created`` (an ISO 8601 date or time,
or seconds since the epoch) are required; ``user_id`` (the shop's user key) or ``session`` (any
visitor id of the old logs) names the shopper; ``type`` is ``view`` unless given (``cart``,
``purchase`` and ``wishlist`` too); an ``id`` column, when present, keys the row for the
import's idempotence, else the row's own values do.

A log session becomes a token of its own (``import:`` and a digest), never a live shopper's:
nobody sees another visitor's history through an imported log.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from django_llmshop.recommend.models import ShopperEvent

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
EVENT_TYPES = frozenset(ShopperEvent.Type.values)
IMPORTED_PREFIX = "import:"


class ViewLogError(ValueError):
    """A view log that cannot be imported: its path, the line and what is wrong there."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class ViewRow:
    """One valid row of a view log."""

    line: int
    user_id: int | None
    session_key: str
    product_id: str
    type: str
    created: datetime
    source: str


def imported_token(value: str) -> str:
    """The session token an imported visitor id becomes: stable, and no live shopper's."""
    return IMPORTED_PREFIX + hashlib.sha256(value.encode()).hexdigest()[:32]


def as_datetime(value: Any) -> datetime | None:
    """A timezone-aware datetime from a datetime, a date, an ISO string or epoch seconds."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(float(value), tz=UTC)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return as_datetime(float(text))
        except (ValueError, OverflowError, OSError):
            pass
        try:
            parsed = parse_datetime(text) or parse_date(text)
        except ValueError:
            return None
        return as_datetime(parsed) if parsed is not None else None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def raw_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, row)`` of each non-empty row of the file, read as it goes."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ViewLogError(path, None, "use a .csv or .jsonl file (one JSON object a line).")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ViewLogError(path, None, f"cannot be read ({exc.strerror or exc}).") from exc
    with handle:
        try:
            if kind == "csv":
                reader = csv.DictReader(handle)
                if not reader.fieldnames or "product_id" not in reader.fieldnames:
                    raise ViewLogError(path, 1, "the header needs a product_id column.")
                for row in reader:
                    if any(v for v in row.values() if isinstance(v, str) and v.strip()):
                        yield reader.line_num, row
                return
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except ValueError as exc:
                    raise ViewLogError(path, number, f"not valid JSON ({exc}).") from exc
                if not isinstance(row, dict):
                    raise ViewLogError(path, number, "each line must be a JSON object.")
                yield number, row
        except UnicodeDecodeError as exc:
            raise ViewLogError(path, None, f"is not UTF-8 text ({exc.reason}).") from exc
        except csv.Error as exc:
            raise ViewLogError(path, None, f"is not valid CSV ({exc}).") from exc


def parse_row(path: Path, line: int, row: dict[str, Any]) -> ViewRow:
    """A valid :class:`ViewRow`, or :class:`ViewLogError` saying what is wrong with it."""

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    product_id = text("product_id")
    if not product_id or len(product_id) > 64:
        raise ViewLogError(path, line, "product_id must be given, at most 64 characters.")
    kind = text("type") or ShopperEvent.Type.VIEW
    if kind not in EVENT_TYPES:
        raise ViewLogError(
            path, line, f"type {kind!r} is not one of {', '.join(sorted(EVENT_TYPES))}."
        )
    created = as_datetime(row.get("created", row.get("timestamp")))
    if created is None:
        raise ViewLogError(
            path, line, "created must be an ISO 8601 date or time, or seconds since the epoch."
        )
    user_id: int | None = None
    if text("user_id"):
        try:
            user_id = int(text("user_id"))
        except ValueError:
            raise ViewLogError(path, line, "user_id must be a whole number.") from None
    session = text("session")
    if user_id is None and not session:
        raise ViewLogError(path, line, "name the shopper: a user_id or a session.")
    session_key = "" if user_id is not None else imported_token(session)
    shopper = f"u{user_id}" if user_id is not None else session_key
    key = text("id") or "|".join((shopper, product_id, kind, created.isoformat()))
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return ViewRow(line, user_id, session_key, product_id, kind, created, f"view:{digest}")


def check_view_log(path: Path) -> int:
    """Read the whole log once, before anything is written: its row count, or the first error
    (a bad row, or user ids the shop does not have)."""
    count = 0
    users: dict[int, int] = {}
    for line, row in raw_rows(path):
        parsed = parse_row(path, line, row)
        if parsed.user_id is not None:
            users.setdefault(parsed.user_id, line)
        count += 1
    if count == 0:
        raise ViewLogError(path, None, "holds no rows.")
    manager = get_user_model()._default_manager
    ids = sorted(users)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known = set(manager.filter(pk__in=chunk).values_list("pk", flat=True))
        unknown = [i for i in chunk if i not in known]
        if unknown:
            raise ViewLogError(path, users[unknown[0]], f"no user has id {unknown[0]}.")
    return count


def view_rows(path: Path) -> Iterator[ViewRow]:
    """Every row of a log that :func:`check_view_log` accepted, as it is read."""
    for line, row in raw_rows(path):
        yield parse_row(path, line, row)
