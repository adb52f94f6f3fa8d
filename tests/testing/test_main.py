"""`python -m django_llmshop.testing` runs the fake server in the foreground."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx


def test_command_line_server_answers_and_stops() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "django_llmshop.testing",
            "--port",
            "0",
            "--reply",
            "Hello from the command line",
            "--model",
            "cli-model",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            assert base_url.endswith("/v1")
            response = httpx.post(f"{base_url}/chat/completions", json={"messages": []}, timeout=10)
            assert (
                response.json()["choices"][0]["message"]["content"] == "Hello from the command line"
            )
            assert httpx.get(f"{base_url}/models").json()["data"][0]["id"] == "cli-model"
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
