"""What a job is: its parameters, its states and the media a member attached."""

from __future__ import annotations

import enum
import mimetypes
from dataclasses import dataclass

from bot.apimart.models import VideoRequest
from bot.i18n import Message, msg
from bot.jobs.eta import Reading
from bot.reach import Reply

# A job's `delivery_target` once its posted result was deleted.
DELETED_RESULT = "deleted"
# Where a result was posted: the member's channel, or their DMs when the channel refused it,
# or a follow-up to their command where the bot cannot post (`bot.interaction_delivery`).
CHANNEL_TARGET = "channel"
DM_TARGET = "dm"
INTERACTION_TARGET = "interaction"


class JobState(enum.StrEnum):
    """Where a job is in its life. Delivery is tracked separately (`delivered_at`)."""

    RECORDED = "recorded"  # saved, not yet sent to the API
    SUBMITTING = "submitting"  # being sent; a crash here leaves the outcome unknown
    QUEUED = "queued"  # the API accepted it and gave a task id
    PROCESSING = "processing"  # the API is rendering it
    COMPLETED = "completed"  # a video is ready
    FAILED = "failed"  # the API tried and failed
    CANCELLED = "cancelled"  # cancelled before it was sent, or by the API
    TIMED_OUT = "timed_out"  # never finished within the configured limit
    REJECTED = "rejected"  # the API refused the submit
    SUBMIT_UNKNOWN = "submit_unknown"  # the submit's answer was lost

    @property
    def is_active(self) -> bool:
        """Whether the API is (as far as we know) still working on it."""
        return self in ACTIVE_STATES

    @property
    def is_final(self) -> bool:
        """Whether nothing more will happen to it except delivery."""
        return self in FINAL_STATES


ACTIVE_STATES = frozenset({JobState.QUEUED, JobState.PROCESSING})
# Status checks failed in a row after which a render's status stops showing its time left.
NO_NEWS_AFTER = 2
FINAL_STATES = frozenset(
    {
        JobState.COMPLETED,
        JobState.FAILED,
        JobState.CANCELLED,
        JobState.TIMED_OUT,
        JobState.REJECTED,
        JobState.SUBMIT_UNKNOWN,
    }
)
# The final states' values as SQL lists them, sorted: a set's order changes with each
# process's hash seed, and the SQL text should not.
FINAL_VALUES = tuple(sorted(state.value for state in FINAL_STATES))

# A job counts against its member's allowance unless APIMart made nothing of it: it never
# reached APIMart (refused, busy until given up, cancelled before it was sent) or APIMart
# reports it failed or cancelled (billed 0). Everything else counts, since APIMart was asked:
# a render cancelled after APIMart accepted it, one given up on (`timed_out`), one whose
# submit's answer was lost (`submit_unknown`), and a task APIMart billed whatever its end (a
# `completed` without a video ends `failed`). Refunds are derived, never stored.
REFUNDED_STATES = frozenset({JobState.REJECTED, JobState.FAILED, JobState.CANCELLED})
# The reason a job given up on (`timed_out`) keeps, also once APIMart ends it late.
TIMED_OUT_REASON = "task_timed_out"
# A render given up on is still checked on, quietly, until this long after it was sent
# (`PollerConfig.follow_up_limit`): its late video is posted if it comes before then.
FOLLOW_UP_LIMIT = 86_400.0


class JobRefused(Exception):
    """A rule (bad input, quota, expired media, ...) refused a job; `user_message` says why.

    Validation and admission raise the same class, so every entry point has one way to
    answer a refusal.
    """

    def __init__(self, user_message: Message) -> None:
        super().__init__(user_message.key)
        self.user_message = user_message


class AlreadyRecorded(Exception):
    """Another process (or an earlier delivery) already recorded a job for this origin."""

    def __init__(self, origin_id: str, job_id: int) -> None:
        super().__init__(f"{origin_id} is job {job_id}")
        self.origin_id = origin_id
        self.job_id = job_id


