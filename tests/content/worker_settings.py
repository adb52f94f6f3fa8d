"""Settings of the Celery worker in the content worker tests: the test settings, with the
endpoint pointed at the test's fake model server (``LLMSHOP_TEST_BASE_URL``)."""

import os

from tests.settings import *  # noqa: F403

LLMSHOP = {
    "ENDPOINTS": {
        "default": {
            "BASE_URL": os.environ["LLMSHOP_TEST_BASE_URL"],
            "MODEL": "fake-model",
            "MAX_RETRIES": 0,
        }
    },
}
