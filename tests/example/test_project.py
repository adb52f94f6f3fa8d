"""The example project itself: its settings pass the system checks and read the environment."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "example_project"
SETTINGS_FILE = EXAMPLE_DIR / "example_project" / "settings.py"

#: Variables the settings read; cleared so the machine running the tests cannot leak in.
SETTINGS_ENV = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "REDIS_URL",
    "LLMSHOP_BASE_URL",
    "LLMSHOP_API_KEY",
    "LLMSHOP_MODEL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
)


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    env["DJANGO_SETTINGS_MODULE"] = "example_project.settings"  # not the tests' settings
    env["DJANGO_DEBUG"] = "1"  # as ./scripts/demo runs it; DEBUG off needs a real secret key
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    """Execute the example settings file with this environment, as a throwaway module."""
    for key in SETTINGS_ENV:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("example_settings_under_test", SETTINGS_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_manage_py_check_passes() -> None:
    result = manage("check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_example_migrations_are_up_to_date() -> None:
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_defaults_need_no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(monkeypatch, DJANGO_DEBUG="1")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert str(settings.DATABASES["default"]["NAME"]).endswith("var/db.sqlite3")
    assert settings.CELERY_BROKER_URL == "filesystem://"
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["data_folder_in"] == options["data_folder_out"]
    assert Path(options["data_folder_in"]).is_dir()
    assert Path(options["processed_folder"]).is_dir()
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    endpoint = settings.LLMSHOP["ENDPOINTS"]["default"]
    assert endpoint["BASE_URL"] == "http://127.0.0.1:8080/v1"
    assert endpoint["MODEL"] == "smollm2-135m"
    assert settings.DEBUG is True


def test_servers_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(
        monkeypatch,
        DATABASE_URL="postgres://shop:pw@db.internal:5432/shop",
        CELERY_BROKER_URL="redis://cache.internal:6379/1",
        REDIS_URL="redis://cache.internal:6379/2",
        LLMSHOP_BASE_URL="https://api.example.com/v1",
        LLMSHOP_API_KEY="sk-test",
        LLMSHOP_MODEL="some-model",
        CELERY_TASK_ALWAYS_EAGER="1",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k3y-" + "for-the-settings-test-only-" * 3,
        DJANGO_ALLOWED_HOSTS="shop.example.com, www.shop.example.com",
    )
    assert settings.DATABASES["default"]["HOST"] == "db.internal"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS == {"visibility_timeout": 3600}
    assert settings.CACHES["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    endpoint = settings.LLMSHOP["ENDPOINTS"]["default"]
    assert (endpoint["BASE_URL"], endpoint["API_KEY"], endpoint["MODEL"]) == (
        "https://api.example.com/v1",
        "sk-test",
        "some-model",
    )
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS == ["shop.example.com", "www.shop.example.com"]
