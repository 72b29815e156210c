"""What members are told for APIMart's answers that the happy paths do not cover."""

import dataclasses
import json
import re

import pytest

from bot.apimart import VideoRequest
from bot.jobs.models import JobState, Requester
from bot.jobs.poller import Poller, PollerConfig
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.result_text import failure_text
from cogs.member import status_report
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import (
    RecordingDelivery,
    make_world,
    poller_client,
    run_until_delivered,
)

EN_MEMBER = Requester(user_id=42, channel_id=7, guild_id=1, locale="en-US")
JA_MEMBER = Requester(user_id=43, channel_id=7, guild_id=1, locale="ja")
REQUEST = VideoRequest(prompt="a fox in snow", duration=6)
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


async def test_a_documented_400_is_explained_in_english_not_quoted_in_chinese(
    db, api, session, clock
):
    """docs/members.md: "APIMart refuses the request (400 ...) | Tells the member why in plain
    words." APIMart's documented 400 body is `invalid_request_error` with the text 请求参数无效."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    api.fail_next("submit", status=400, error_type="invalid_request_error", message="请求参数无效")
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    assert report.state is JobState.REJECTED
    told = report.member_message.render("en-US")
    posted = "\n".join(failure_text(await store.get(report.job.id), "@m"))
    for text in (told, posted):
        assert not CJK.search(text), text


@pytest.mark.parametrize(
    ("status", "error_type", "said"),
    [
        (422, "content_policy_violation", "Prompt rejected by content moderation"),
        (413, "request_too_large", "Request entity too large"),
    ],
)
async def test_a_permanent_4xx_refusal_is_not_held_as_busy_and_resent(
    db, api, session, clock, status, error_type, said
):
    """A refusal will not change if the same request is sent again: the member should be told
    it was refused (not that the service is busy), and it should not be resent for 30 minutes
    only to end with "the service stayed unavailable"."""
    store = JobStore(db, clock=clock)
    client = poller_client(api, session)
    service = JobService(store, client, clock=clock, timing=SubmitTiming(first_poll_delay=8))
    poller = Poller(store, client, service, RecordingDelivery(), clock=clock, config=PollerConfig())
    api.fail_next("submit", status=status, error_type=error_type, message=said, times=1000)
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    first_told = report.member_message.render("en-US")
    for _ in range(40):
        clock.advance(61)
        await poller.run_once()
    job = await store.get(report.job.id)
    final = "\n".join(failure_text(job, "@m"))
    assert "busy" not in first_told, first_told
    assert len(api.submits) == 1, f"{len(api.submits)} identical submits of a refused request"
    assert "unavailable" not in final, final


async def test_a_failure_reason_apimart_writes_in_japanese_is_still_understood(
    db, api, session, clock
):
    """The poller asks APIMart for its error texts in Japanese for a `ja` member (the bot
    itself speaks English to them), but failure_cause only reads English and Chinese: an
    upstream quota failure is then shown as "other" with "Try rephrasing the prompt"."""
    store, service, poller = make_world(db, api, session, clock, RecordingDelivery())
    report = await service.create_and_submit(JA_MEMBER, REQUEST)
    task = api.task(report.job.task_id)
    clock.advance(8)
    await poller.run_once()
    asked = task.languages[-1]
    # What APIMart writes for its documented "upstream quota exhausted" cause, in the language
    # the bot asked for (English when asked for English).
    reason = "上流のクォータが枯渇しました" if asked == "ja" else "Upstream quota exhausted"
    task.fail(reason)
    clock.advance(60)
    await poller.run_once()
    job = await store.get(report.job.id)
    assert job.state is JobState.FAILED
    text = "\n".join(failure_text(job, "@m"))
    assert "overloaded or out of capacity" in text, text
    assert "rephras" not in text, text


async def test_a_proxys_400_page_is_not_shown_as_http_jargon(db, api, session, clock):
    """A proxy's HTML 400 page (not APIMart's JSON) ended as "refused this request: HTTP 400":
    a technical word the member can do nothing with; it is told as a refusal without a reason."""
    _, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    api.malformed_next(
        "submit", status=400, body="<html><h1>400 Bad Request</h1></html>", content_type="text/html"
    )
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    told = report.member_message.render("en-US")
    assert "HTTP 400" not in told and "did not say why" in told, told


async def test_a_render_apimart_failed_without_a_message_is_not_explained_by_its_error_code(
    db, api, session, clock
):
    """APIMart fails a task with `{"code": "task_failed", "message": ""}` (the code every failed
    task carries): the member read the bare code as the video service's words, and was told to
    rephrase the prompt, for a failure nothing says was about the prompt."""
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(polls_until_done=1, final_status="failed", error_message="")
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(EN_MEMBER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    [job] = delivery.delivered
    told = "\n".join(failure_text(job, "@m"))
    assert "task_failed" not in told.replace("\\", "") and "rephras" not in told, told
    assert "did not say why" in told and "not counted" in told and "try again" in told, told


@pytest.mark.parametrize("error_type", ["insufficient_quota", "payment_required"])
async def test_a_quota_spent_answered_as_a_429_pauses_generation_not_holds_every_job(
    db, api, session, clock, error_type
):
    """OpenAI-style gateways answer a spent quota with HTTP 429 and `type: insufficient_quota`.
    Taken for a rate limit, every member's job is held "busy" and resent each minute for 30
    minutes, then closed as "stayed unavailable": no pause, no mod-log alert, no balance read."""
    balance_told = []

    async def on_balance(ok, sent_at):
        balance_told.append(ok)

    store = JobStore(db, clock=clock)
    service = JobService(store, poller_client(api, session), clock=clock, on_balance=on_balance)
    api.fail_next(
        "submit",
        status=429,
        error_type=error_type,
        message="You exceeded your current quota, please check your plan and billing details.",
        times=100,
    )
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    assert (report.state, report.member_message.key, balance_told) == (
        JobState.REJECTED,
        "service_unpaid",
        [False],
    )
    assert len(api.submits) == 1


async def test_a_quota_spent_answered_as_a_403_pauses_generation_not_holds_every_job(
    db, api, session, clock
):
    """A gateway's `insufficient_user_quota` (the account's balance spent) comes as HTTP 403:
    held as a proxy's passing 403, every member's job would be resent into the empty account
    for 30 minutes, then told "stayed unavailable", with no pause and no mod-log alert."""
    balance_told = []

    async def on_balance(ok, sent_at):
        balance_told.append(ok)

    store = JobStore(db, clock=clock)
    service = JobService(store, poller_client(api, session), clock=clock, on_balance=on_balance)
    error = {"message": "用户额度不足", "type": "new_api_error", "code": "insufficient_user_quota"}
    api.malformed_next("submit", status=403, body=json.dumps({"error": error}), times=100)
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    assert (report.state, report.member_message.key, balance_told) == (
        JobState.REJECTED,
        "service_unpaid",
        [False],
    )
    assert "balance is empty" in report.member_message.render("en-US")
    assert len(api.submits) == 1


@pytest.mark.parametrize("status", [403, 408, 425])
async def test_a_refusal_that_may_pass_is_held_as_busy_not_rejected(
    db, api, session, clock, status
):
    """A proxy's 403, a timeout's 408, a "too early" 425: the job waits and is sent again."""
    _, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    api.fail_next("submit", status=status, message="try later")
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    assert report.state is JobState.RECORDED
    assert "saved and waiting" in report.member_message.render("en-US")


@pytest.mark.parametrize(
    ("message", "error_type", "status", "said"),
    [
        ("Prompt rejected by content moderation", "content_policy_violation", 400, "content check"),
        ("Refused", None, 422, "content check"),
        ("\u8bf7\u6c42\u53c2\u6570\u65e0\u6548", "invalid_request_error", 400, "could not read"),
        ("\u8bf7\u6c42\u53c2\u6570\u65e0\u6548", "mystery", 400, "did not say why"),
        ("HTTP 400", None, 400, "did not say why"),
        ("Prompt is too long", "invalid_request_error", 400, "Prompt is too long"),
    ],
)
def test_a_refusal_reads_in_the_bots_words_unless_apimart_said_it_plainly(
    message, error_type, status, said
):
    from bot.i18n import msg
    from bot.jobs.failures import refusal_reason

    told = msg("rejected_by_service", reason=refusal_reason(message, error_type, status))
    assert said in told.render("en-US")
    # APIMart's Chinese default text is never passed on, to either reader.
    for locale in ("en-US", "zh-CN"):
        assert "\u8bf7\u6c42\u53c2\u6570\u65e0\u6548" not in told.render(locale)


@pytest.mark.parametrize("said", ["...", ".", "\u3002"])
async def test_a_refusal_whose_reason_is_only_a_full_stop_is_told_in_our_words_and_can_be_looked_up(
    db, api, session, clock, said
):
    """APIMart refuses a submit (`invalid_request_error`) with a reason of only a full stop
    (or "..."): it read as an empty quote ("refused this request: ."), and /videos status of
    the job, taking the empty reason kept for none, failed with "Something went wrong"."""
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    api.fail_next("submit", status=400, error_type="invalid_request_error", message=said)
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    assert report.state is JobState.REJECTED
    told = report.member_message.render("en-US")
    assert "refused this request: it could not read the request as sent." in told, told
    job = await store.get(report.job.id)
    status = status_report(job, "en-US", clock()).render("en-US")
    assert "Reason: it could not read the request as sent" in status, status
    # A job refused so before this was fixed kept an empty reason: it did not say why.
    kept_empty = dataclasses.replace(job, error_message="")
    status = status_report(kept_empty, "en-US", clock()).render("en-US")
    assert "Reason: it did not say why" in status, status


@pytest.mark.parametrize(
    ("said", "cause"),
    [
        ("内容审核未通过", "content check"),
        ("上游资源不足", "overloaded"),
        ("生成超时", "ran out of time"),
        ("未知错误", "in another language"),
    ],
)
def test_a_render_failure_asked_in_chinese_reads_in_english_to_an_english_reader(said, cause):
    """/videos status of a render that failed in a Chinese server: APIMart's Chinese words to
    a Chinese reader, their cause in English words to an English one."""
    from bot.i18n import msg
    from bot.jobs.failures import render_failure_reason

    for reader, shown in (("zh-CN", said), ("en-US", cause)):
        reason = render_failure_reason(said, "zh-CN", reader)
        assert shown in msg("status_details_reason", reason=reason).render(reader)
    english = msg("status_details_reason", reason=render_failure_reason(said, "zh-CN", "en-US"))
    assert not CJK.search(english.render("en-US"))


def test_a_render_failure_asked_for_a_traditional_chinese_member_reads_in_chinese_to_them():
    """A zh-TW member's reason is asked for in Chinese (APIMart writes no Traditional): they
    read APIMart's own words, as a zh-CN reader does; an English reader reads the cause."""
    from bot.i18n import msg
    from bot.jobs.failures import render_failure_reason

    said = "内容审核未通过"
    for reader, shown in (("zh-TW", said), ("zh-CN", said), ("en-US", "content check")):
        reason = render_failure_reason(said, "zh-TW", reader)
        assert shown in msg("status_details_reason", reason=reason).render(reader)
    traditional = msg("status_details_reason", reason=render_failure_reason(said, "zh-TW", "zh-TW"))
    assert traditional.render("zh-TW").startswith("原因\uff1a")


