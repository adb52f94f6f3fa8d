"""Benchmark settings: the test settings, with the endpoint and database from the environment."""

import os

from tests.settings import *  # noqa: F403

LLMSHOP = {
    "ENDPOINTS": {
        "default": {
            "BASE_URL": os.environ.get("LLMSHOP_BASE_URL", "http://127.0.0.1:9/v1"),
            "MODEL": "bench",
            "MAX_CONCURRENCY": int(os.environ.get("LLMSHOP_MAX_CONCURRENCY", "16")),
            "MAX_RETRIES": 0,
            "TIMEOUT": 30,
        }
    },
}
