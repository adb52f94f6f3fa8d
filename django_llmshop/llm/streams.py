"""The objects ``stream()`` returns: iterate them for chunks, read ``result`` at the end."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType

from .errors import LLMError
from .types import ChatResult, StreamChunk


class StreamOutcome:
    """Where a stream's generator leaves its result for the stream object to read.

    The generator must not hold the stream object itself: then dropping the stream would not
    free the generator at once, and its request would stay open (and unlogged) until the
    cycle collector ran.
    """

    __slots__ = ("result",)

    def __init__(self) -> None:
        self.result: ChatResult | None = None

    def get(self) -> ChatResult:
        if self.result is None:
            raise LLMError("the stream has not finished")
        return self.result


class ChatStream:
    """The chunks of a streamed chat reply; ``result`` holds the whole reply once finished.

    Nothing is sent until iteration starts, and a stream never started is not logged. Close it
    (or use ``with``) to stop early; a stream dropped unfinished is closed when garbage
    collected. Either way it is logged exactly once.
    """

    def __init__(self, chunks: Generator[StreamChunk, None, None], outcome: StreamOutcome) -> None:
        self._chunks = chunks
        self._outcome = outcome

    def __iter__(self) -> Iterator[StreamChunk]:
        return self

    def __next__(self) -> StreamChunk:
        return next(self._chunks)

    @property
    def result(self) -> ChatResult:
        """The assembled reply; only after the stream has been read to the end."""
        return self._outcome.get()

    def close(self) -> None:
        self._chunks.close()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncChatStream:
    """The chunks of a streamed chat reply, for ``async for``; otherwise like ChatStream."""

    def __init__(self, chunks: AsyncGenerator[StreamChunk, None], outcome: StreamOutcome) -> None:
        self._chunks = chunks
        self._outcome = outcome

    def __aiter__(self) -> AsyncIterator[StreamChunk]:
        # ``async for`` reads the generator itself: a call of __anext__ per chunk costs a
        # coroutine of its own.
        return self._chunks

    async def __anext__(self) -> StreamChunk:
        return await self._chunks.__anext__()

    @property
    def result(self) -> ChatResult:
        """The assembled reply; only after the stream has been read to the end."""
        return self._outcome.get()

    async def aclose(self) -> None:
        await self._chunks.aclose()

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
