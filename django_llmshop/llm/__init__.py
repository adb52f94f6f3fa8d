"""A client for OpenAI-compatible LLM endpoints, on httpx. Imports nothing from Django.

Chat (with tools and validated JSON output), streaming chat and embeddings, with typed errors,
retries with backoff, ``Retry-After``, timeouts, a concurrency limit (and limits shared through
Redis), a circuit breaker, and one :class:`CallRecord` per call for the call log.
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
    EndpointBusyError,
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
from .limiter import SharedLimiter, SharedLimits
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
    "EndpointBusyError",
    "LLMClient",
    "LLMConnectionError",
    "LLMError",
    "LLMResponseError",
    "LLMTimeoutError",
    "NotFoundError",
    "OutputValidationError",
    "RateLimitError",
    "ServerError",
    "SharedLimiter",
    "SharedLimits",
    "StreamChunk",
    "StreamInterruptedError",
    "ToolCall",
    "ToolCallDelta",
    "Usage",
]