@dataclass(frozen=True)
class MediaInput:
    """A file a member handed us, described without any Discord types."""

    url: str
    filename: str
    content_type: str | None
    size: int
    # False for a link counted only until it passed the size cap: `size` is a lower bound.
    size_exact: bool = True

    @property
    def kind_untold(self) -> bool:
        """Neither its type (none, or Discord's `application/octet-stream` for any file it
        cannot name) nor its name says what it is: a picture uploaded as `IMG_2041`."""
        declared = (self.content_type or "").split(";")[0].strip().lower()
        generic = declared in ("", "application/octet-stream", "binary/octet-stream")
        return generic and mimetypes.guess_type(self.filename)[0] is None


@dataclass(frozen=True)
class MessageRef:
    """A Discord message a job took media from, so fresh media URLs can be fetched again."""

    channel_id: int
    message_id: int


@dataclass(frozen=True)
class Requester:
    """Who asked, and where the answer goes."""

    user_id: int
    channel_id: int
    guild_id: int | None
    locale: str = "en-US"
    # The messages the media came from, in order (none for slash-command attachments).
    sources: tuple[MessageRef, ...] = ()
    # The member's roles when they asked (for moderation limits); not stored with the job.
    role_ids: tuple[int, ...] = ()
    # What asked for the job ("interaction:<id>", "message:<id>"); one job per origin, so a
    # request Discord delivered to two processes (a deploy overlap) is recorded once.
    origin_id: str | None = None
    # The pending request this job confirms (it cost more than the server allows unasked, or
    # was asked about whatever it costs); recording the job under the rules it was asked under
    # ends it. Not stored with the job.
    confirms: str | None = None
    # Asked what it is expected to cost before it is recorded, whatever the server's threshold:
    # another member's video made again (Regenerate) or with a new prompt (Edit prompt), at
    # settings this member never chose. Not stored with the job.
    asks_cost_first: bool = False
    # How the news goes back when the bot cannot simply post in the channel (None: it can).
    reply: Reply | None = None
    # The channel (or forum) a thread or forum post is in, whose channel rules it follows; not
    # stored.
    parent_channel_id: int | None = None


# How a cancel reads where others see it too: who cancelled, not that someone was blocked.
_PUBLIC_CANCEL_REASONS = {
    "cancelled_by_block": "cancelled_by_moderator",
    "cancelled_by_ban": "cancelled_by_moderator",
    "cancelled_by_operator_block": "cancelled_by_operator",
}
# Cancels that were not the member's own, nor the bot's (removed from the server): a
# moderator's, the operators' or a ban's. The prompt may have been the abuse: the bot's
# messages stop showing it (and the member's pictures) once the job is stopped.
_MODERATION_CANCELS = frozenset({*_PUBLIC_CANCEL_REASONS, *_PUBLIC_CANCEL_REASONS.values()})


