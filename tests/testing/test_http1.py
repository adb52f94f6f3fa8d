"""The fake server's HTTP/1.1 handling, on a raw socket: framing, errors, HTTP/1.0."""

from __future__ import annotations

import json
import socket

from django_llmshop.testing import FakeLLMServer

BODY = json.dumps({"messages": [{"role": "user", "content": "hi"}]}).encode()


def exchange(server: FakeLLMServer, data: bytes, *, half_close: bool = False) -> bytes:
    """Send raw bytes, then read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def request(
    body: bytes, *headers: str, version: str = "HTTP/1.1", path: str = "/v1/chat/completions"
) -> bytes:
    lines = [f"POST {path} {version}", "Host: x", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_http10_stream_is_close_delimited(llm_server: FakeLLMServer) -> None:
    body = json.dumps({**json.loads(BODY), "stream": True}).encode()
    raw = exchange(llm_server, request(body, f"Content-Length: {len(body)}", version="HTTP/1.0"))
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"Transfer-Encoding" not in head
    assert b"Connection: close" in head
    assert payload.startswith(b"data: {")
    assert payload.endswith(b"data: [DONE]\n\n")


def test_chunked_stream_framing(llm_server: FakeLLMServer) -> None:
    body = json.dumps({**json.loads(BODY), "stream": True}).encode()
    raw = exchange(llm_server, request(body, f"Content-Length: {len(body)}", "Connection: close"))
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    assert payload.endswith(b"0\r\n\r\n")


def test_chunked_request_body(llm_server: FakeLLMServer) -> None:
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, BODY[:10], len(BODY) - 10, BODY[10:])
    raw = exchange(llm_server, request(chunked, "Transfer-Encoding: chunked", "Connection: close"))
    assert raw.startswith(b"HTTP/1.1 200 OK")
    assert b"Echo: hi" in raw
    assert llm_server.requests[0].body == BODY


def test_expect_100_continue(llm_server: FakeLLMServer) -> None:
    raw = exchange(
        llm_server,
        request(BODY, f"Content-Length: {len(BODY)}", "Expect: 100-continue", "Connection: close"),
    )
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


def test_pipelined_requests(llm_server: FakeLLMServer) -> None:
    one = request(BODY, f"Content-Length: {len(BODY)}")
    last = request(BODY, f"Content-Length: {len(BODY)}", "Connection: close")
    raw = exchange(llm_server, one + one + last)
    assert raw.count(b"HTTP/1.1 200 OK") == 3
    assert llm_server.connections_opened == 1


def test_malformed_request_line_is_400(llm_server: FakeLLMServer) -> None:
    raw = exchange(llm_server, b"NONSENSE\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 400 Bad Request")
    assert b"Connection: close" in raw


def test_bad_content_length_is_400(llm_server: FakeLLMServer) -> None:
    raw = exchange(llm_server, request(b"", "Content-Length: lots"))
    assert raw.startswith(b"HTTP/1.1 400 Bad Request")


def test_oversized_head_is_431(llm_server: FakeLLMServer) -> None:
    raw = exchange(llm_server, request(b"", "X-Big: " + "a" * 70_000))
    assert raw.startswith(b"HTTP/1.1 431")


def test_client_closing_mid_body_is_quiet(llm_server: FakeLLMServer) -> None:
    raw = exchange(llm_server, request(b"{", "Content-Length: 100"), half_close=True)
    assert raw == b""
    assert len(llm_server.requests) == 0
