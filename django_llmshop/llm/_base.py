"""What the sync and async clients share: configuration, request building, error mapping,
retry decisions, stream decoding and breaker bookkeeping. Everything here is free of I/O."""

from __future__ import annotations

import json
import logging
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

from .breaker import CircuitBreaker
from .errors import (
    APIStatusError,
    CircuitOpenError,
    LLMConnectionError,
    LLMError,
    LLMResponseError,
    LLMTimeoutError,
    StreamInterruptedError,
    status_error_class,
)
from .limiter import SharedLimiter
from .records import CallState, build_record
from .responses import StreamAssembler, error_message
from .retry import backoff_delay, counts_against_endpoint, is_retryable, parse_retry_after
from .sse import SSEParser
from .types import CallRecord, StreamChunk

logger = logging.getLogger("django_llmshop.llm")

JSON = Any  # a decoded JSON value, or a mapping about to be encoded as one
_USER_AGENT = "django-llmshop"
#: The httpx transport a client sends through: a sync one, or an asyncio one.
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)


class BaseClient(Generic[TransportT]):
    """Configuration and the I/O-free steps of a call, for both clients.

    Each client makes its own I/O parts (httpx client, concurrency slots, sleep) in
    :meth:`_open`, which the constructor calls last.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str = "",
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        max_retries: int = 2,
        retry_after_cap: float = 30.0,
        max_concurrency: int | None = None,
        breaker: CircuitBreaker | None = None,
        headers: Mapping[str, str] | None = None,
        on_record: Callable[[CallRecord], object] | None = None,
        transport: TransportT | None = None,
        embedding_model: str | None = None,
        limiter: SharedLimiter | None = None,
    ) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if max_concurrency is not None and max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1 or None")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.embedding_model = embedding_model or model
        self.max_retries = max_retries
        self.retry_after_cap = retry_after_cap
        self.max_concurrency = max_concurrency
        self.limiter = limiter  # the endpoint's limits shared with other processes and hosts
        self.breaker = breaker
        self.on_record = on_record
        self._api_key = api_key or None
        self._chat_url = httpx.URL(self.base_url + "/chat/completions")
        self._embeddings_url = httpx.URL(self.base_url + "/embeddings")
        self._record_url = re.sub(r"//[^/@]*@", "//", self.base_url)  # drop user:password@
        self._timeout = httpx.Timeout(
            connect=connect_timeout, read=timeout, write=timeout, pool=timeout
        )
        self._timeout_extension = self._timeout.as_dict()
        self._read_timeout = timeout
        pool = max_concurrency or 0
        self._limits = httpx.Limits(
            max_connections=max(100, pool), max_keepalive_connections=max(20, pool)
        )
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": _USER_AGENT,
            **(headers or {}),
        }
        if self._api_key:
            self._headers["Authorization"] = f"Bearer {self._api_key}"
        self._random: Callable[[], float] = random.random
        self._open(transport)

    def _open(self, transport: TransportT | None) -> None:
        """Make the client's I/O parts, sending through ``transport`` (httpx's by default)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._record_url} model={self.model!r}>"

    # -- requests -------------------------------------------------------------------------

    def _chat_payload(
        self,
        messages: Sequence[Mapping[str, Any]],
        tools: Sequence[Mapping[str, Any]] | None,
        tool_choice: str | Mapping[str, Any] | None,
        response_format: Mapping[str, Any] | None,
        max_tokens: int | None,
        temperature: float | None,
        extra: Mapping[str, Any] | None,
        stream: bool,
    ) -> dict[str, JSON]:
        payload: dict[str, JSON] = {"messages": messages}
        if self.model:
            payload["model"] = self.model
        if tools:
            payload["tools"] = tools
        if tool_choice is not None:
            payload["tool_choice"] = tool_choice
        if response_format is not None:
            payload["response_format"] = response_format
        if max_tokens is not None:
            payload["max_tokens"] = max_tokens
        if temperature is not None:
            payload["temperature"] = temperature
        if stream:
            payload["stream"] = True
            payload["stream_options"] = {"include_usage": True}
        if extra:
            payload.update(extra)
        return payload

    def _embed_payload(self, inputs: Sequence[str]) -> dict[str, JSON]:
        payload: dict[str, JSON] = {"input": inputs}
        if self.embedding_model:
            payload["model"] = self.embedding_model
        return payload

    def _request(
        self, call: CallState, url: httpx.URL, payload: Mapping[str, JSON]
    ) -> httpx.Request:
        """A request for ``payload``, sent as is by every attempt (retries included)."""
        call.attempts = 0
        headers = self._headers.copy()
        # One key per request body, reused by its retries, so a server that deduplicates can;
        # a JSON repair request has a different body and so gets its own key.
        headers["Idempotency-Key"] = str(uuid.uuid4())
        return httpx.Request(
            "POST",
            url,
            content=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
            headers=headers,
            extensions={"timeout": self._timeout_extension},
        )

    # -- responses and errors -------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        if self._api_key and self._api_key in text:
            return text.replace(self._api_key, "[api key]")
        return text

    def _decode(self, response: httpx.Response) -> JSON:
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise LLMResponseError(
                f"{response.request.url.path} answered {response.status_code} with a body "
                f"that is not JSON: {self._scrub(response.text[:200])!r}"
            ) from exc

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        """The error for a non-2xx response whose body has been read."""
        try:
            body: object = json.loads(response.content)
        except ValueError:
            body = self._scrub(response.text)
        status = response.status_code
        reason = error_message(body, response.reason_phrase or "error")
        return status_error_class(status)(
            f"{self._record_url} answered {status}: {self._scrub(reason)}",
            status_code=status,
            body=body,
            retry_after=parse_retry_after(response.headers),
        )

    def _transport_error(self, exc: httpx.HTTPError, *, mid_stream: bool = False) -> LLMError:
        """The error for an httpx failure; ``mid_stream`` once response headers had arrived."""
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            what = "the stream stalled" if mid_stream else "timed out"
            return LLMTimeoutError(f"{self._record_url}: {what} ({detail})")
        if isinstance(exc, httpx.DecodingError):
            return LLMResponseError(f"{self._record_url}: undecodable response ({detail})")
        if mid_stream:
            return StreamInterruptedError(f"{self._record_url}: the stream broke off ({detail})")
        return LLMConnectionError(f"{self._record_url}: connection failed ({detail})")

    def _retry_delay(self, call: CallState, error: LLMError) -> float | None:
        """Seconds to wait before trying again, or ``None`` to give up with ``error``."""
        if not is_retryable(error) or call.attempts > self.max_retries:
            return None
        asked = error.retry_after if isinstance(error, APIStatusError) else None
        if asked is not None:
            if asked > self.retry_after_cap:
                return None  # fail fast rather than hold a worker for a long wait
            delay = asked
        else:
            delay = backoff_delay(call.attempts - 1, self._random)
        logger.info("retrying %s in %.2fs after: %s", self._record_url, delay, error)
        return delay

    def _check_breaker(self) -> None:
        if self.breaker is not None:
            self.breaker.before_call()

    # -- streams ----------------------------------------------------------------------------

    @staticmethod
    def _chunks(
        call: CallState, parser: SSEParser, assembler: StreamAssembler, data: bytes | None
    ) -> list[StreamChunk]:
        """Chunks completed by ``data`` (``None`` at the end of the body)."""
        events = parser.close() if data is None else parser.feed(data)
        chunks = []
        for event in events:
            chunk = assembler.add_event(event)
            if chunk is not None:
                if call.ttft is None and (chunk.text or chunk.tool_call_deltas):
                    call.ttft = time.perf_counter() - call.started
                chunks.append(chunk)
        return chunks

    # -- records ----------------------------------------------------------------------------

    def _finish(self, call: CallState, error: BaseException | None) -> CallRecord | None:
        """Tell the breaker how the call went, and build its record (if anyone wants it)."""
        breaker = self.breaker
        if breaker is not None and not isinstance(error, CircuitOpenError):
            if error is None or (
                isinstance(error, LLMError) and not counts_against_endpoint(error)
            ):
                breaker.record_success()
            elif isinstance(error, LLMError):
                breaker.record_failure()
            else:  # cancelled or closed early: no verdict on the endpoint
                breaker.record_abandoned()
        if self.on_record is None:
            return None
        model = self.embedding_model if call.operation == "embed" else self.model
        return build_record(call, error, base_url=self._record_url, model=model, scrub=self._scrub)