@dataclass(frozen=True)
class Job:
    """A row of the jobs table."""

    id: int
    requester: Requester
    request: VideoRequest
    state: JobState
    task_id: str | None
    progress: int
    estimated_time: int | None
    result_url: str | None
    result_expires_at: int | None
    error_key: str | None  # our reason, a catalog key
    error_message: str | None  # the API's reason, in the member's language
    cost: float | None
    credits_cost: float | None
    created_at: float
    media_fetched_at: float  # when the media URLs were last known fresh
    submitted_at: float | None
    finished_at: float | None
    next_poll_at: float | None
    poll_failures: int
    status_message_id: int | None
    delivery_attempts: int
    delivered_at: float | None
    delivery_message_id: int | None
    # Raised by every claim; a worker's writes are fenced on the value it claimed.
    version: int = 0
    delivery_started_at: float | None = None
    delivery_target: str | None = None
    # Set when a member, a moderator or a block cancelled it: never posted from then on. A job
    # APIMart already had keeps its state (and is polled to its end, so credits are known).
    cancelled_at: float | None = None
    cancel_reason_key: str | None = None  # who cancelled it, a catalog key
    # Each new high of progress the polls saw, with when it was first seen (for the time left;
    # a reading below the best is not kept, so the time left does not jump on APIMart's noise).
    progress_readings: tuple[Reading, ...] = ()
    # The member's private answer through the interaction, edited as the status (issue 17).
    interaction_message_id: int | None = None
    # When `progress` was read: the next check's plan takes it as the reading before its own
    # (the poll schedule extrapolates from the speed between the two).
    progress_at: float | None = None
    # The most progress a check read for its task (0 for a row from before it was kept):
    # shown, so APIMart's progress jumping back a few points never moves the member's bar back.
    top_progress: int = 0
    # "Not found" answers in a row for its task (any other answer resets it).
    not_found_answers: int = 0
    # Its video was posted as APIMart's link (over the upload limit), not uploaded.
    result_linked: bool = False
    # Its result post is plain text and a card (Discord refused the layout), not a layout;
    # None: not known (posted before the bot kept it, or no post of the bot's own).
    result_plain: bool | None = None
    # When its current run of submits held back by APIMart (busy, slow down) began.
    held_since: float | None = None
    # Failed downloads of its result (a delivery Discord refused is none).
    download_failures: int = 0
    # What was posted for it before it was delivered afresh (a given-up notice): no result.
    # 0: something may have been posted, its id unknown (a crash right after posting it).
    superseded_post_id: int | None = None
    # Its status message was deleted (heard, or an edit of it answered 404): never edited again
    # nor linked to. `status_message_id` stays: the job was announced, and is not again.
    status_deleted: bool = False
    # What its member was told it is expected to cost as it was recorded, and how many charged
    # videos that median was of (0: the starting table): shown until APIMart says what it cost.
    # None for a job recorded before the bot kept it.
    quoted_credits: float | None = None
    quoted_samples: int | None = None

    @property
    def shown_progress(self) -> int:
        """The progress members see: the most its task reached, not its last reading (the
        time left goes by the same highs, `progress_readings`; the poll schedule by the raw
        reading, `progress`)."""
        return max(self.progress, self.top_progress)

    @property
    def cancelled(self) -> bool:
        """Whether a person cancelled it (its result, if any, is never posted)."""
        return self.cancelled_at is not None

    @property
    def started_at(self) -> float:
        """When APIMart got it (or, for one never sent, when it was recorded)."""
        return self.submitted_at if self.submitted_at is not None else self.created_at

    @property
    def follow_up_ends(self) -> float:
        """When checks on it stop, once given up on: a late video is posted until then."""
        return self.started_at + FOLLOW_UP_LIMIT

    @property
    def no_longer_followed(self) -> bool:
        """Given up on, and no longer looked at either (past `PollerConfig.follow_up_limit`):
        nothing will post its video now, whatever APIMart does with it."""
        return self.state is JobState.TIMED_OUT and self.next_poll_at is None

    @property
    def followed_after_giving_up(self) -> bool:
        """Given up on, but still followed (and not cancelled): its late video would be posted
        after all, so a cancel still stops something."""
        return (
            self.state is JobState.TIMED_OUT and not self.no_longer_followed and not self.cancelled
        )

    @property
    def cancelled_after_giving_up(self) -> bool:
        """Cancelled after the bot gave up waiting for it: the notice it is delivered with
        tells of the cancel, long after the end its member was told of."""
        return self.state is JobState.TIMED_OUT and self.cancelled

    def cancel_notice(self, mention: str, *, public: bool = False) -> Message:
        """The member's notice that it was cancelled: by whom, and whether it still counts.
        `public`: others read it too, so a block (and its reason) is not named; the member
        learns of it privately (`/videos quota`, `/videos status`, their next command)."""
        reason = self.cancel_reason_key or "cancelled_by_moderator"
        if public:
            reason = self.public_cancel_reason
        return msg(
            "cancel_notice_counted" if self.counts else "cancel_notice_refunded",
            mention=mention,
            job_id=self.id,
            reason=msg(reason),
        )

    @property
    def public_cancel_reason(self) -> str:
        """Who cancelled it, as a catalog key others may read: a block is not named."""
        reason = self.cancel_reason_key or "cancelled_by_moderator"
        return _PUBLIC_CANCEL_REASONS.get(reason, reason)

    @property
    def prompt_withdrawn(self) -> bool:
        """Stopped by a moderator, the operators or a ban: the bot's messages about it no
        longer show its prompt nor the member's pictures (a posted video is the moderators'
        to delete; `/videomod jobs` still shows them the prompt)."""
        return self.cancelled and self.public_cancel_reason in _MODERATION_CANCELS

    @property
    def result_deleted(self) -> bool:
        """Its video was posted, then someone deleted the post."""
        return self.delivery_target == DELETED_RESULT

    @property
    def last_status_due(self) -> bool:
        """Its status's last edit is due: its end was told, it was cancelled, or its result
        deleted. An edit from an older snapshot that lands after that last edit must be put
        right."""
        told = self.state.is_final and self.delivered_at is not None
        return told or self.cancelled or self.result_deleted

    @property
    def without_news(self) -> bool:
        """Its last status checks all failed (APIMart down, answering errors): its last progress
        reading is old news, and its time left not known."""
        return self.poll_failures >= NO_NEWS_AFTER

    @property
    def expired_unposted(self) -> bool:
        """Made, but its video's link had expired when its result was posted: no video came."""
        return (
            self.state is JobState.COMPLETED
            and self.result_expires_at is not None
            and self.delivery_started_at is not None
            and self.result_expires_at <= self.delivery_started_at
        )

    @property
    def given_up_delivery(self) -> bool:
        """Its news was tried and reached neither its channel nor the member's DMs."""
        return (
            self.delivered_at is not None
            and self.delivery_message_id is None
            and self.delivery_attempts > 0
            and not self.result_deleted
        )

    @property
    def counts(self) -> bool:
        """Whether it counts against the member's allowance (as `facts.COUNTS` in SQL)."""
        return self.state not in REFUNDED_STATES or self.billed

    @property
    def state_key(self) -> str:
        """The catalog key naming its state for people."""
        return state_key(
            self.state, cancelled=self.cancelled, error_key=self.error_key, billed=self.billed
        )

    @property
    def billed(self) -> bool:
        """Whether APIMart reported a cost for it (then it counts, whatever its end)."""
        return is_billed(self.credits_cost)

    def public_cancel_notice(self) -> Message:
        """Its cancel notice where others may read it, addressed to its member."""
        return self.cancel_notice(f"<@{self.requester.user_id}>", public=True)


