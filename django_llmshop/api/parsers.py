"""Request body parsers of the API that turn any malformed body into a 400, never a 500.

DRF's parsers let a few inputs through to the views and the database: a JSON document nested
deeply enough to raise ``RecursionError``, NUL characters and lone surrogates (which PostgreSQL
text and jsonb columns refuse), and bodies of any size. These refuse all of them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

#: Deepest nesting of arrays and objects accepted; the API's own bodies need three levels.
MAX_DEPTH = 32
#: Characters no text column takes: NUL, and UTF-16 surrogates that pair with nothing.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text(data: Any) -> bool:
    """Whether any key or string in ``data`` holds NUL or a lone surrogate (or nests too
    deeply). Walks with a list, not recursion, so a deep document cannot exhaust the stack."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                return True
        elif isinstance(value, dict):
            if depth >= MAX_DEPTH:
                return True
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list | tuple):
            if depth >= MAX_DEPTH:
                return True
            pending.extend((item, depth + 1) for item in value)
    return False


def _read_capped(stream: Any) -> bytes:
    """The whole body, or a 400 when it is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    raw: bytes = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise ParseError("The request body is too large.")
    return raw


class ShopJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = _read_capped(stream)
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc
        if unstorable_text(data):
            raise ParseError(
                "JSON parse error - NUL characters, lone surrogates and nesting deeper than "
                f"{MAX_DEPTH} levels are not accepted."
            )
        return data


def _check_form(data: Any) -> None:
    if unstorable_text([[key, *data.getlist(key)] for key in data]):
        raise ParseError("Form fields may not contain NUL characters.")


class ShopFormParser(FormParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(io.BytesIO(_read_capped(stream)), media_type, parser_context)
        _check_form(data)
        return data


class ShopMultiPartParser(MultiPartParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _check_form(result.data)
        return result


PARSER_CLASSES = [ShopJSONParser, ShopFormParser, ShopMultiPartParser]
