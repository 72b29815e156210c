"""A typed aiohttp client for APIMart's video generation API."""

from bot.apimart.client import APIMartClient, RetryPolicy
from bot.apimart.errors import (
    APIConnectionError,
    APIMartError,
    AuthenticationError,
    InvalidRequestError,
    MalformedResponseError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    SubmitOutcomeUnknownError,
    TaskNotFoundError,
)
from bot.apimart.models import Balance, SubmitResult, TaskInfo, TaskStatus, VideoRequest

__all__ = [
    "APIConnectionError",
    "APIMartClient",
    "APIMartError",
    "AuthenticationError",
    "Balance",
    "InvalidRequestError",
    "MalformedResponseError",
    "PaymentRequiredError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "SubmitOutcomeUnknownError",
    "SubmitResult",
    "TaskInfo",
    "TaskNotFoundError",
    "TaskStatus",
    "VideoRequest",
]
