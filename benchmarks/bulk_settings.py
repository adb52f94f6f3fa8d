"""Settings of the bulk generation benchmark: the benchmark settings, with the package's own
retry policy (a refused call is tried again, as in a shop) instead of none."""

import os

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import LLMSHOP as _BENCH
from django_llmshop.app_settings import ENDPOINT_DEFAULTS

LLMSHOP = {
    "ENDPOINTS": {
        "default": {
            **_BENCH["ENDPOINTS"]["default"],
            "MAX_RETRIES": int(
                os.environ.get("LLMSHOP_MAX_RETRIES", ENDPOINT_DEFAULTS["MAX_RETRIES"])
            ),
        }
    },
}
