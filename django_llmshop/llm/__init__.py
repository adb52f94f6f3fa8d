"""A client for OpenAI-compatible LLM endpoints, on httpx. Imports nothing from Django.

Chat (with tools and validated JSON output), streaming chat and embeddings, with typed errors,
retries with backoff, ``Retry-After``, timeouts, a concurrency limit, a circuit breaker, and
one :class:`CallRecord` per call for the call log.
"""

from .aio import AsyncLLMClient
from .breaker import CircuitBreaker
from .client import LLMClient
from .errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    CircuitOpenError,
    LLMConnectionError,
    LLMError,
    LLMResponseError,
    LLMTimeoutError,
    NotFoundError,
    OutputValidationError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
)
from .streams import AsyncChatStream, ChatStream
from .types import CallRecord, ChatResult, StreamChunk, ToolCall, ToolCallDelta, Usage

__all__ = [
    "APIStatusError",
    "AsyncChatStream",
    "AsyncLLMClient",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "CallRecord",
    "ChatResult",
    "ChatStream",
    "CircuitBreaker",
    "CircuitOpenError",
    "LLMClient",
    "LLMConnectionError",
    "LLMError",
    "LLMResponseError",
    "LLMTimeoutError",
    "NotFoundError",
    "OutputValidationError",
    "RateLimitError",
    "ServerError",
    "StreamChunk",
    "StreamInterruptedError",
    "ToolCall",
    "ToolCallDelta",
    "Usage",
]
