"""Settings of ``benchmarks/chat_requests.py``: the chat load benchmark's, and a plain view."""

from benchmarks.chat_load_settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.chat_requests_urls"
