"""Where each job's news goes when its member asked through an interaction: the private answer,
its token (forgotten once spent or expired) and its reply route, handed over to a DM before the
token stops working."""

from __future__ import annotations

from bot.jobs.models import DM_TARGET, FINAL_VALUES, Job
from bot.jobs.rows import job_from_row
from bot.jobs.sql import UNFINISHED_IN_GUILD, placeholders, update_job
from bot.reach import Route
from bot.storage import Database

# A job whose private status may still be handed over to a DM: answered through the interaction
# or promised by DM, not cancelled, and no delivery begun (its two routes as parameters).
_HANDED_OVER_ONLY_IF = (
    "reply_route IN (?, ?) AND cancelled_at IS NULL"
    " AND delivery_started_at IS NULL AND delivered_at IS NULL"
)


# A job whose result went through the interaction (made private by Discord) while its copy by DM
# is still owed: that copy set its DM target (`RouteDelivery._copy_by_dm`; on the interaction
# route nothing else does). Its route stays the interaction's once the token goes: the private
# post is the result, and a retry finishes only the copy (DMs closed: the post stands).
_COPY_OWED = "reply_route = ? AND delivery_target = ? AND delivered_at IS NULL"


class ReplyRoutes:
    """Writes and reads jobs' interaction answers, tokens and reply routes
    (`bot.interaction_delivery`, and the commands that answer); nothing about a job's claim."""

    def __init__(self, db: Database, *, api_key: str = "") -> None:
        self._db = db
        # Taken out of what older versions saved of APIMart's words (`job_from_row`).
        self._api_key = api_key

    async def set_interaction_message(self, job_id: int, message_id: int) -> None:
        """Remember the member's private answer through the interaction (edited as the status)."""
        await update_job(
            self._db,
            job_id,
            "UPDATE jobs SET interaction_message_id = ? WHERE id = ?",
            (message_id,),
        )

    async def forget_interaction_message(self, job_id: int) -> None:
        """The member's private answer is gone (deleted: Discord answers 404 for it): never
        edited again, by any process."""
        await update_job(
            self._db, job_id, "UPDATE jobs SET interaction_message_id = NULL WHERE id = ?", ()
        )

    async def set_reply_route(self, job_id: int, route: Route) -> None:
        """Send the job's news another way (its token kept, for the private status)."""
        await update_job(
            self._db, job_id, "UPDATE jobs SET reply_route = ? WHERE id = ?", (route.value,)
        )

    async def mark_private(self, job_id: int) -> None:
        """Discord makes the job's answers through the interaction private (the server blocks
        external apps): noted, for its status's last line and any retry of its delivery."""
        await update_job(self._db, job_id, "UPDATE jobs SET reply_ephemeral = 1 WHERE id = ?", ())

    async def forget_interaction(self, job_id: int, *, route: Route | None = None) -> None:
        """Drop the interaction's token (delivered, or expired); `route`: where news goes now
        (not for a job whose private post went and whose copy by DM is owed: see `_COPY_OWED`)."""
        if route is None:
            sql = "UPDATE jobs SET interaction_token = NULL WHERE id = ?"
            params: tuple[object, ...] = ()
        else:
            sql = (
                "UPDATE jobs SET interaction_token = NULL,"
                f" reply_route = CASE WHEN {_COPY_OWED} THEN reply_route ELSE ? END WHERE id = ?"
            )
            params = (Route.INTERACTION.value, DM_TARGET, route.value)
        await update_job(self._db, job_id, sql, params)

    async def forget_expired_interactions(self, now: float) -> int:
        """Drop the interaction tokens past their life (`now`); how many. A delivered job's
        went with its result; a cancelled job's, whose result is never posted, goes here. A
        result still to go through one goes by DM instead: a token dropped with the route left
        as it was would read as "already posted through it" (a duplicate DM, should that post
        have gone after all, is better than a paid video posted nowhere)."""
        rows = await self._db.write(
            "UPDATE jobs SET interaction_token = NULL, reply_route = CASE"
            f" WHEN {_COPY_OWED} THEN reply_route"
            " WHEN reply_route = ? AND delivered_at IS NULL THEN ? ELSE reply_route END"
            " WHERE interaction_token IS NOT NULL AND interaction_expires_at <= ? RETURNING id",
            (Route.INTERACTION.value, DM_TARGET, Route.INTERACTION.value, Route.DM.value, now),
        )
        return len(rows)

    async def tokens_running_out(
        self, before: float, *, after: tuple[float, int], limit: int
    ) -> list[Job]:
        """Jobs still under way whose member hears through an interaction token that stops
        working before `before`, and no delivery has begun: their private status's last edits
        are due (a token dropped is not listed). The first `limit` by the token's end, then
        id, past `after` (the last one's end and id), read through the index of live tokens."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE interaction_token IS NOT NULL"
            " AND interaction_expires_at <= ? AND (interaction_expires_at, id) > (?, ?)"
            f" AND {UNFINISHED_IN_GUILD} AND {_HANDED_OVER_ONLY_IF}"
            " ORDER BY interaction_expires_at, id LIMIT ?",
            (before, *after, Route.INTERACTION.value, Route.DM.value, limit),
        )
        return [job_from_row(row, api_key=self._api_key) for row in rows]

    async def private_statuses_owed(self, usable_after: float, *, limit: int) -> list[Job]:
        """Jobs told (delivered, or cancelled and ended) whose interaction token is still kept
        and works past `usable_after`: their private status's last edit failed and is still
        owed (a told job's token goes with that edit; a cancelled one still under way keeps
        it for its progress edits). Up to `limit`, read through the index of live tokens."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE interaction_token IS NOT NULL"
            " AND interaction_expires_at > ? AND reply_route IN (?, ?)"
            " AND delivered_at IS NOT NULL"
            f" AND (cancelled_at IS NULL OR state IN ({placeholders(FINAL_VALUES)}))"
            " ORDER BY interaction_expires_at, id LIMIT ?",
            (usable_after, Route.INTERACTION.value, Route.DM.value, *FINAL_VALUES, limit),
        )
        return [job_from_row(row, api_key=self._api_key) for row in rows]

    async def take_hand_over(self, job_id: int) -> Job | None:
        """Send the job's result by DM from now on, marked handed over, if it is still under way
        and no delivery has begun; the job as it is then, or None. One statement: a result
        that started through the interaction meanwhile (another process, a moment ago) is never
        turned into a DM. Written before the private status's last edit (the note): a progress
        edit another process lands after it finds the mark when it looks again, and puts the
        note back. The token is kept until the note is made (`forget_interaction`), so a
        process killed in between leaves it to the next one's round (taken again, then)."""
        rows = await self._db.write(
            "UPDATE jobs SET reply_route = ?, reply_handed_over = 1"
            " WHERE id = ? AND interaction_token IS NOT NULL"
            f" AND {UNFINISHED_IN_GUILD} AND {_HANDED_OVER_ONLY_IF} RETURNING *",
            (Route.DM.value, job_id, Route.INTERACTION.value, Route.DM.value),
        )
        return job_from_row(rows[0], api_key=self._api_key) if rows else None
