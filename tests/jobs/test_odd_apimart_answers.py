"""Answers APIMart's contract does not promise but a gateway or a broken answer may give: the
job still ends, a task APIMart accepted is never sent twice, and a refusal is told as one."""

import json

import pytest

from bot.jobs.models import JobState
from tests.fakes.apimart import TaskPlan
from tests.jobs.test_service_and_poller import REQUEST, REQUESTER, RecordingDelivery, make_world

ACCEPTED = {"code": 200, "data": [{"status": "submitted", "task_id": "task_01ACCEPTED"}]}
# How gateways (new-api and its kin) write "no error" beside a good answer.
NO_ERRORS = [{"code": 0, "message": ""}, {"code": 200, "message": "success"}]


async def submitted_for_five_minutes(db, api, session, clock, body):
    """A video whose submit APIMart answers with `body` (HTTP 200), and five minutes of the
    engine after it (any resend would have gone): the submit's report."""
    api.malformed_next("submit", body=json.dumps(body))
    _, service, poller = make_world(db, api, session, clock, RecordingDelivery())
    report = await service.create_and_submit(REQUESTER, REQUEST)
    for _ in range(5):
        clock.advance(61)
        await poller.run_once()
    return report


async def test_a_render_finished_with_a_link_no_parser_reads_ends_instead_of_failing_each_check(
    db, api, session, clock
):
    """Finished (and billed) with a link that is not one: the job ends as made without a
    usable video (the member is told), not a check that fails every 30 s for ever."""
    api.default_plan = TaskPlan(polls_until_done=None)
    delivery = RecordingDelivery()
    store, service, poller = make_world(
        db, api, session, clock, delivery, task_timeout=600, crash_retry=30
    )
    report = await service.create_and_submit(REQUESTER, REQUEST)
    api.last_task.complete(url="http://[cdn.example/v.mp4")  # an unclosed IPv6 bracket
    for _ in range(5):
        clock.advance(40)
        await poller.run_once()
    job = await store.get(report.job.id)
    assert (job.state, job.error_key) == (JobState.FAILED, "task_no_video")
    assert job.counts, "APIMart billed it"
    assert [told.id for told in delivery.delivered] == [job.id]


@pytest.mark.parametrize("code", [0, 201])
async def test_a_submit_answered_with_a_task_and_an_unusual_body_code_is_never_sent_twice(
    db, api, session, clock, code
):
    """HTTP 200 with a task id, the body's `code` 0 (many gateways' "success") or 201: the
    task exists and is billed; sending the request again would pay for a second."""
    report = await submitted_for_five_minutes(db, api, session, clock, {**ACCEPTED, "code": code})
    assert len(api.submits) == 1
    assert report.job.task_id == "task_01ACCEPTED"


@pytest.mark.parametrize(
    ("error_type", "told"),
    [("insufficient_quota", "service_unpaid"), ("request_too_large", "rejected_by_service")],
)
async def test_a_refusal_behind_http_200_named_by_its_type_alone_is_a_refusal(
    db, api, session, clock, error_type, told
):
    """`{"error": {"type": "insufficient_quota"}}` with HTTP 200 and no number: a refusal
    (nothing made, nothing counted), not an answer lost on its way ("it may exist, it counts")."""
    body = {"error": {"message": "refused", "type": error_type}}
    api.malformed_next("submit", body=json.dumps(body), times=5)
    _, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert api.task_ids == []
    assert (report.state, report.member_message.key) == (JobState.REJECTED, told)


async def test_a_gateway_timeout_behind_http_200_on_a_submit_is_never_sent_again(
    db, api, session, clock
):
    """`timeout_error` is a gateway's 504, "timed out while processing": the request reached
    APIMart and the task may exist. Sent again, it could be billed twice."""
    body = {"error": {"message": "upstream timed out", "type": "timeout_error"}}
    report = await submitted_for_five_minutes(db, api, session, clock, body)
    assert len(api.submits) == 1
    assert report.state is JobState.SUBMIT_UNKNOWN


@pytest.mark.parametrize(
    "body",
    [
        {"code": 408, "error": {"message": "upstream timed out", "type": "timeout_error"}},
        {"code": 408, "error": {"message": "request timed out"}},
    ],
)
async def test_a_timeout_numbered_in_an_ok_answer_to_a_submit_is_never_sent_again(
    db, api, session, clock, body
):
    """The same timeout with its number beside it: APIMart's own application answered (HTTP
    200) that it timed out, so the request reached it and the task may exist."""
    report = await submitted_for_five_minutes(db, api, session, clock, body)
    assert len(api.submits) == 1
    assert report.state is JobState.SUBMIT_UNKNOWN


@pytest.mark.parametrize("code", [-1, 1, 300])
async def test_a_refusal_with_another_body_code_behind_http_200_is_no_lost_answer(
    db, api, session, clock, code
):
    """`{"code": -1, "msg": "system busy"}` with HTTP 200 and no task: a refusal to try again
    later, not an answer lost on its way ("it may exist, it counts")."""
    api.malformed_next("submit", body=json.dumps({"code": code, "msg": "system busy"}))
    _, service, _ = make_world(db, api, session, clock, RecordingDelivery())
    report = await service.create_and_submit(REQUESTER, REQUEST)
    assert (report.state, report.member_message.key) == (JobState.RECORDED, "service_busy")


@pytest.mark.parametrize("no_error", NO_ERRORS)
async def test_a_submit_accepted_with_an_error_object_saying_none_keeps_its_task_sent_once(
    db, api, session, clock, no_error
):
    """HTTP 200 with the task and `"error": {"code": 0, "message": ""}` beside it: the task
    exists and is billed. Held as busy and sent again, the member's one video is paid twice;
    ended `submit_unknown`, it counts against the member and is never posted."""
    report = await submitted_for_five_minutes(
        db, api, session, clock, {**ACCEPTED, "error": no_error}
    )
    assert len(api.submits) == 1, f"sent {len(api.submits)} times: APIMart bills each"
    assert (report.state, report.job.task_id) == (JobState.QUEUED, "task_01ACCEPTED")


@pytest.mark.parametrize("no_error", NO_ERRORS)
async def test_a_finished_render_reported_with_an_error_object_saying_none_is_delivered(
    db, api, session, clock, no_error
):
    """The same gateway habit on a status check: the video is made and billed, but read as a
    failure every check fails, the job is given up on after TASK_TIMEOUT and the paid video is
    never posted."""
    api.default_plan = TaskPlan(polls_until_done=None)
    delivery = RecordingDelivery()
    store, service, poller = make_world(db, api, session, clock, delivery, task_timeout=600)
    report = await service.create_and_submit(REQUESTER, REQUEST)
    task = api.last_task
    task.complete()
    answer = {"code": 200, "data": task.to_json(), "error": no_error}
    api.malformed_next("poll", body=json.dumps(answer), times=100)
    for _ in range(40):
        clock.advance(30)
        await poller.run_once()
    job = await store.get(report.job.id)
    assert job.state is JobState.COMPLETED, f"{job.state} after {len(api.polls)} checks"
    assert [told.id for told in delivery.delivered] == [job.id]
