"""The typed errors the LLM client raises; every one is an ``LLMError``."""

from __future__ import annotations


class LLMError(Exception):
    """Base class of every error raised by :mod:`django_llmshop.llm`."""


class LLMConnectionError(LLMError):
    """The endpoint could not be reached, or the connection broke."""


class LLMTimeoutError(LLMConnectionError):
    """Connecting, sending or waiting for the reply took longer than the configured timeout."""


class StreamInterruptedError(LLMConnectionError):
    """A stream broke off after it had started: the connection dropped, or it ended unfinished."""


class APIStatusError(LLMError):
    """The endpoint answered with an HTTP error status.

    ``body`` is the decoded JSON error body when there is one, otherwise its text.
    ``retry_after`` is the wait the endpoint asked for (``Retry-After``), in seconds, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: object = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body
        self.retry_after = retry_after


class BadRequestError(APIStatusError):
    """400 or 422: the request was refused as invalid (retrying will not help)."""


class AuthenticationError(APIStatusError):
    """401 or 403: the API key is missing, wrong, or lacks permission."""


class NotFoundError(APIStatusError):
    """404: wrong base URL or unknown model."""


class RateLimitError(APIStatusError):
    """429: too many requests or tokens; see ``retry_after``."""


class ServerError(APIStatusError):
    """5xx: the endpoint failed."""


class LLMResponseError(LLMError):
    """The endpoint answered 2xx but the body was not what the API promises."""


class OutputValidationError(LLMResponseError):
    """The model's JSON output stayed invalid after the repair attempt.

    ``raw_text`` is the last reply as received; ``errors`` lists what was wrong with it.
    """

    def __init__(self, message: str, *, raw_text: str, errors: list[str]) -> None:
        super().__init__(message)
        self.raw_text = raw_text
        self.errors = errors


class CircuitOpenError(LLMError):
    """The endpoint failed repeatedly; calls are refused until ``retry_in`` seconds pass."""

    def __init__(self, message: str, *, retry_in: float) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class EndpointBusyError(LLMError):
    """The endpoint's shared limits (slots, requests or tokens per minute) left no room within
    the call's timeout; ``waited`` is how long the call waited, in seconds."""

    def __init__(self, message: str, *, waited: float) -> None:
        super().__init__(message)
        self.waited = waited


class BudgetExceededError(LLMError):
    """A spending budget does not allow this call (raised by the Django side, before calling)."""


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The error class for an HTTP error status."""
    if status_code in (400, 422):
        return BadRequestError
    if status_code in (401, 403):
        return AuthenticationError
    if status_code == 404:
        return NotFoundError
    if status_code == 429:
        return RateLimitError
    if status_code >= 500:
        return ServerError
    return APIStatusError
