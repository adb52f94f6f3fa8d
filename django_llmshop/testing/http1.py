"""A small server-side HTTP/1.1 codec on asyncio streams: read requests, write responses."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 32 * 1024 * 1024


class BadRequest(Exception):
    """The bytes on the wire are not an HTTP/1.x request this server can read."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Request:
    """One parsed request: header names are lower-case."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.1":
            return "close" not in tokens
        return "keep-alive" in tokens


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"malformed request line: {lines[0][:100]!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(f"malformed header line: {line[:100]!r}")
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return method, target, version, headers


class Connection:
    """One client connection: reads requests in turn and writes their responses."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._chunked = False
        self.head_sent = False

    async def read_request(self) -> Request | None:
        """The next request, or None when the client closed the connection between requests."""
        try:
            head = await self._reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial.strip():
                return None
            raise BadRequest("connection closed inside the request head") from exc
        except asyncio.LimitOverrunError as exc:
            raise BadRequest("request head too large", 431) from exc
        self.head_sent = False
        method, target, version, headers = _parse_head(head.lstrip(b"\r\n"))
        if headers.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
            self._writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await self._read_body(headers)
        return Request(method, target, version, headers, body)

    async def _read_body(self, headers: Mapping[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return await self._read_chunked_body()
        length = headers.get("content-length", "0").strip() or "0"
        if not length.isdigit():
            raise BadRequest(f"bad Content-Length: {length[:40]!r}")
        if int(length) > MAX_BODY_BYTES:
            raise BadRequest("request body too large", 413)
        return await self._reader.readexactly(int(length))

    async def _read_chunked_body(self) -> bytes:
        body = bytearray()
        while True:
            size_line = await self._reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                raise BadRequest("bad chunk size") from exc
            if size == 0:
                while (await self._reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers are ignored
                return bytes(body)
            if len(body) + size > MAX_BODY_BYTES:
                raise BadRequest("request body too large", 413)
            body += await self._reader.readexactly(size)
            await self._reader.readexactly(2)

    def _write_head(self, status: int, headers: Mapping[str, str]) -> None:
        self.head_sent = True
        lines = [f"HTTP/1.1 {status} {_reason(status)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def send(
        self,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        keep_alive: bool,
        content_length: int | None = None,
    ) -> None:
        """Write a whole response; `content_length` may announce more than `body` (a cut body)."""
        head = {
            "Server": "django-llmshop-fake",
            "Content-Length": str(len(body) if content_length is None else content_length),
            "Connection": "keep-alive" if keep_alive else "close",
        }
        self._write_head(status, _merge(head, headers))
        self._writer.write(body)
        await self._writer.drain()

    async def start_stream(self, status: int, headers: Mapping[str, str], *, http11: bool) -> None:
        """Start a streamed body: chunked for HTTP/1.1 clients, close-delimited otherwise."""
        self._chunked = http11
        head = {"Server": "django-llmshop-fake"}
        if http11:
            head["Transfer-Encoding"] = "chunked"
        else:
            head["Connection"] = "close"
        self._write_head(status, _merge(head, headers))
        await self._writer.drain()

    async def write_chunk(self, data: bytes) -> None:
        if self._chunked:
            self._writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        else:
            self._writer.write(data)
        await self._writer.drain()

    async def end_stream(self) -> None:
        if self._chunked:
            self._writer.write(b"0\r\n\r\n")
            await self._writer.drain()

    async def reset(self) -> None:
        """Abort the connection with a TCP RST once what was written has left the buffer."""
        transport = self._writer.transport
        for _ in range(100):
            if transport.get_write_buffer_size() == 0:
                break
            await asyncio.sleep(0.01)
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            # If the socket is already gone the client sees a close, which is still an abort.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    def close(self) -> None:
        if not self._writer.is_closing():
            self._writer.close()


def _merge(base: dict[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """`base` overridden by `extra`, header names compared case-insensitively."""
    lowered = {name.lower() for name in extra}
    merged = {name: value for name, value in base.items() if name.lower() not in lowered}
    merged.update(extra)
    return merged
