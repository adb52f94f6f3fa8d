"""The pytest plugin: `llm_server` and `llm_settings`, run in a separate pytest process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx

from django_llmshop.testing import FakeLLMServer, Reply


def run_pytest(directory: Path, files: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    (directory / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    for name, source in files.items():
        (directory / name).write_text(textwrap.dedent(source))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_llm_server_fixture_here(llm_server: FakeLLMServer) -> None:
    llm_server.add(Reply.text("from the fixture"))
    response = httpx.post(f"{llm_server.base_url}/chat/completions", json={"messages": []})
    assert response.json()["choices"][0]["message"]["content"] == "from the fixture"


def test_llm_server_is_shared_and_reset_between_tests(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_uses.py": """
                import threading

                import httpx
                from django_llmshop.testing import Reply

                seen = {}

                def test_no_server_unless_asked():
                    assert not [t for t in threading.enumerate() if t.name == "FakeLLMServer"]

                def test_first(llm_server):
                    seen["url"] = llm_server.base_url
                    httpx.get(llm_server.base_url + "/models", timeout=10)
                    llm_server.add(Reply.text("left over"), Reply.text("also"))
                    llm_server.latency = 5
                    llm_server.responder = lambda request: None

                def test_second(llm_server):
                    assert llm_server.base_url == seen["url"]
                    assert llm_server.pending == 0
                    assert llm_server.requests == []
                    assert llm_server.latency == 0
                    assert llm_server.responder is None
            """,
        },
        "-p",
        "no:django",
        "-p",
        "no:randomly",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_llm_settings_points_endpoints_at_the_server(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "fake_settings.py": """
                SECRET_KEY = "x"
                INSTALLED_APPS = []
                LLMSHOP = {
                    "ENDPOINTS": {
                        "default": {"BASE_URL": "https://api.example.com/v1", "TIMEOUT": 5},
                        "embeddings": {"BASE_URL": "https://embed.example.com/v1"},
                    },
                    "PRODUCT_MODEL": "shop.Product",
                }
            """,
            "test_settings.py": """
                from django.conf import settings

                def test_points_at_fake(llm_settings, llm_server):
                    assert llm_settings is llm_server
                    conf = settings.LLMSHOP
                    fake = {
                        "BASE_URL": llm_server.base_url,
                        "API_KEY": "test-key",
                        "MODEL": "fake-model",
                    }
                    assert conf["ENDPOINTS"]["default"] == {**fake, "TIMEOUT": 5}
                    assert conf["ENDPOINTS"]["embeddings"] == fake
                    assert conf["PRODUCT_MODEL"] == "shop.Product"

                def test_restored_afterwards():
                    endpoint = settings.LLMSHOP["ENDPOINTS"]["default"]
                    assert endpoint["BASE_URL"] == "https://api.example.com/v1"
            """,
        },
        "--ds=fake_settings",
        "-p",
        "no:randomly",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_llm_settings_without_pytest_django_fails_clearly(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {"test_it.py": "def test_it(llm_settings):\n    pass\n"},
        "-p",
        "no:django",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs pytest-django" in result.stdout
