"""Whether an interaction's first answer, sent by this process, may have reached Discord though
its request failed.

Discord's edge can answer a 5xx for an interaction callback that went through (it gave up
waiting on it). discord.py then sends the callback again, and Discord refuses that one as
already acknowledged (40060): the very refusal the second process of a deploy overlap gets.
Only the session's tracing sees the 5xx (discord.py resends it unseen), so a trace marks the
answer under way (`attempt`) unsure; `cogs._answers.answered_first` reads the mark, and takes a
40060 after it for its own first try's, not another process's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import aiohttp
import discord


class Attempt:
    """One first answer being sent: `unsure` once a try of it may have reached Discord
    unanswered (a 5xx, or a connection that dropped before the answer)."""

    __slots__ = ("unsure",)

    def __init__(self) -> None:
        self.unsure = False


# The first answer this task is sending, if any (a trace's hooks run in the request's task).
_SENDING: ContextVar[Attempt | None] = ContextVar("interaction_answer", default=None)


@contextmanager
def attempt() -> Iterator[Attempt]:
    """Send a first answer within this: what discord.py's tries of it met is marked on it."""
    sending = Attempt()
    token = _SENDING.set(sending)
    try:
        yield sending
    finally:
        _SENDING.reset(token)


def watch_answers(http: discord.http.HTTPClient) -> None:
    """Have every session of `http` (interaction callbacks go through it too) mark the first
    answer under way unsure when a try of it meets a 5xx."""
    if http.http_trace is None:
        http.http_trace = aiohttp.TraceConfig()
    http.http_trace.on_request_end.append(_answered)


async def _answered(
    _session: aiohttp.ClientSession, _context: Any, params: aiohttp.TraceRequestEndParams
) -> None:
    sending = _SENDING.get()
    if sending is None or params.response.status < 500:
        return
    if params.method == "POST" and params.url.path.endswith("/callback"):
        sending.unsure = True
