"""Facts bound to the work in progress (job, task, guild, user, shard) for every log line.

Bound with `bound(...)` around a job's handling or a command; tasks started inside inherit them
(contextvars), so a job can be followed across lines and across the tasks that serve it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

LogValue = int | str

_NOTHING: Mapping[str, LogValue] = MappingProxyType({})
_bound: ContextVar[Mapping[str, LogValue]] = ContextVar("log_context", default=_NOTHING)


@contextmanager
def bound(**fields: LogValue | None) -> Iterator[None]:
    """Add `fields` (those not None) to every log line written inside, then remove them."""
    merged = {**_bound.get(), **{name: v for name, v in fields.items() if v is not None}}
    token = _bound.set(MappingProxyType(merged))
    try:
        yield
    finally:
        _bound.reset(token)


def current() -> Mapping[str, LogValue]:
    """What is bound here and now."""
    return _bound.get()
