"""News for jobs asked where the bot is no member: through the interaction, else by DM.

A user install lets a member use /video in group DMs and in servers that never added the bot;
there the bot's own token cannot post. Such a job's `Reply` (decided when it was recorded,
`bot.reach`) says how its news goes back:

- `interaction`: the member's private answer (the interaction's original response) is edited
  as the status, and the result is one follow-up, uploaded when it fits the interaction's
  upload limit. That is two of the five follow-ups Discord allows a user install. Where
  Discord makes that result private (the server blocks external apps), it is cleared once
  the member's app reloads: a copy goes by DM too.
- `dm`: the render would outlive the token (15 minutes), so the result goes by DM; a member
  whose DMs are closed finds it in `/videos history`.

The token is checked against its expiry (with a safety margin) before every call: an expired
token is never used, since Discord counts every refused call toward an IP ban. It is forgotten
once the job is delivered, its hand-over to a DM said, or the token expired. It never
appears in a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import io
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import IO, Any, Protocol, cast

import aiohttp
import discord

from bot.delivery import Delivery, as_told, delivered
from bot.delivery_status import posting_timer
from bot.discord_refusals import closed_to_the_bot
from bot.engine.pool import settle_cancelled
from bot.i18n import msg
from bot.jobs.models import DM_TARGET, INTERACTION_TARGET, Job, JobState
from bot.jobs.poller import DeliveryOutcome, DeliveryResult
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.service import HOLD_DISCORD
from bot.jobs.store import JobStore
from bot.jobs.typical import UsualWait, usual_wait_for
from bot.reach import (
    HAND_OVER_BEFORE,
    TOKEN_SAFETY_MARGIN,
    Reply,
    Route,
    last_call,
    queued_message,
)
from bot.result_layout import made_from_spoiler, video_description
from bot.result_text import (
    VIDEO_FILENAME,
    LinkReason,
    link_expired,
    mentions_only,
    plain_embed,
    result_content,
    result_message,
    shows_video,
)
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit

log = logging.getLogger(__name__)

# Progress edits of one job's private status: one every this many seconds at most.
STATUS_EDIT_INTERVAL = 10.0
# Discord: the token is no longer valid (50027), or the follow-up cap is reached (40094).
_TOKEN_REFUSED = 401
# Discord: too many requests (its rate limit, or Cloudflare's); passes.
_TOO_MANY = 429
_FOLLOWUPS_SPENT = 40094
# Discord: the upload is over the limit (40005).
_PAYLOAD_TOO_LARGE = 413
# Discord refused the message itself (a layout it does not accept).
_BAD_REQUEST = 400


# Jobs read at once by the sweep's hand-over.
_SWEPT_AT_ONCE = 50
# How many deleted private answers a process remembers (a job's progress comes from the
# poller's own copy of it, which still names the answer; the database no longer does).
_GONE_REMEMBERED = 10_000


def _passing(error: discord.HTTPException) -> bool:
    """Whether Discord failed the call for a while (a 5xx discord.py gave up retrying, a 429),
    rather than refusing it: the token may still be good."""
    return error.status >= 500 or error.status == _TOO_MANY


def _token_end(job: Job) -> float:
    """When the job's interaction token stops working (every job the sweep lists has one)."""
    reply = job.requester.reply
    return reply.expires_at if reply is not None and reply.expires_at is not None else math.inf


def _told_and_ended(job: Job) -> bool:
    """A cancelled job nothing more will happen to, its member told: once its private status
    says so, its token has nothing left to carry (as `ReplyRoutes.private_statuses_owed` reads)."""
    return job.cancelled and job.state.is_final and job.delivered_at is not None


def _privately(job: Job) -> Job:
    """`job` as Discord answers it: every answer through its interaction private."""
    reply = job.requester.reply
    if reply is None or reply.ephemeral:
        return job
    requester = dataclasses.replace(job.requester, reply=dataclasses.replace(reply, ephemeral=True))
    return dataclasses.replace(job, requester=requester)