def is_billed(credits_cost: float | None) -> bool:
    """Whether APIMart reported a cost (`Job.billed`, for a row read on its own)."""
    return (credits_cost or 0) > 0


# The keys a waiting video closed by its monthly budget ends with (`JobService._prepare`).
UNSENT_FOR_BUDGET = frozenset({"unsent_budget_spent", "unsent_personal_budget_spent"})


def state_key(
    state: JobState, *, cancelled: bool, error_key: str | None = None, billed: bool = False
) -> str:
    """The catalog key naming a state; a cancelled render, or a failed one APIMart charged
    for, that still counts (`Job.counts`) says so, as do a render given up on and one whose
    submit's answer was lost (never refunded: their names always say so), and a video its
    budget kept from being sent says that rather than "refused"."""
    if cancelled:
        refunded = state in REFUNDED_STATES and not billed
        return "state_cancelled" if refunded else "state_cancelled_counted"
    if state is JobState.FAILED and billed:
        return "state_failed_counted"
    if state is JobState.CANCELLED and billed:
        # APIMart ended it cancelled, and billed it: it counts, as a member's cancel that does.
        return "state_cancelled_counted"
    if state is JobState.REJECTED and error_key in UNSENT_FOR_BUDGET:
        return "state_unsent_budget"
    return f"state_{state.value}"
