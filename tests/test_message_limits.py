"""Every kind of message the bot builds fits Discord's limits, with the longest inputs it accepts.

Each renderer gets a prompt of the maximum length full of markdown, 2,000-character API errors,
maximal moderator reasons and ten-item lists, in each of its languages; a message over a limit
would be refused by Discord (400, code 50035) and the member would see nothing.
"""

from __future__ import annotations

import dataclasses

import discord
import pytest

from bot.apimart.models import VideoRequest
from bot.i18n import msg, plural
from bot.jobs.media import MessageMedia
from bot.jobs.models import Job, JobState, MediaInput, Requester
from bot.jobs.pricing import amount
from bot.jobs.validation import MAX_PROMPT_LENGTH
from bot.moderation.models import (
    Allowance,
    BudgetUse,
    MemberFacts,
    MemberOverride,
    Period,
    Policy,
    Window,
)
from bot.moderation.report import (
    audit_lines,
    job_lines,
    member_usage_line,
    policy_lines,
    quota_lines,
    usage_lines,
    words_lines,
)
from bot.moderation.store import AuditRow, JobRow, UsageRow
from bot.result_layout import references_summary, result_layout
from bot.result_text import gallery_url, job_footer, made_a_video, plain_embed, result_content
from bot.status import render_status
from bot.text import PROMPT_PREVIEW_CHARS, Quoted, preview
from cogs._private import more_not_shown, render
from cogs._video_form import VideoModal
from cogs.member import history_text, job_choices, status_report
from cogs.results import EditPromptModal, RemixModal, result_view
from tests.fakes.components import FLAG_IS_COMPONENTS_V2, check_message

LOCALES = ["en-US", "zh-CN", "zh-TW"]
NOW = 1_800_000_000.0
SNOWFLAKE = 1_234_567_890_123_456_789  # as long as real ids get
LONGEST_PROMPT = ("*bold* _it_ ~~s~~ [free nitro](https://x.example) <@1> `c` \\ " * 50)[
    :MAX_PROMPT_LENGTH
]
LONGEST_ERROR = ("**refused** _by_ ||policy|| [see](https://x.example) <t:1:R> " * 40)[:2000]
LONGEST_REASON = ("_why_ " * 40)[:200]  # /videomod takes reasons of up to 200 characters
LONGEST_URL = "https://upload.apimart.example/f/" + "a" * 400 + ".mp4"


def job(state=JobState.COMPLETED, locale="en-US", **changes) -> Job:
    base = Job(
        id=SNOWFLAKE % 10**9,
        requester=Requester(
            user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=SNOWFLAKE, locale=locale
        ),
        request=VideoRequest(
            prompt=LONGEST_PROMPT,
            duration=10,
            resolution="1080p",
            aspect_ratio="9:16",
            generation_type="reference",
            image_urls=("https://a.example/1.png",) * 3,
        ),
        state=state,
        task_id="task_1",
        progress=100,
        estimated_time=240,
        result_url=LONGEST_URL,
        result_expires_at=int(NOW + 86400),
        error_key="task_no_video",
        error_message=LONGEST_ERROR,
        cost=0.4,
        credits_cost=4.0,
        created_at=NOW - 300,
        media_fetched_at=NOW - 300,
        submitted_at=NOW - 280,
        finished_at=NOW - 10,
        next_poll_at=None,
        poll_failures=0,
        status_message_id=SNOWFLAKE,
        delivery_attempts=0,
        delivered_at=NOW,
        delivery_message_id=SNOWFLAKE,
    )
    return dataclasses.replace(base, **changes)


# ------------------------------------------------------------------ the limits


def check_content(text: str) -> None:
    assert len(text) <= 2000, f"content of {len(text)} characters"
    body = text.removesuffix("…")
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0, "ends in half an escape"


