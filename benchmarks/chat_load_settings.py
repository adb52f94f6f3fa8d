"""Settings of the chat load benchmark's processes (web server, worker): the worker's test
settings, no per-process cap on the fake endpoint, no shopper rate limits (every shopper of the
load comes from 127.0.0.1), and Django's psycopg pool when ``LLMSHOP_BENCH_POOL`` is set."""

import os
import sys

from tests.worker_settings import *  # noqa: F403
from tests.worker_settings import DATABASES
from tests.worker_settings import LLMSHOP as BASE_LLMSHOP

DEBUG = False
ALLOWED_HOSTS = ["*"]
UNLIMITED = 10**9
LLMSHOP = {
    **BASE_LLMSHOP,
    "ENDPOINTS": {
        "default": {
            **BASE_LLMSHOP["ENDPOINTS"]["default"],
            "MAX_CONCURRENCY": 100_000,
            "TIMEOUT": 300,
        }
    },
    "CHAT_RATE_LIMIT_PER_SESSION": UNLIMITED,
    "CHAT_RATE_LIMIT_PER_IP": UNLIMITED,
    "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION": UNLIMITED,
    "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": UNLIMITED,
}
SWITCH_INTERVAL = float(os.environ.get("LLMSHOP_BENCH_SWITCH_INTERVAL", "0"))
if SWITCH_INTERVAL:
    sys.setswitchinterval(SWITCH_INTERVAL)
POOL_SIZE = int(os.environ.get("LLMSHOP_BENCH_POOL", "0"))
if POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": POOL_SIZE,
        "timeout": 30,
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