def _with_token(job: Job, reply: Reply) -> Job:
    """`job` as stored, with the token of `reply` in hand (forgotten in the database once its
    last edit was made, or kept there: the same token)."""
    kept = job.requester.reply
    if kept is None:
        return job
    kept = dataclasses.replace(kept, token=reply.token, expires_at=reply.expires_at)
    return dataclasses.replace(job, requester=dataclasses.replace(job.requester, reply=kept))


class MaybePosted(aiohttp.ClientError):
    """Discord answered a follow-up with a 5xx: its edge or its API may have failed after the
    message was made, so the follow-up may be there (as after a reset connection)."""


class _SentOnce:
    """The bot's session as a result follow-up sees it: a 5xx is raised, not answered. discord.py
    sends a webhook's message again after a 5xx, and a follow-up carries no nonce for Discord to
    answer a repeat with the first: a video Discord made before failing would show twice."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    @contextlib.asynccontextmanager
    async def request(
        self, method: str, url: str, **kwargs: Any
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        async with self._session.request(method, url, **kwargs) as response:
            if response.status >= 500:
                raise MaybePosted(f"HTTP {response.status}")
            yield response


class _Refused(enum.Enum):
    """Why the interaction could not take a result."""

    TOKEN = "token"  # expired, or refused: never call through it again
    # The channel refuses it for good (deleted, shut to the member, its thread locked): never
    # called again either, and the DM says why the video came there.
    CHANNEL = "channel"
    # Discord's follow-up cap: the member's private answer can still be edited.
    FOLLOWUPS = "followups"


class StatusText(Protocol):
    """The job's status text (`StatusMessages.render`), given the usual render time."""

    async def __call__(self, job: Job, *, typical: UsualWait | None = None) -> str: ...


