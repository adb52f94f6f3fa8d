"""Settings of a Celery worker process in tests and benchmarks: fake endpoint, chat queue."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import LLMSHOP as BASE_LLMSHOP

LLMSHOP = {
    **BASE_LLMSHOP,
    "ENDPOINTS": {
        "default": {
            "BASE_URL": os.environ.get("LLMSHOP_TEST_FAKE_URL", "http://127.0.0.1:9/v1"),
            "MODEL": os.environ.get("LLMSHOP_TEST_MODEL", "fake-model"),
            "MAX_RETRIES": 0,
            # "small" for the bundled local model (tests/support/test_browser_local_model.py).
            "CAPABILITY": os.environ.get("LLMSHOP_TEST_CAPABILITY", "capable"),
            "SUPPORTS_TOOLS": os.environ.get("LLMSHOP_TEST_CAPABILITY") != "small",
        }
    },
    "CHAT_QUEUE": "llmshop_chat",
    "CHAT_STREAM_REDIS_URL": os.environ.get("REDIS_URL") or None,
}
