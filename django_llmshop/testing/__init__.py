"""A fake OpenAI-compatible server for tests: scripted replies over a real loopback socket."""

from django_llmshop.testing.replies import Reply, ToolCall
from django_llmshop.testing.server import FakeLLMServer, RecordedRequest

__all__ = ["FakeLLMServer", "RecordedRequest", "Reply", "ToolCall"]