class RouteDelivery:
    """Status edits and results for jobs whose news goes through the interaction or by DM."""

    def __init__(
        self,
        client: discord.Client,
        store: JobStore,
        routes: ReplyRoutes,
        *,
        status_text: StatusText,
        clock: Callable[[], float] = time.time,
        edit_interval: float = STATUS_EDIT_INTERVAL,
        hand_over_before: float = HAND_OVER_BEFORE,
    ) -> None:
        self._client = client
        self._hand_over_before = hand_over_before
        self._store = store
        self._routes = routes
        self._status_text = status_text
        self._clock = clock
        self._edit_interval = edit_interval
        self._last_edit: dict[int, float] = {}
        self._edits: dict[int, asyncio.Task[None]] = {}
        self._wanted: dict[int, Job] = {}
        # Jobs whose private answer was deleted (Discord answered an edit 404), oldest first.
        self._gone: OrderedDict[int, None] = OrderedDict()

    # ------------------------------------------------------------------ the status

    async def progress(self, job: Job) -> None:
        """The engine's progress listener: edit the private status in the background."""
        reply = job.requester.reply
        if reply is None or reply.route is Route.CHANNEL or reply.token is None:
            return
        self._wanted[job.id] = job
        if job.id not in self._edits:
            self._edits[job.id] = asyncio.create_task(
                self._edit_latest(job.id), name=f"route-status-{job.id}"
            )

    @property
    def hand_over_before(self) -> float:
        """The interaction's last stretch, in seconds before its usable end: a job still under
        way then is handed over to DM."""
        return self._hand_over_before

    async def close(self, grace: float) -> None:
        """Let the status edits in flight finish for up to `grace` seconds, then drop them."""
        edits = list(self._edits.values())
        if edits:
            await asyncio.wait(edits, timeout=grace)
        for edit in edits:
            edit.cancel()
        # Bounded: an edit cut off while reading a silent database does not unwind either.
        await settle_cancelled(edits, "Private status edits")
        self._edits.clear()
        self._wanted.clear()

    async def _edit_latest(self, job_id: int) -> None:
        try:
            while job_id in self._wanted:
                job = self._wanted.pop(job_id)
                now = self._clock()
                reply = job.requester.reply
                if reply is not None and reply.token is not None and not reply.usable(now):
                    await self._token_expired(job, reply)
                    self._last_edit.pop(job_id, None)
                    continue
                # In the token's last stretch, a status still showing progress would show it
                # for good: its last edit says the video comes by DM (promised there from the
                # start, or handed over now).
                if (
                    reply is not None
                    and reply.route in (Route.INTERACTION, Route.DM)
                    and last_call(reply, now, self._hand_over_before)
                ):
                    try:
                        await self._hand_over_to_dm(job, reply)
                    except Exception:
                        log.exception("Job %d: the hand-over to a DM failed", job_id)
                    self._last_edit.pop(job_id, None)
                    continue
                last = self._last_edit.get(job_id)
                if last is not None and now - last < self._edit_interval:
                    continue
                try:
                    await self._edit_status(job, final=False)
                except Exception:
                    log.exception("Job %d: private status edit failed unexpectedly", job_id)
        finally:
            self._edits.pop(job_id, None)

    async def hand_over_running_out(self) -> int:
        """The status sweep's share of the hand-over: jobs in their token's last stretch that
        no status check reached (APIMart not answering, a job waiting for its turn) get their
        last edit all the same, made as any status edit here (one at a time per job, in the
        background); how many were found."""
        before = self._clock() + TOKEN_SAFETY_MARGIN + self._hand_over_before
        found = 0
        after = (0.0, 0)
        while True:
            jobs = await self._routes.tokens_running_out(before, after=after, limit=_SWEPT_AT_ONCE)
            for job in jobs:
                await self.progress(job)
            found += len(jobs)
            if len(jobs) < _SWEPT_AT_ONCE:
                return found
            after = (_token_end(jobs[-1]), jobs[-1].id)

    async def _hand_over_to_dm(self, job: Job, reply: Reply) -> None:
        """The render outlasts what the interaction can answer: its status says so while it
        still can (else it stays at "rendering" for good), and the video will go by DM (as it
        was to already, for a job promised by DM from the start)."""
        # Marked handed over before the note is made (see `_put_right_if_ended`); the token is
        # kept until then, so a process killed in between leaves the note to the next one.
        current = await self._routes.take_hand_over(job.id)
        if current is None:
            return  # ended meanwhile: its result (or notice) is on its way through the route
        if not await self._say_it_goes_by_dm(current, reply):
            return  # Discord failed it for a while: the minute's round tries again
        await self._routes.forget_interaction(job.id)
        log.info("Job %d: its interaction is ending; the result will go by DM", job.id)
        # Its video may have gone by DM meanwhile (another process, the token then still
        # kept), its last edit landing before this note: that last edit is made again.
        stored = await self._store.get(job.id)
        if stored is not None and stored.last_status_due:
            await self._edit_status(_with_token(stored, reply), final=True)

    async def _say_it_goes_by_dm(self, job: Job, reply: Reply) -> bool:
        """The private status's last edit before a hand-over: the video will come by DM. False
        when Discord failed it for a while (a 5xx, a 429, a dropped connection): worth trying
        again while the token lasts."""
        message_id = self._status_message(job)
        if message_id is None or not reply.usable(self._clock()):
            return True
        note = msg("status_by_dm_after_all", job_id=job.id).render(job.requester.locale)
        try:
            await self._webhook(reply).edit_message(
                message_id, content=note, allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as error:
            log.info("Job %d: could not say the video goes by DM (%s)", job.id, error.status)
            return not _passing(error)  # a refusal is never tried again
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.info("Job %d: could not say the video goes by DM (%r)", job.id, error)
            return False
        return True

    async def _token_expired(self, job: Job, reply: Reply) -> None:
        """The token is (nearly) spent: forget it; a result meant for the interaction goes by DM."""
        await self._routes.forget_interaction(job.id, route=self._route_without_token(reply))
        log.info("Job %d: its interaction expired; the result will go by DM", job.id)

    @staticmethod
    def _route_without_token(reply: Reply) -> Route | None:
        """Where a result meant for the interaction goes once its token is gone (None: as it
        went)."""
        return Route.DM if reply.route is Route.INTERACTION else None

    def _status_message(self, job: Job) -> int | None:
        reply = job.requester.reply
        if reply is None or reply.route is Route.CHANNEL or job.id in self._gone:
            return None
        return job.interaction_message_id

    async def _edit_status(self, job: Job, *, final: bool) -> bool:
        """Edit the member's private answer to the job's status, while the token lives; False
        when Discord failed it for a while (a 5xx discord.py gave up on, a 429, a dropped
        connection), so that it may be tried again while the token lasts."""
        message_id = self._status_message(job)
        reply = job.requester.reply
        if message_id is None or reply is None or not reply.usable(self._clock()):
            return True
        # The first line keeps saying what the first answer said (the same measured wait);
        # read once for both lines.
        typical = await usual_wait_for(self._store, job.request)
        status = await self._status_text(job, typical=typical)
        # Still waiting to be sent (held back by a busy service): said as the first answer did.
        waiting = job.state in (JobState.RECORDED, JobState.SUBMITTING)
        silent = job.error_key == HOLD_DISCORD
        where = queued_message(
            reply, job.id, waiting=waiting, discord_silent=silent, typical=typical.words()
        ).render(job.requester.locale)
        # Once it ended, "queued, I'll post it here" is history: the last line says it all
        # (also while its video or reason is still on its way).
        ended = final or job.state.is_final
        content = fit(status if ended else f"{where}\n{status}", MESSAGE_CONTENT)
        try:
            await self._webhook(reply).edit_message(
                message_id, content=content, allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as error:
            if _passing(error):
                log.info("Job %d: private status edit failed (%s)", job.id, error.status)
                if not final:
                    # A 5xx may come after Discord made it: looked after as one made.
                    await self._put_right_if_ended(job, reply)
                return False
            # Never retried: a refused edit through a webhook counts toward an IP ban.
            log.info("Job %d: private status can no longer be edited (%s)", job.id, error.status)
            if isinstance(error, discord.NotFound):
                # Deleted (by a moderator, or the member): every later edit (progress, the
                # hand-over's note, the last one) would be refused the same way.
                self._gone[job.id] = None
                if len(self._gone) > _GONE_REMEMBERED:
                    self._gone.popitem(last=False)
                await self._routes.forget_interaction_message(job.id)
            if error.status == _TOKEN_REFUSED:
                # Before the result (a progress edit), it cannot go through the token either.
                before_result = not final and job.delivered_at is None
                await self._routes.forget_interaction(
                    job.id, route=self._route_without_token(reply) if before_result else None
                )
            return True
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.info("Job %d: private status edit failed (%r)", job.id, error)
            if not final:
                # Its answer may have been lost after Discord made it: looked after as one made.
                await self._put_right_if_ended(job, reply)
            return False
        self._last_edit.pop(job.id, None)
        if not final:
            self._edited(job.id, self._clock())
            await self._put_right_if_ended(job, reply)
        return True

    async def _put_right_if_ended(self, job: Job, reply: Reply) -> None:
        """Another process (or a cancel) may have ended the job and made the private status's
        last edit while this progress edit waited (a 429 discord.py waited out, a slow
        connection): the older status must not stand beside the posted video, nor over the
        note that it goes by DM. (One process's calls through an interaction go one at a time;
        another's do not wait for them.)

        Race-free because each last edit is made only after what this look reads is written
        down (the delivery, the cancel, the token taken by the hand-over): an edit of ours that
        landed after that last edit got its answer after it was sent, so this look, made after
        that answer, sees it. (Discord has no conditional edit: a look before the edit could
        not tell what lands while it waits out a 429.)"""
        stored = await self._store.get(job.id)
        if stored is None:
            return
        kept = stored.requester.reply
        if kept is None or kept.route is Route.CHANNEL:
            return
        if not stored.last_status_due:
            handed_over = kept.handed_over or (kept.route is Route.DM and kept.token is None)
            if handed_over and stored.delivered_at is None:
                # Handed over (or the token spent) meanwhile: the video comes by DM.
                log.info("Job %d: handed over to a DM meanwhile; the note is made again", job.id)
                await self._say_it_goes_by_dm(stored, reply)
            return
        if kept.token is None:
            # Forgotten once that last edit was made: this edit's token still reaches it.
            stored = _with_token(stored, reply)
        log.info("Job %d: its private status ended meanwhile; its last edit is made again", job.id)
        await self._edit_status(stored, final=True)

    def _edited(self, job_id: int, now: float) -> None:
        """Remember when `job_id` was edited, for `edit_interval` seconds: entries of jobs whose
        end another process (or a cancel) told go with the next edit past that, least recent
        first, so the table holds only the last interval's edits."""
        self._last_edit[job_id] = now
        while self._last_edit:
            oldest, at = next(iter(self._last_edit.items()))
            if now - at < self._edit_interval:
                return
            del self._last_edit[oldest]

    def tracked(self) -> int:
        """How many jobs this process keeps anything about."""
        return len(self._last_edit.keys() | self._wanted.keys() | self._edits.keys())

    def _webhook(self, reply: Reply) -> discord.Webhook:
        """The interaction's webhook (the application's id and the interaction's token)."""
        assert reply.token is not None
        data: Any = {"id": self._client.application_id, "type": 3, "token": reply.token}
        return discord.Webhook.from_state(data=data, state=self._client._connection)

    def _result_webhook(self, reply: Reply) -> discord.Webhook:
        """The interaction's webhook for the result's follow-up, which is never sent twice: a
        5xx raises `MaybePosted` (a retry puts the link into the private answer instead)."""
        webhook = self._webhook(reply)
        webhook.session = cast(aiohttp.ClientSession, _SentOnce(webhook.session))
        return webhook

    # ------------------------------------------------------------------ the result

    async def deliver(self, job: Job, delivery: Delivery) -> DeliveryResult | None:
        """Deliver `job` its own way; None when it goes to its channel like any other."""
        reply = job.requester.reply
        if reply is None or reply.route is Route.CHANNEL:
            return None
        saying = self._say_posting_if_slow(job, reply)
        try:
            return await self._deliver(job, reply, delivery)
        finally:
            if saying is not None:
                saying.cancel()

    def _say_posting_if_slow(self, job: Job, reply: Reply) -> asyncio.Task[None] | None:
        """As in a channel (`Delivery`): a fetch and upload still going after
        `POSTING_SAID_AFTER` has the private status say the video is being posted, not the
        last progress reading. Made as any progress edit here (never cut off by the post's
        end: its last edit follows, and puts right one that lands after it); not in the
        token's last stretch, whose edit says the video comes by DM (not so while it is
        posted here)."""
        if reply.token is None:
            return None

        async def say_posting() -> None:
            now = self._clock()
            if reply.usable(now) and not last_call(reply, now, self._hand_over_before):
                # A new state: shown at once, as in a channel, not dropped for its interval.
                self._last_edit.pop(job.id, None)
                await self.progress(job)

        return posting_timer(job, self._clock(), say_posting, name=f"route-posting-{job.id}")

    async def _deliver(self, job: Job, reply: Reply, delivery: Delivery) -> DeliveryResult:
        refused = _Refused.TOKEN
        if reply.route is Route.INTERACTION:
            if job.delivery_target == DM_TARGET:
                # Posted privately through the interaction, its copy by DM begun (only that
                # sets a DM target on this route): the copy is finished, nothing posted again.
                return await self._copy_by_dm(job, reply, delivery, None)
            if reply.token is None and job.delivery_target == INTERACTION_TARGET:
                # The token is dropped only once a result went through it: never post twice.
                log.info("Job %d was already posted through its interaction", job.id)
                return DeliveryResult(DeliveryOutcome.DELIVERED, job.interaction_message_id)
            if reply.usable(self._clock()):
                posted = await self._through_interaction(job, reply, delivery)
                if isinstance(posted, DeliveryResult):
                    return posted
                refused = posted
        # The token is spent (or will be before the render is posted): by DM, else history.
        self._last_edit.pop(job.id, None)
        # Promised by DM from the start (its token was never refused: the result came early),
        # or only the follow-ups ran out: the private answer, still editable, is to say where
        # the video went instead of promising it "right here". Its token is kept for that edit
        # until the DM went (one tried again later must still end it), then forgotten (or by
        # the sweep, once expired).
        private_answer_to_end = reply.route is Route.DM or refused is _Refused.FOLLOWUPS
        if private_answer_to_end:
            await self._routes.set_reply_route(job.id, Route.DM)
        else:
            await self._routes.forget_interaction(job.id, route=Route.DM)
        result = await delivery.by_dm(job, channel_failed=refused is _Refused.CHANNEL)
        if result.outcome is DeliveryOutcome.UNREACHABLE:
            log.info("Job %d: the member's DMs are closed; the result stays in history", job.id)
        if result.outcome is not DeliveryOutcome.RETRY and private_answer_to_end:
            return self._ending_private_answer(job, result, DM_TARGET)
        return result

    async def show_final(self, job: Job, *, forget_token: bool = False) -> None:
        """End the private status: of a job that ended without a result to post (cancelled
        by its member; the token is kept for anything still to tell while its render goes
        on), or, `forget_token`, once the result went. A failure here must not make a delivery
        look failed (a retry would show the result again): an edit Discord failed for a while
        keeps the token, and a later round (`end_private_statuses_owed`) makes it while the
        token lasts; so for a cancelled job that ended and was told."""
        forget_token = forget_token or _told_and_ended(job)
        try:
            shown = await self._edit_status(job, final=True)
            if forget_token and shown:
                await self._routes.forget_interaction(job.id)
            elif forget_token:
                log.info("Job %d: its private status is ended later, while its token lasts", job.id)
        except Exception:
            log.warning("Job %d: could not end its private status", job.id, exc_info=True)

    async def end_private_statuses_owed(self) -> int:
        """Private statuses whose last edit, after their result (or notice) went, Discord
        failed for a while: made again while their token lasts (the token is kept until then,
        and the sweep drops it once it expired); how many were tried. Only the status is edited:
        the result went, and is never posted again."""
        usable_after = self._clock() + TOKEN_SAFETY_MARGIN
        jobs = await self._routes.private_statuses_owed(usable_after, limit=_SWEPT_AT_ONCE)
        for job in jobs:
            await self.show_final(job, forget_token=True)
        return len(jobs)

    async def each_round(self) -> int:
        """The status sweep's minute round: hand-overs in the token's last stretch, and last
        edits still owed; how many jobs it found."""
        return await self.hand_over_running_out() + await self.end_private_statuses_owed()

    def _ending_private_answer(
        self, job: Job, result: DeliveryResult, target: str
    ) -> DeliveryResult:
        """`result`, carrying the private status's last edit (the token forgotten after it),
        which the poller makes once the delivery is written down (see `last_status`)."""
        told = as_told(job, result, target, now=self._clock())

        async def last_status() -> None:
            await self.show_final(told, forget_token=True)

        return dataclasses.replace(result, last_status=last_status)

    async def _through_interaction(
        self, job: Job, reply: Reply, delivery: Delivery
    ) -> DeliveryResult | _Refused:
        """Post the result as one follow-up; why not, when the interaction cannot take it."""
        now = self._clock()
        if job.delivery_target == INTERACTION_TARGET:
            # An earlier attempt may have posted before it was cut short; a follow-up cannot
            # be looked up, so the result goes into the private answer, which is safe to redo.
            return await self._into_private_answer(job, reply)
        video: IO[bytes] | None = None
        unreachable = False
        if shows_video(job) and not link_expired(job, now):
            limit = reply.upload_limit or discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
            video, unreachable = await delivery.fetch_video(job, limit)
        try:
            # The download may have taken a while: look at the clock again before calling.
            if not reply.usable(self._clock()):
                return _Refused.TOKEN
            if await self._store.begin_delivery(job, now=now, target=INTERACTION_TARGET) is None:
                log.warning("Job %d: delivery claim was lost; not posting", job.id)
                return DeliveryResult(DeliveryOutcome.RETRY)
            message = await self._post(
                job, reply, video, unreachable, now=now, cdn_origins=delivery.cdn_origins
            )
        except discord.HTTPException as error:
            if error.code == _FOLLOWUPS_SPENT:
                log.warning("Job %d: the interaction's follow-ups are spent", job.id)
                return _Refused.FOLLOWUPS
            if error.status == _TOKEN_REFUSED:
                log.warning("Job %d: the interaction refused the result (%s)", job.id, error.code)
                return _Refused.TOKEN
            if closed_to_the_bot(error):
                # Gone or shut for good: every retry until the token ran out would be refused
                # the same way (each refusal counting toward a ban), the member kept waiting.
                log.warning("Job %d: the channel refused the result (%s)", job.id, error)
                return _Refused.CHANNEL
            log.warning("Job %d: posting through the interaction failed (%s)", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Job %d: posting through the interaction failed (%s)", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)
        finally:
            if video is not None:
                video.close()
        result = delivered(job, message, started_at=now)
        if message.flags.ephemeral and shows_video(job) and not link_expired(job, now):
            return await self._copy_by_dm(job, reply, delivery, result)
        return self._ending_private_answer(job, result, INTERACTION_TARGET)

    async def _copy_by_dm(
        self, job: Job, reply: Reply, delivery: Delivery, posted: DeliveryResult | None
    ) -> DeliveryResult:
        """Discord showed the video only to the member (the server blocks external apps), and
        such a message is gone once their app reloads, or after a while: the result the DM
        route sends goes to their DMs too, once. The attempt is written down before the DM
        (its time and target), so a retry after a crash looks for that copy in the DM (its
        marker; its nonce within minutes) instead of sending another. `posted`: the private
        post, the result kept when the member's DMs are closed (None: an earlier attempt
        made it). The result to write down, carrying the private status's last edit."""
        if not reply.ephemeral:
            log.info("Job %d: Discord made the result private (external apps blocked)", job.id)
            await self._routes.mark_private(job.id)
        private = _privately(job)
        # Written down once the private post went: a retry then finishes this copy (`deliver`).
        begun = job.delivery_target == DM_TARGET or await self._store.begin_delivery(
            job, now=self._clock(), target=DM_TARGET
        )
        if not begun:
            log.warning("Job %d: delivery claim was lost; no copy by DM", job.id)
            return DeliveryResult(DeliveryOutcome.RETRY)
        copy = await delivery.by_dm(private)
        if copy.outcome is DeliveryOutcome.RETRY:
            return copy  # the private post went; a retry finishes the copy
        if copy.outcome is DeliveryOutcome.DELIVERED:
            log.info("Job %d: a copy of the private result went by DM", job.id)
            return self._ending_private_answer(private, copy, DM_TARGET)
        log.info("Job %d: DMs closed; the private result stays, and history has it", job.id)
        # The post through the interaction is the result after all.
        started = posted.started_at if posted is not None else None
        at = started if started is not None else self._clock()
        if await self._store.begin_delivery(job, now=at, target=INTERACTION_TARGET) is None:
            return DeliveryResult(DeliveryOutcome.RETRY)
        if posted is None:
            # Its id was not kept by the attempt that posted it.
            posted = DeliveryResult(DeliveryOutcome.DELIVERED, job.interaction_message_id)
        return self._ending_private_answer(private, posted, INTERACTION_TARGET)

    async def _into_private_answer(self, job: Job, reply: Reply) -> DeliveryResult | _Refused:
        message_id = job.interaction_message_id
        if message_id is None or not reply.usable(self._clock()):
            return _Refused.TOKEN
        now = self._clock()
        content = result_content(job, now=now, attached=False, link_reason=LinkReason.UNPOSTED)
        try:
            await self._webhook(reply).edit_message(
                message_id,
                content=content,
                embed=plain_embed(job, now=now),
                allowed_mentions=mentions_only(job.requester.user_id),
            )
        except discord.HTTPException as error:
            if _passing(error):
                # Discord failing a while, not refusing the token: tried again while it lives
                # (the private answer, still editable, would otherwise stay "posting the video").
                log.warning(
                    "Job %d: could not edit the private answer (%s); will retry",
                    job.id,
                    error.status,
                )
                return DeliveryResult(DeliveryOutcome.RETRY)
            log.warning("Job %d: could not edit the private answer (%s)", job.id, error.status)
            return _Refused.TOKEN
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("Job %d: could not edit the private answer (%r); will retry", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)
        await self._routes.forget_interaction(job.id)
        # Its text carries APIMart's link (an edit cannot add a file).
        return DeliveryResult(
            DeliveryOutcome.DELIVERED, message_id, linked=job.state is JobState.COMPLETED
        )

    async def _post(
        self,
        job: Job,
        reply: Reply,
        video: IO[bytes] | None,
        unreachable: bool,
        *,
        now: float,
        cdn_origins: frozenset[str],
    ) -> discord.WebhookMessage:
        """The result as a follow-up, laid out as in a channel (no buttons: they act in a server
        that has the bot); its link instead when Discord refuses the upload, and the plainest
        result when it refuses the layout. `now`: when the attempt began (whether the link had
        expired was judged then, as its status judges it)."""
        webhook = self._result_webhook(reply)
        mentions = mentions_only(job.requester.user_id)
        try:
            if video is not None:
                file = discord.File(cast(io.BufferedIOBase, video), filename=VIDEO_FILENAME)
                try:
                    return await webhook.send(
                        view=result_message(job, now=now, attached=True, cdn_origins=cdn_origins),
                        file=file,
                        allowed_mentions=mentions,
                        ephemeral=reply.ephemeral,
                        wait=True,
                    )
                except discord.HTTPException as error:
                    if error.status != _PAYLOAD_TOO_LARGE:
                        raise
                    log.info("Job %d: upload refused as too large; posting the link", job.id)
            return await webhook.send(
                view=result_message(
                    job,
                    now=now,
                    attached=False,
                    unreachable=unreachable,
                    cdn_origins=cdn_origins,
                ),
                allowed_mentions=mentions,
                ephemeral=reply.ephemeral,
                wait=True,
            )
        except discord.HTTPException as error:
            # The follow-up cap, a closed thread: 400s too, which a plain post would meet again.
            if (
                error.status != _BAD_REQUEST
                or error.code == _FOLLOWUPS_SPENT
                or closed_to_the_bot(error)
            ):
                raise
            log.error(
                "Job %d: Discord refused the result layout (%s); posting it plain", job.id, error
            )
        link_reason = LinkReason.TOO_LARGE
        if video is not None:
            # The video was fetched and fits ("too large" would be untrue): the plain result
            # carries it, as in a channel; refused again, its link.
            video.seek(0)  # the refused post read it through
            file = discord.File(
                cast(io.BufferedIOBase, video),
                filename=VIDEO_FILENAME,
                spoiler=made_from_spoiler(job),
                description=video_description(job),
            )
            try:
                return await self._post_plain(job, reply, file, unreachable, now=now)
            except discord.HTTPException as error:
                refused_as_such = error.status in (_BAD_REQUEST, _PAYLOAD_TOO_LARGE)
                if (
                    not refused_as_such
                    or error.code == _FOLLOWUPS_SPENT
                    or closed_to_the_bot(error)
                ):
                    raise
                log.error("Job %d: Discord refused the plain upload too (%s)", job.id, error)
                if error.status == _BAD_REQUEST:
                    # It fits: not "too large to upload here".
                    link_reason = LinkReason.NOT_ATTACHED
        return await self._post_plain(
            job, reply, None, unreachable, now=now, link_reason=link_reason
        )

    async def _post_plain(
        self,
        job: Job,
        reply: Reply,
        file: discord.File | None,
        unreachable: bool,
        *,
        now: float,
        link_reason: LinkReason = LinkReason.TOO_LARGE,
    ) -> discord.WebhookMessage:
        """The plainest result (text and a bare card), with `file` if given."""
        content = result_content(
            job,
            now=now,
            attached=file is not None,
            unreachable=unreachable,
            link_reason=link_reason,
        )
        return await self._result_webhook(reply).send(
            content,
            embed=plain_embed(job, now=now),
            files=[file] if file is not None else [],
            allowed_mentions=mentions_only(job.requester.user_id),
            ephemeral=reply.ephemeral,
            wait=True,
        )
