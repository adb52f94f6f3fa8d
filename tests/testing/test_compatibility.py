"""The fake server parses as OpenAI with the official SDK, and imports only the stdlib."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from django_llmshop.testing import FakeLLMServer, Reply

IMPORT_CHECK = """
import sys
before = set(sys.modules)
import django_llmshop.testing
import django_llmshop.testing.__main__
new = {name.split(".")[0] for name in set(sys.modules) - before}
print(sorted(new - set(sys.stdlib_module_names) - {"django_llmshop"}))
"""


def test_imports_only_the_standard_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_official_sdk_reads_every_endpoint(llm_server: FakeLLMServer) -> None:
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=llm_server.base_url, api_key="test-key", max_retries=0)
    messages = [{"role": "user", "content": "Where is order A-1?"}]

    answer = client.chat.completions.create(model="m", messages=messages)
    assert answer.choices[0].message.content == "Echo: Where is order A-1?"
    assert answer.usage is not None and answer.usage.completion_tokens > 0

    llm_server.add(Reply.tool_calls(("get_my_order", {"number": "A-1"}), content="Checking."))
    text, arguments, usage = "", "", None
    for chunk in client.chat.completions.create(
        model="m", messages=messages, stream=True, stream_options={"include_usage": True}
    ):
        if not chunk.choices:
            usage = chunk.usage
            continue
        delta = chunk.choices[0].delta
        text += delta.content or ""
        for call in delta.tool_calls or []:
            arguments += call.function.arguments or ""
    assert text == "Checking."
    assert json.loads(arguments) == {"number": "A-1"}
    assert usage is not None

    vectors = client.embeddings.create(model="e", input=["red shirt", "blue mug"])
    assert [len(item.embedding) for item in vectors.data] == [64, 64]

    llm_server.add(Reply.error(429, headers={"Retry-After": "0"}))
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="m", messages=messages)
    assert llm_server.requests[0].headers["authorization"] == "Bearer test-key"
