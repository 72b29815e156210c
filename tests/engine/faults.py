"""Faults injected into the engine's own code: a method that raises the first times it is hit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def raise_on(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    error: BaseException,
    *,
    times: int = 1,
    when: Callable[..., bool] = lambda *args, **kwargs: True,
) -> list[tuple[Any, ...]]:
    """Make the coroutine method `owner.name` raise `error` on its first `times` calls for which
    `when(*args, **kwargs)` holds; returns the arguments of the calls that raised."""
    original = getattr(owner, name)
    raised: list[tuple[Any, ...]] = []

    async def faulty(*args: Any, **kwargs: Any) -> Any:
        if len(raised) < times and when(*args, **kwargs):
            raised.append(args)
            raise error
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, faulty)
    return raised


def for_job(job_id: int) -> Callable[..., bool]:
    """A `when` that picks the calls whose first argument is this job."""
    return lambda *args, **kwargs: bool(args) and getattr(args[0], "id", None) == job_id


class Outage:
    """The database away (a restart, a failover, a partition): while `down`, every statement
    asked of `db` is refused, as a server that is not there refuses a connection."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, db: object) -> None:
        self.down = False
        for name in ("write", "fetch_one", "fetch_all", "transaction"):
            monkeypatch.setattr(db, name, self._refused_while_down(getattr(db, name)))

    def _refused_while_down(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def asked(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise ConnectionRefusedError("the database is away")
            return original(*args, **kwargs)

        return asked
