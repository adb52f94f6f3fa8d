"""One model call of a reply, its tokens streamed to the shopper as they come.

Where the stream buffer writes asynchronously (Redis), the call runs in the process's event loop
thread (:mod:`django_llmshop.eventloop`) on the endpoint's shared async client: a worker with
many replies at once reads all their streams in one thread, and each task's thread waits
without holding a database connection. Otherwise (the database buffer) it runs in the task's
thread on the sync client. Both write the same events and leave the same call log rows: the
call's record is written from the task's thread once the stream has ended, in either case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django_llmshop.dbconnections import release_connections
from django_llmshop.eventloop import process_loop
from django_llmshop.gateway import PurposeLLM, write_call_record
from django_llmshop.llm import AsyncChatStream, CallRecord, ChatResult
from django_llmshop.support.streamwriter import StreamWriter
from django_llmshop.text import clean_text


class ReplyText:
    """The reply's text over its model calls: what the model sent, cleaned, with a paragraph
    break between the text of one call and the next."""

    def __init__(self) -> None:
        self.text = ""
        self._separated = True

    def next_call(self) -> None:
        self._separated = not self.text or self.text[-1].isspace()

    def add(self, raw: str) -> list[str]:
        """The pieces to stream for a chunk of the model's text (none for nothing)."""
        text = clean_text(raw)
        if not text:
            return []
        pieces = [] if self._separated else ["\n\n"]
        self._separated = True
        pieces.append(text)
        self.text += "".join(pieces)
        return pieces


def stream_call(
    llm: PurposeLLM,
    messages: Sequence[Mapping[str, Any]],
    writer: StreamWriter,
    reply: ReplyText,
    **kwargs: Any,
) -> ChatResult:
    """Stream one call's text to ``writer`` and into ``reply``; the call's result."""
    reply.next_call()
    if not writer.buffer.writes_async:
        stream = llm.stream(messages, **kwargs)
        release_connections()  # none is held while the tokens flow; finishing opens one again
        for chunk in stream:
            for piece in reply.add(chunk.text):
                writer.token(piece)
        writer.flush()  # the call's last words do not wait for the tools or the next call
        return stream.result
    records: list[CallRecord] = []
    try:
        astream = llm.async_stream(messages, records=records, **kwargs)
        release_connections()
        return process_loop().run(_relay(astream, writer, reply))
    finally:
        for record in records:
            write_call_record(record)


async def _relay(stream: AsyncChatStream, writer: StreamWriter, reply: ReplyText) -> ChatResult:
    async with stream:
        async for chunk in stream:
            for piece in reply.add(chunk.text):
                await writer.atoken(piece)
    await writer.aflush()
    return stream.result