def check_embed(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    assert len(data.get("author", {}).get("name", "")) <= 256
    fields = data.get("fields", [])
    assert len(fields) <= 25
    for field in fields:
        assert len(field["name"]) <= 256 and len(field["value"]) <= 1024
    assert len(embed) <= 6000


def check_layout(layout: discord.ui.LayoutView) -> None:
    """Discord's Components V2 rules, as the fake Discord applies them (40 components, 4000
    characters of text, nesting, the upload it shows)."""
    check_message(
        {"components": layout.to_components()},
        flags=FLAG_IS_COMPONENTS_V2,
        filenames=["video.mp4"],
    )


def check_modal(modal: discord.ui.Modal) -> None:
    data = modal.to_dict()
    assert len(data["title"]) <= 45
    for row in data["components"]:
        if "label" in row:  # a Label holding one component
            assert len(row["label"]) <= 45
            assert len(row.get("description") or "") <= 100
        for item in [row.get("component", {}), *row.get("components", [])]:
            assert len(item.get("label") or "") <= 45
            assert len(item.get("placeholder") or "") <= 100
            assert len(item.get("value") or "") <= 4000
            for option in item.get("options", []):
                assert len(option["label"]) <= 100
                assert len(option.get("description") or "") <= 100


# ------------------------------------------------------------------ channel messages


FINISHED = [
    JobState.COMPLETED,
    JobState.FAILED,
    JobState.TIMED_OUT,
    JobState.CANCELLED,
    JobState.REJECTED,
    JobState.SUBMIT_UNKNOWN,
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("state", [*FINISHED, JobState.QUEUED, JobState.PROCESSING])
def test_status_message(locale, state):
    check_content(render_status(job(state, locale), position=999, now=NOW, cost=amount(12.5)))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("state", FINISHED)
@pytest.mark.parametrize("dm", [False, True])
@pytest.mark.parametrize("attached", [False, True])
def test_result_message(locale, state, dm, attached):
    finished = job(state, locale)
    headline = result_content(
        finished, now=NOW, channel_failed=dm, channel_unsure=dm, attached=attached
    )
    check_content(headline)
    check_layout(
        result_layout(
            finished,
            ok=made_a_video(finished, NOW),
            headline=headline,
            marker=job_footer(finished),
            references=references_summary(finished),
            video_url=gallery_url(finished, now=NOW, attached=attached, unreachable=False),
            now=NOW,
            buttons=None if dm else result_view(finished),
        )
    )
    check_embed(plain_embed(finished, now=NOW))


@pytest.mark.parametrize("locale", LOCALES)
def test_result_message_with_an_expired_link(locale):
    check_content(
        result_content(job(locale=locale), now=NOW + 10**6, channel_failed=True, attached=False)
    )


async def test_result_buttons():
    row = result_view(job())
    assert row is not None
    for button in row.to_component_dict()["components"]:
        assert len(button["label"]) <= 80
        assert len(button["custom_id"]) <= 100


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of five code points
EMOJI_PROMPT = (FAMILY * MAX_PROMPT_LENGTH)[: MAX_PROMPT_LENGTH - MAX_PROMPT_LENGTH % 5]


def shown_families(text: str) -> str:
    """The run of family emoji a message shows, and what touches it, up to its ellipsis."""
    start = text.index(FAMILY)
    return text[start : text.index("…", start)]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_prompt_of_emoji_is_cut_between_them(locale):
    """A prompt of long emoji sequences is cut where one ends: cut inside one, the status
    message, the result card and /videos history would show a lone man or woman before "…"."""
    emoji = job(JobState.COMPLETED, locale, request=VideoRequest(prompt=EMOJI_PROMPT))
    status = render_status(emoji, position=None, now=NOW)
    history = history_text([emoji], locale, NOW)
    card = "\n".join(
        item.content
        for item in result_layout(
            emoji,
            ok=True,
            headline="done",
            marker=job_footer(emoji),
            references="",
            video_url=None,
            now=NOW,
        ).walk_children()
        if isinstance(item, discord.ui.TextDisplay)
    )
    for text in (status, history, card):
        shown = shown_families(text)
        assert shown == FAMILY * (len(shown) // len(FAMILY)), ascii(shown[-6:])


# ------------------------------------------------------------------ member commands


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("state", FINISHED)
def test_videos_history_of_ten(locale, state):
    # Half link to the result message, half (never delivered) to the API's long URL.
    jobs = [
        job(state, locale, id=SNOWFLAKE + n, delivery_message_id=SNOWFLAKE if n % 2 else None)
        for n in range(10)
    ]
    check_content(history_text(jobs, locale, NOW))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("state", [*FINISHED, JobState.PROCESSING])
def test_videos_status(locale, state):
    check_content(status_report(job(state, locale), locale, NOW).render(locale))


@pytest.mark.parametrize("locale", LOCALES)
def test_autocomplete_choices(locale):
    jobs = [job(state, locale, id=SNOWFLAKE + n) for n, state in enumerate(FINISHED * 4)]
    choices = job_choices(jobs, locale, "")
    assert len(choices) == 24
    assert all(len(choice.name) <= 100 for choice in choices)


@pytest.mark.parametrize("locale", LOCALES)
async def test_video_form(locale):
    pictures = tuple(
        MediaInput(f"https://a.example/{n}.png", f"{n}.png", "image/png", 1) for n in range(3)
    )
    modal = VideoModal(
        f"video:makeform:{SNOWFLAKE}:{SNOWFLAKE}:3", MessageMedia(attachments=pictures), locale
    )
    check_modal(modal)


@pytest.mark.parametrize("locale", LOCALES)
async def test_edit_prompt_form(locale):
    modal = EditPromptModal(job(locale=locale), locale)
    check_modal(modal)
    assert modal.prompt.default == LONGEST_PROMPT, "the whole prompt, ready to edit"


@pytest.mark.parametrize("locale", LOCALES)
async def test_remix_form(locale):
    modal = RemixModal(job(locale=locale), locale)
    check_modal(modal)
    assert modal.prompt.default == LONGEST_PROMPT, "the whole prompt, ready to change"


@pytest.mark.parametrize("locale", LOCALES)
def test_api_refusal_answer(locale):
    check_content(msg("rejected_by_service", reason=Quoted(LONGEST_ERROR)).render(locale))


# ------------------------------------------------------------------ moderators


POLICY = Policy(
    guild_id=SNOWFLAKE,
    period=Period.WEEK,
    default_limit=10000,
    max_active=50,
    cooldown_seconds=604800,
    monthly_budget=1e9,
    modlog_channel_id=SNOWFLAKE,
    moderator_role_id=SNOWFLAKE,
)
WINDOW = Window(NOW - 1000, NOW + 1000)
OVERRIDES = [
    MemberOverride(SNOWFLAKE + n, 10000, LONGEST_REASON, NOW + 10**6, SNOWFLAKE) for n in range(50)
]


def facts(override: MemberOverride | None = None) -> MemberFacts:
    return MemberFacts(
        policy=POLICY,
        allowance=Allowance(0 if override else 10000, "member", override),
        window=WINDOW,
        used=9999,
        active=50,
        last_created_at=NOW,
        budget_window=WINDOW,
        budget_used=1e9,
        paused=True,
        channels=frozenset(SNOWFLAKE + n for n in range(50)),
        reserved_options={"resolution_4k": frozenset({SNOWFLAKE})},
        budget_held=1e9,
    )


def requester() -> Requester:
    return Requester(user_id=SNOWFLAKE, channel_id=SNOWFLAKE, guild_id=SNOWFLAKE)


MODERATOR_REPORTS = {
    "limits show": lambda: policy_lines(
        POLICY,
        now_window=WINDOW,
        role_limits=[(SNOWFLAKE + n, 10000) for n in range(50)],
        overrides=OVERRIDES,
        reserved={"resolution_4k": [SNOWFLAKE + n for n in range(50)]},
        channels=[SNOWFLAKE + n for n in range(50)],
        banned_count=500,
        budget=BudgetUse(1e9, 1e9, WINDOW),
        paused=True,
        moderator_role_id=SNOWFLAKE,
        bans_unheard=True,
    ),
    "usage": lambda: usage_lines(
        POLICY, WINDOW, [UsageRow(SNOWFLAKE + n, 10000, 1e9) for n in range(10)]
    ),
    "usage member": lambda: [
        member_usage_line(facts(), SNOWFLAKE, 1e9),
        *job_lines(
            [
                JobRow(n, SNOWFLAKE, JobState.SUBMIT_UNKNOWN, LONGEST_PROMPT, "4k", 10, 1e9, NOW)
                for n in range(10)
            ]
        ),
    ],
    "jobs": lambda: job_lines(
        [
            JobRow(
                SNOWFLAKE + n,
                SNOWFLAKE,
                JobState.SUBMIT_UNKNOWN,
                LONGEST_PROMPT,
                "4k",
                10,
                1e9,
                NOW,
            )
            for n in range(15)
        ]
    ),
    "audit": lambda: audit_lines(
        [
            AuditRow(
                SNOWFLAKE,
                msg(
                    "change_member_blocked_until",
                    moderator=f"<@{SNOWFLAKE}>",
                    member=f"<@{SNOWFLAKE}>",
                    videos=0,
                    reason=LONGEST_REASON,
                    until=f"<t:{int(NOW)}:f>",
                ),
                NOW,
            )
            for _ in range(15)
        ]
    ),
    "words list": lambda: words_lines(["*" + "w" * 58 + "*"] * 200),
    "quota": lambda: quota_lines(facts(), requester(), NOW),
    "quota blocked": lambda: quota_lines(facts(OVERRIDES[0]), requester(), NOW),
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("report", list(MODERATOR_REPORTS))
def test_moderator_reports(locale, report):
    check_content(render(MODERATOR_REPORTS[report](), locale))


# What a moderator writes as a block's reason (the option takes up to 200 characters).
BLOCK_REASON = (
    "Spammed NSFW prompts in #general after two warnings from staff; see the mod-log thread"
    " of 3 March for the screenshots."
)
BLOCKED_TEN = [
    MemberOverride(SNOWFLAKE + n, 0, BLOCK_REASON, NOW + 86400 * 30, SNOWFLAKE) for n in range(10)
]
LEVEL_ROLES = [SNOWFLAKE + n for n in range(40)]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("overrides", "reserved", "role_limits"),
    [
        pytest.param(BLOCKED_TEN, {"resolution:4k": [SNOWFLAKE]}, [], id="ten-blocked-members"),
        pytest.param(
            [],
            {"resolution:4k": LEVEL_ROLES, "duration:10": LEVEL_ROLES},
            [],
            id="4K-and-10s-for-40-roles",
        ),
        pytest.param(
            OVERRIDES,
            {"resolution:4k": LEVEL_ROLES},
            [(role, 10000) for role in LEVEL_ROLES],
            id="more-than-fits",
        ),
    ],
)
def test_limits_show_still_says_generation_is_paused(locale, overrides, reserved, role_limits):
    """`/videomod limits show` of a server with ten members blocked (reasons of ~120
    characters), or with 4K and 10 s reserved for 40 level roles: the member list or the
    options line took the message, and every rule after it (channels, budget, mod-log,
    moderator role, *paused*) was dropped for "…and N more." -- which, after the member list,
    read as more members."""
    lines = policy_lines(
        POLICY,
        now_window=WINDOW,
        role_limits=role_limits,
        overrides=overrides,
        reserved=reserved,
        channels=[SNOWFLAKE],
        banned_count=3,
        budget=BudgetUse(10, 0, WINDOW),
        paused=True,
        moderator_role_id=SNOWFLAKE,
    )
    shown = render(lines, locale, more_not_shown)
    check_content(shown)
    rules = ["mod_show_paused", "mod_show_words", "mod_show_no_confirm"]
    for rule in rules:
        assert msg(rule, count=3).render(locale) in shown, f"{rule} is not shown"
    for rule, value in (("mod_show_modlog", "<#"), ("mod_show_modrole", "<@&")):
        assert msg(rule, channel=value, role=value).render(locale) in shown, f"{rule} not shown"
    assert BLOCK_REASON not in shown, "a member's reason is cut short in the list"
    if reserved["resolution:4k"] == LEVEL_ROLES:
        assert plural("count_more_roles", 35).render(locale) in shown, "40 roles named"
    # What did not fit is said not to be shown, not "…and 12 more." after the last list.
    overflow = {more_not_shown(count).render(locale) for count in range(1, len(lines))}
    if shown != "\n".join(line.render(locale) for line in lines):
        assert shown.splitlines()[-1] in overflow, shown[-200:]
    assert shown.splitlines()[-1] in overflow or overrides is not OVERRIDES


@pytest.mark.parametrize("locale", LOCALES)
def test_modlog_refused_prompt(locale):
    event = msg(
        "modlog_banned_prompt",
        member=f"<@{SNOWFLAKE}>",
        channel=f"<#{SNOWFLAKE}>",
        pattern="*" + "w" * 58 + "*",
        prompt=preview(LONGEST_PROMPT, PROMPT_PREVIEW_CHARS),
    )
    check_content(event.render(locale))
    held = plural("count_more_prompts_refused", 99999)
    check_content(msg("modlog_banned_prompt_more", refused=event, tries=held).render(locale))


def test_a_cancelled_jobs_notice_has_no_buttons_even_once_its_render_completed():
    """A moderator cancelled the render; APIMart finished it anyway (the notice goes out then):
    no Regenerate, Edit prompt or Remix to make the same video again."""
    cancelled = job(cancelled_at=NOW, cancel_reason_key="cancelled_by_moderator")
    assert result_view(cancelled) is None
