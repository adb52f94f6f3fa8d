"""A fake OpenAI-compatible server for tests: scripted replies over a real loopback socket."""

from django_llmshop.testing.recorded import RecordedRequest
from django_llmshop.testing.replies import Reply, ToolCall
from django_llmshop.testing.server import FakeLLMServer

__all__ = ["FakeLLMServer", "RecordedRequest", "Reply", "ToolCall"]
