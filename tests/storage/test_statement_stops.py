"""A stop (a task cancelled) that lands while a PostgreSQL statement is out is never lost."""

import asyncio

import pytest

from bot.storage import postgres


class _Connection:
    """A pooled connection as `_within_time` uses it: only dropped when a statement is late."""

    def __init__(self) -> None:
        self.dropped = False

    def terminate(self) -> None:
        self.dropped = True


async def test_a_stop_that_lands_as_the_statements_answer_arrives_still_stops():
    """The answer and the stop come in the same turn of the event loop (a busy machine makes
    that common). Lost, as `asyncio.wait_for` loses it on Python 3.11 (it hands back the
    answer instead), a claim's renewal went on for ever after its work had ended: the worker
    waiting for it never finished, and its job, held by those renewals, was never worked again
    until the process stopped."""
    connection = _Connection()
    answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    statement = asyncio.ensure_future(postgres._within_time(connection, answer))  # type: ignore[arg-type]
    await asyncio.sleep(0)  # asked; waiting for the answer
    answer.set_result("row")
    statement.cancel()
    with pytest.raises(asyncio.CancelledError):
        await statement
    assert not connection.dropped


async def test_a_statement_out_of_time_still_drops_its_connection():
    connection = _Connection()
    never: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    with pytest.raises(TimeoutError):
        await postgres._within_time(connection, never, seconds=0.01)  # type: ignore[arg-type]
    assert connection.dropped
