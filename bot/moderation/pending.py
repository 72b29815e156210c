"""Requests waiting for their member's Confirm, because they cost more than the server allows
without asking, or are asked about whatever they cost (another member's video made again, in a
server or under the member's personal allowance: no `guild_id`). Nothing about them counts until
a job is recorded from one.

A pending request lives in the database (not in memory), so the Confirm button still works
after a restart; its token is in the buttons' custom ids. Recording the job deletes the row in
the same transaction, so one confirmation makes exactly one job, however often it is pressed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.apimart.models import VideoRequest
from bot.i18n import msg
from bot.jobs.models import JobRefused, MessageRef, Requester
from bot.jobs.pricing import Estimate
from bot.jobs.rows import requester_from_row, sources_to_json
from bot.storage import Connection, Database, Row


class ConfirmationNeeded(Exception):
    """The request is expected to cost more than the server allows without asking its member
    (`threshold`), or is asked about whatever it costs (`threshold` None: another member's video
    made again, or a figure the member agreed to that rose since).

    Raised by the admission check, so nothing is recorded or counted; the entry point asks.
    """

    def __init__(self, expected: Estimate, threshold: float | None) -> None:
        over = "no threshold" if threshold is None else f"threshold {threshold:g}"
        super().__init__(f"expected {expected.credits:g} credits, {over}")
        self.expected = expected
        self.threshold = threshold


@dataclass(frozen=True)
class PendingRequest:
    """A request held until its member confirms it."""

    token: str
    requester: Requester
    request: VideoRequest
    reply_to_id: int | None  # the message the job's status should reply to, if any
    expected_credits: float
    created_at: float
    expires_at: float
    # How the member's files are used where the options chosen do not say it (a clip put in an
    # image option), as the question told it, in the request's language: told again with it.
    files_note: str | None = None


def new_token() -> str:
    """An unguessable id for the buttons' custom ids (16 hex digits)."""
    return secrets.token_hex(8)


def _from_row(row: Row) -> PendingRequest:
    return PendingRequest(
        token=row["token"],
        requester=requester_from_row(row),
        request=VideoRequest.model_validate_json(row["request"]),
        reply_to_id=row["reply_to_id"],
        expected_credits=row["expected_credits"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        files_note=row["files_note"],
    )


class PendingRequests:
    """Holds, reads and ends pending requests; knows SQL, nothing about Discord."""

    def __init__(self, db: Database, *, clock: Callable[[], float]) -> None:
        self._db = db
        self._clock = clock

    async def hold(
        self,
        requester: Requester,
        request: VideoRequest,
        *,
        expected_credits: float,
        lasting: float,
        reply_to_id: int | None = None,
        files_note: str | None = None,
    ) -> PendingRequest:
        """Keep a request until its member answers, or `lasting` seconds pass (asked under the
        rules of `requester.guild_id`, or, where it is None, of the member's personal allowance)."""
        now = self._clock()
        pending = PendingRequest(
            token=new_token(),
            requester=requester,
            request=request,
            reply_to_id=reply_to_id,
            expected_credits=expected_credits,
            created_at=now,
            expires_at=now + lasting,
            files_note=files_note,
        )
        async with self._db.transaction() as conn:
            # Requests nobody answered (the process that would have ended them restarted).
            await conn.execute("DELETE FROM pending_requests WHERE expires_at <= ?", (now,))
            await conn.execute(
                "INSERT INTO pending_requests (token, guild_id, channel_id, user_id, locale,"
                " request, source_messages, reply_to_id, expected_credits, created_at,"
                " expires_at, files_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pending.token,
                    requester.guild_id,
                    requester.channel_id,
                    requester.user_id,
                    requester.locale,
                    request.model_dump_json(),
                    sources_to_json(requester.sources),
                    reply_to_id,
                    expected_credits,
                    now,
                    pending.expires_at,
                    files_note,
                ),
            )
        return pending

    async def get(self, token: str) -> PendingRequest | None:
        """The pending request, answered or not yet; None once it ended."""
        row = await self._db.fetch_one("SELECT * FROM pending_requests WHERE token = ?", (token,))
        return _from_row(row) if row is not None else None

    async def waiting_for(
        self, user_id: int, channel_id: int, request: VideoRequest, sources: tuple[MessageRef, ...]
    ) -> PendingRequest | None:
        """The open question of `user_id`'s in `channel_id` about this very request (the same
        settings, from the same messages' media), if any: asking it again would let both be
        confirmed, two videos paid for one meant."""
        rows = await self._db.fetch_all(
            "SELECT * FROM pending_requests WHERE user_id = ? AND channel_id = ?"
            " AND expires_at > ? ORDER BY created_at",
            (user_id, channel_id, self._clock()),
        )
        for row in rows:
            pending = _from_row(row)
            if pending.request == request and pending.requester.sources == sources:
                return pending
        return None

    async def drop(self, token: str) -> bool:
        """End it without a job (cancelled or expired); False if it had already ended."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM pending_requests WHERE token = ?", (token,))
            return cursor.rowcount == 1

    @staticmethod
    async def consume(conn: Connection, token: str, requester: Requester, now: float) -> float:
        """End it inside the job insert's transaction, giving back the expected credits its
        member agreed to; refuses if it already ended or expired.

        A job refused by a rule rolls this back too: the request stays pending until it expires.
        Only a job under the rules it was asked under ends it (a server's, or the member's own).
        """
        rules: tuple[int, ...] = ()
        where = "guild_id IS NULL"
        if requester.guild_id is not None:
            rules, where = (requester.guild_id,), "guild_id = ?"
        cursor = await conn.execute(
            f"DELETE FROM pending_requests WHERE token = ? AND user_id = ? AND {where}"
            " AND expires_at > ? RETURNING expected_credits",
            (token, requester.user_id, *rules, now),
        )
        row = await cursor.fetchone()
        if row is None:
            raise JobRefused(msg("confirm_gone"))
        return float(row["expected_credits"])
