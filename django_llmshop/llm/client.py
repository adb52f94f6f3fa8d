"""The synchronous client for OpenAI-compatible endpoints (chat, streaming chat, embeddings)."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx

from ._base import JSON, BaseClient, logger
from .errors import LLMConnectionError, LLMError
from .limiter import Lease
from .records import CallState
from .responses import StreamAssembler, parse_chat_response, parse_embeddings
from .slots import Slots
from .sse import SSEParser
from .streams import ChatStream, StreamOutcome
from .structured import check_output, output_failure, repair_payload
from .types import CallRecord, ChatResult, StreamChunk


class LLMClient(BaseClient[httpx.BaseTransport]):
    """A client for one OpenAI-compatible endpoint; thread-safe, build one and reuse it.

    ``on_record`` receives one :class:`CallRecord` after every call, whatever its outcome.
    """

    def _open(self, transport: httpx.BaseTransport | None) -> None:
        self._http = httpx.Client(timeout=self._timeout, limits=self._limits, transport=transport)
        self._slots = Slots(self.max_concurrency, self.limiter, self._read_timeout)
        self._sleep: Callable[[float], object] = time.sleep

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- public calls -----------------------------------------------------------------------

    def chat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: str | Mapping[str, Any] | None = None,
        response_format: Mapping[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        extra: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> ChatResult:
        """One chat completion. With a JSON ``response_format`` the reply is decoded and
        validated into ``result.parsed``, after one repair request if needed."""
        call = CallState("chat", messages, None, metadata)
        try:
            self._check_breaker()
            payload = self._chat_payload(
                messages, tools, tool_choice, response_format, max_tokens, temperature, extra,
                stream=False,
            )  # fmt: skip
            first = self._complete(call, payload)
            result, errors = check_output(first, response_format)
            if errors:
                second = self._complete(call, repair_payload(payload, first, errors))
                result, errors = check_output(second, response_format)
                if errors:
                    raise output_failure(second, errors)
        except BaseException as exc:
            self._emit(self._finish(call, exc))
            raise
        call.result = result
        self._emit(self._finish(call, None))
        return result

    def stream(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: str | Mapping[str, Any] | None = None,
        response_format: Mapping[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        extra: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> ChatStream:
        """A streamed chat completion: iterate it for :class:`StreamChunk` objects."""
        payload = self._chat_payload(
            messages, tools, tool_choice, response_format, max_tokens, temperature, extra,
            stream=True,
        )  # fmt: skip
        outcome = StreamOutcome()
        call = CallState("stream", messages, None, metadata)
        return ChatStream(self._stream(call, payload, response_format, outcome), outcome)

    def embed(
        self, inputs: Sequence[str], *, metadata: Mapping[str, Any] | None = None
    ) -> list[list[float]]:
        """One vector per input text, in order. No inputs, no request."""
        if not inputs:
            return []
        call = CallState("embed", None, inputs, metadata)
        try:
            self._check_breaker()
            request = self._request(call, self._embeddings_url, self._embed_payload(inputs))
            response, lease = self._send(call, request)
            vectors, call.usage = parse_embeddings(self._decode(response), len(inputs))
            self._slots.settle(lease, call.usage)
        except BaseException as exc:
            self._emit(self._finish(call, exc))
            raise
        call.vectors = vectors
        self._emit(self._finish(call, None))
        return vectors

    # -- internals --------------------------------------------------------------------------

    def _emit(self, record: CallRecord | None) -> None:
        if record is None or self.on_record is None:
            return
        try:
            self.on_record(record)
        except Exception:  # noqa: BLE001 - a failing call log must not fail the call it logs
            logger.exception("on_record failed for a %s call", record.operation)

    def _complete(self, call: CallState, payload: Mapping[str, JSON]) -> ChatResult:
        response, lease = self._send(call, self._request(call, self._chat_url, payload))
        result = parse_chat_response(self._decode(response), self.model)
        call.usage += result.usage
        self._slots.settle(lease, result.usage)
        return result

    def _send(
        self, call: CallState, request: httpx.Request, *, stream: bool = False
    ) -> tuple[httpx.Response, Lease | None]:
        """Send with retries; a streamed response comes back still holding its slot (its
        lease): give it back when done. A non-streamed one's lease is only for ``settle``."""
        if self._http.is_closed:
            raise LLMError("the LLM client is closed")
        while True:
            lease = self._slots.take(request)
            keep_slot = False
            cause: httpx.HTTPError | None = None
            try:
                call.requests += 1
                call.attempts += 1
                started = time.perf_counter()
                try:
                    response = self._http.send(request, stream=stream)
                except httpx.HTTPError as exc:
                    error = self._transport_error(exc)
                    cause = exc
                else:
                    call.http_status = response.status_code
                    if response.is_success:
                        if not stream:
                            call.ttft = time.perf_counter() - started
                        keep_slot = stream
                        return response, lease
                    try:
                        response.read()
                    except httpx.HTTPError:
                        pass  # the status says enough
                    finally:
                        response.close()
                    error = self._status_error(response)
            finally:
                if not keep_slot:
                    self._slots.give_back(lease)
            delay = self._retry_delay(call, error)
            if delay is None:
                raise error from cause
            self._sleep(delay)

    def _stream(
        self,
        call: CallState,
        payload: Mapping[str, JSON],
        response_format: Mapping[str, Any] | None,
        outcome: StreamOutcome,
    ) -> Generator[StreamChunk, None, None]:
        try:
            self._check_breaker()
            request = self._request(call, self._chat_url, payload)
            started = False  # whether a chunk has reached the consumer
            while True:
                parser, assembler = SSEParser(), StreamAssembler(self.model)
                call.assembler = assembler
                response, lease = self._send(call, request, stream=True)
                try:
                    try:
                        for data in response.iter_bytes():
                            self._slots.renew(lease)
                            for chunk in self._chunks(call, parser, assembler, data):
                                started = True
                                yield chunk
                    except httpx.HTTPError as exc:
                        if not assembler.done:  # a failure after "[DONE]" loses nothing
                            raise self._transport_error(exc, mid_stream=True) from exc
                    for chunk in self._chunks(call, parser, assembler, None):
                        started = True
                        yield chunk
                    result = assembler.result()
                    self._slots.settle(lease, result.usage)
                    break
                except LLMConnectionError as error:
                    delay = None if started else self._retry_delay(call, error)
                    if delay is None:
                        raise
                finally:
                    try:
                        response.close()
                    finally:
                        self._slots.give_back(lease)
                self._sleep(delay)
            result, errors = check_output(result, response_format)
            if errors:
                raise output_failure(result, errors)
        except BaseException as exc:
            self._emit(self._finish(call, exc))
            raise
        outcome.result = call.result = result
        self._emit(self._finish(call, None))