# A gateway's JSON writer may escape any character (`\u0073k-...`): the key must be found in
# what the answer says, not only in how it was written.
ECHOED = pytest.mark.parametrize("escaped", [False, True], ids=["as-is", "json-escaped"])


@ECHOED
async def test_a_refusal_that_echoes_the_api_key_never_shows_it_to_the_member(
    db, api, session, clock, escaped
):
    """A gateway in front of APIMart refuses a submit quoting the request's Authorization
    header: its plain English was passed on as the reason, key and all, in the member's answer
    and in the job's kept reason (/videos status, the channel's notice)."""
    api.escapes_every_character = escaped
    store, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    said = f"Malformed Authorization header: Bearer {api.api_key}"
    api.fail_next("submit", status=400, error_type="invalid_request_error", message=said)
    report = await service.create_and_submit(EN_MEMBER, REQUEST)
    assert report.state is JobState.REJECTED
    job = await store.get(report.job.id)
    for text in (
        report.member_message.render("en-US"),
        "\n".join(failure_text(job, "@m")),
        status_report(job, "en-US", clock()).render("en-US"),
        job.error_message or "",
    ):
        assert api.api_key not in text, text
    # What it said otherwise is still passed on.
    assert "Malformed Authorization header" in report.member_message.render("en-US")


@ECHOED
async def test_a_failed_render_whose_reason_echoes_the_api_key_never_shows_it(
    db, api, session, clock, escaped
):
    """APIMart fails a task with a reason quoting the request's key: the member read it in the
    failure notice."""
    api.escapes_every_character = escaped
    delivery = RecordingDelivery()
    api.default_plan = TaskPlan(
        polls_until_done=1,
        final_status="failed",
        error_message=f"Upstream refused key {api.api_key}",
    )
    _, service, poller = make_world(db, api, session, clock, delivery)
    await service.create_and_submit(EN_MEMBER, REQUEST)
    await run_until_delivered(poller, clock, delivery)
    [job] = delivery.delivered
    told = "\n".join(failure_text(job, "@m"))
    assert api.api_key not in told and api.api_key not in (job.error_message or ""), told
    assert "Upstream refused key" in told, told
