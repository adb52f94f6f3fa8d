"""The asyncio client: the same calls as :class:`LLMClient`, as coroutines and async iterators.

One client may serve several event loops in turn (``asyncio.run`` per Celery task): its
httpx client and its concurrency slots are made per running loop, on first use there.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from typing import Any, NamedTuple

import httpx

from ._base import JSON, BaseClient, logger
from .errors import LLMConnectionError
from .limiter import Lease
from .netpool import body_parts, use_lean_pool
from .records import CallState
from .responses import StreamAssembler, parse_chat_response, parse_embeddings
from .slots import AsyncSlots
from .sse import SSEParser
from .streams import AsyncChatStream, StreamOutcome
from .structured import check_output, output_failure, repair_payload
from .types import CallRecord, ChatResult, StreamChunk


class _LoopState(NamedTuple):
    """The parts of a client that belong to one event loop."""

    http: httpx.AsyncClient
    slots: AsyncSlots


class AsyncLLMClient(BaseClient[httpx.AsyncBaseTransport]):
    """The asyncio twin of :class:`LLMClient`.

    ``on_record`` may be a plain function or a coroutine function. ``aclose()`` releases the
    connections of the running loop; the client can still be used afterwards, in a new loop.
    """

    def _open(self, transport: httpx.AsyncBaseTransport | None) -> None:
        self._transport = transport
        self._loops: dict[asyncio.AbstractEventLoop, _LoopState] = {}
        self._loops_lock = threading.Lock()
        self._sleep: Callable[[float], Awaitable[object]] = asyncio.sleep

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is not None:
            return state
        with self._loops_lock:
            for old in [known for known in self._loops if known.is_closed()]:
                del self._loops[old]  # its connections died with it
            state = self._loops.get(loop)
            if state is None:
                http = httpx.AsyncClient(
                    timeout=self._timeout, limits=self._limits, transport=self._transport
                )
                if self._transport is None:
                    use_lean_pool(http)
                slots = AsyncSlots(self.max_concurrency, self.limiter, self._timeout.read or 60)
                state = self._loops[loop] = _LoopState(http, slots)
        return state

    async def aclose(self) -> None:
        """Close the running loop's connections."""
        with self._loops_lock:
            state = self._loops.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state.http.aclose()
            await state.slots.aclose()

    async def __aenter__(self) -> AsyncLLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- public calls -----------------------------------------------------------------------

    async def chat(
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
        """One chat completion; see :meth:`LLMClient.chat`."""
        call = CallState("chat", messages, None, metadata)
        try:
            self._check_breaker()
            payload = self._chat_payload(
                messages, tools, tool_choice, response_format, max_tokens, temperature, extra,
                stream=False,
            )  # fmt: skip
            first = await self._complete(call, payload)
            result, errors = check_output(first, response_format)
            if errors:
                second = await self._complete(call, repair_payload(payload, first, errors))
                result, errors = check_output(second, response_format)
                if errors:
                    raise output_failure(second, errors)
        except BaseException as exc:
            await self._emit(self._finish(call, exc))
            raise
        call.result = result
        await self._emit(self._finish(call, None))
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
    ) -> AsyncChatStream:
        """A streamed chat completion, for ``async for`` (not a coroutine)."""
        payload = self._chat_payload(
            messages, tools, tool_choice, response_format, max_tokens, temperature, extra,
            stream=True,
        )  # fmt: skip
        outcome = StreamOutcome()
        call = CallState("stream", messages, None, metadata)
        return AsyncChatStream(self._stream(call, payload, response_format, outcome), outcome)

    async def embed(
        self, inputs: Sequence[str], *, metadata: Mapping[str, Any] | None = None
    ) -> list[list[float]]:
        """One vector per input text, in order. No inputs, no request."""
        if not inputs:
            return []
        call = CallState("embed", None, inputs, metadata)
        try:
            self._check_breaker()
            request = self._request(call, self._embeddings_url, self._embed_payload(inputs))
            response, lease = await self._send(call, request)
            vectors, call.usage = parse_embeddings(self._decode(response), len(inputs))
            await self._state().slots.settle(lease, call.usage)
        except BaseException as exc:
            await self._emit(self._finish(call, exc))
            raise
        call.vectors = vectors
        await self._emit(self._finish(call, None))
        return vectors

    # -- internals --------------------------------------------------------------------------

    async def _emit(self, record: CallRecord | None) -> None:
        if record is None or self.on_record is None:
            return
        try:
            outcome = self.on_record(record)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:  # noqa: BLE001 - a failing call log must not fail the call it logs
            logger.exception("on_record failed for a %s call", record.operation)

    async def _complete(self, call: CallState, payload: Mapping[str, JSON]) -> ChatResult:
        response, lease = await self._send(call, self._request(call, self._chat_url, payload))
        result = parse_chat_response(self._decode(response), self.model)
        call.usage += result.usage
        await self._state().slots.settle(lease, result.usage)
        return result

    async def _send(
        self, call: CallState, request: httpx.Request, *, stream: bool = False
    ) -> tuple[httpx.Response, Lease | None]:
        """Send with retries; see :meth:`LLMClient._send`."""
        state = self._state()
        while True:
            lease = await state.slots.take(request)
            keep_slot = False
            cause: httpx.HTTPError | None = None
            try:
                call.requests += 1
                call.attempts += 1
                started = time.perf_counter()
                try:
                    response = await state.http.send(request, stream=stream)
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
                        await response.aread()
                    except httpx.HTTPError:
                        pass  # the status says enough
                    finally:
                        await response.aclose()
                    error = self._status_error(response)
            finally:
                if not keep_slot:
                    await state.slots.give_back(lease)
            delay = self._retry_delay(call, error)
            if delay is None:
                raise error from cause
            await self._sleep(delay)

    async def _stream(
        self,
        call: CallState,
        payload: Mapping[str, JSON],
        response_format: Mapping[str, Any] | None,
        outcome: StreamOutcome,
    ) -> AsyncGenerator[StreamChunk, None]:
        try:
            self._check_breaker()
            request = self._request(call, self._chat_url, payload)
            slots = self._state().slots
            started = False  # whether a chunk has reached the consumer
            while True:
                parser, assembler = SSEParser(), StreamAssembler(self.model)
                call.assembler = assembler
                response, lease = await self._send(call, request, stream=True)
                try:
                    try:
                        async for data in body_parts(response):
                            if lease is not None:
                                await slots.renew(lease)
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
                    await slots.settle(lease, result.usage)
                    break
                except LLMConnectionError as error:
                    delay = None if started else self._retry_delay(call, error)
                    if delay is None:
                        raise
                finally:
                    try:
                        await response.aclose()
                    finally:
                        await slots.give_back(lease)
                await self._sleep(delay)
            result, errors = check_output(result, response_format)
            if errors:
                raise output_failure(result, errors)
        except BaseException as exc:
            await self._emit(self._finish(call, exc))
            raise
        outcome.result = call.result = result
        await self._emit(self._finish(call, None))
