"""The APIMart error hierarchy: one class per way a call can fail."""

from __future__ import annotations

from bot.logs import without_link_signatures


class APIMartError(Exception):
    """A call to APIMart failed; `error_type` is the API's own `type` when it gave one."""

    retryable: bool = False

    def __init__(
        self, message: str, *, status: int | None = None, error_type: str | None = None
    ) -> None:
        # APIMart may quote a member's signed Discord link (one it could not fetch): the
        # message is logged, kept as the job's reason and shown, so the signature goes now.
        message = without_link_signatures(message, marked=False)
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type


class InvalidRequestError(APIMartError):
    """HTTP 400: the request broke a rule (duration, resolution, image count, ...)."""


class AuthenticationError(APIMartError):
    """HTTP 401: the API key is wrong; an operator must fix the configuration."""


class PaymentRequiredError(APIMartError):
    """HTTP 402: the account balance is empty."""


class TaskNotFoundError(APIMartError):
    """HTTP 404 on a poll: the API does not know the task id."""


class RateLimitError(APIMartError):
    """HTTP 429: slow down; `retry_after` is the server's hint in seconds, if any."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 429,
        error_type: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, error_type=error_type)
        self.retry_after = retry_after


class ServerError(APIMartError):
    """HTTP 5xx: a transient fault on APIMart's side; `retry_after` is a 503's pause in
    seconds (the service down for upkeep, asking not to be called before), if it gave one."""

    retryable = True
    # Said by APIMart's own application (a 5xx code in a 2xx answer's body), not by a gateway in
    # front of it: the request reached the service, so a submit may have landed, whatever the
    # code says.
    reached_service = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, error_type=error_type)
        self.retry_after = retry_after


class APIConnectionError(APIMartError):
    """The connection failed or timed out before an answer arrived."""

    retryable = True


class MalformedResponseError(APIMartError):
    """The API answered with something that is not the JSON it documents."""

    retryable = True


class SubmitOutcomeUnknownError(APIMartError):
    """A submit was sent but no answer came back: the task may or may not exist."""
