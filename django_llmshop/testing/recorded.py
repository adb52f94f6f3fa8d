"""What the fake server keeps of each request it received, for tests to assert on."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django_llmshop.testing.http1 import Request
from django_llmshop.testing.replies import Reply

#: The endpoints whose replies a test scripts.
Endpoint = Literal["chat", "embeddings"]


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server received it; `json` is None when the body is not JSON."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    body: bytes
    received_at: float


Responder = Callable[[RecordedRequest], Reply | None]


def record_request(request: Request) -> RecordedRequest:
    try:
        parsed = json.loads(request.body) if request.body else None
    except ValueError:
        parsed = None
    return RecordedRequest(
        request.method, request.path, dict(request.headers), parsed, request.body, time.monotonic()
    )
