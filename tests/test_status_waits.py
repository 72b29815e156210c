"""What a status says while its job waits, or once it is done but not yet posted."""

from bot import delivery_status
from tests.cogs.test_reach import UNTIL_TOLD, ShiftedClock, eventually, retry_set
from tests.harness import running_bot


async def test_a_held_video_asked_elsewhere_is_not_called_queued_in_its_private_status(tmp_path):
    """A user install in a server that never added the bot: APIMart is down (503), so the job
    is saved and waiting. The engine tries again, is held again, and edits the member's
    private answer: it must not start with "Your video is queued" while its status line says
    it is still waiting to be sent."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        world.api.fail_next("submit", status=503, times=3)
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a fox"}, guild_id=foreign, user_install=True
        )
        answer = await interaction.wait_for_answer()
        assert "is saved and waiting" in answer["content"]
        edited = None
        for _ in range(20):
            clock.offset += 61
            try:
                edited = await interaction.wait_for_original(
                    lambda m: "is waiting to be sent" in m["content"], timeout=1
                )
                break
            except TimeoutError:
                continue
        assert edited is not None, "no edit of the private answer while held"
        content = edited["content"]
        assert "Your video is queued" not in content, content


async def rendering_at_40(world, prompt):
    """A /video of `prompt` sent and rendering: its task, and its status once it says 40%."""
    await world.video(prompt=prompt)
    api = world.api
    await api.wait_until(lambda: api.task_ids, what="the submit")
    task = api.task(api.task_ids[0])
    task.set_progress(40)
    status = await world.discord.wait_for_message(
        predicate=lambda m: "Job #1 is being made" in m["content"] and "40%" in m["content"]
    )
    return task, status


async def test_a_finished_render_whose_post_is_tried_again_no_longer_says_rendering(tmp_path):
    """Done, but its download came cut short and is tried again later: the status must not
    keep the last progress reading ("rendering 40%") and its Cancel button meanwhile."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake, api = world.discord, world.api
        task, status = await rendering_at_40(world, "a slow fox")
        api.truncate_next()
        task.complete()
        await fake.wait_for(
            lambda: "posting the video" in fake.get_message(int(status["id"]))["content"],
            description="the status saying it is done, its post on its way",
        )
        shown = fake.get_message(int(status["id"]))
        assert "is being made" not in shown["content"]
        assert not shown.get("components"), "no Cancel button on a finished render"


async def test_a_render_given_up_on_but_still_followed_is_not_said_to_have_failed(tmp_path):
    """TASK_TIMEOUT passed: the bot stops waiting, but keeps asking APIMart for a day and posts
    the video if it comes (the reply says so, and that it still counts). The status message
    must not say the video "could not be made": that is not known, and may well turn out
    false an hour later."""
    async with running_bot(tmp_path, plan=UNTIL_TOLD, task_timeout=0.5) as world:
        fake = world.discord
        await world.video(prompt="a patient fox")
        notice = await fake.wait_for_message(
            predicate=lambda m: "took longer than this bot waits" in str(m)
        )
        assert "If it finishes by <t:" in str(notice)
        status = await fake.wait_for_message(
            predicate=lambda m: (
                "Job #1" in m["content"]
                and "being made" not in m["content"]
                and "queued" not in m["content"]
            )
        )
        assert "could not be made" not in status["content"], status["content"]


async def test_a_render_given_up_on_that_then_fails_no_longer_says_it_counts_and_may_come(
    tmp_path,
):
    """Given up on (TASK_TIMEOUT), the status says it still counts and is posted if it finishes
    within a day. APIMart then fails it: quietly refunded, and no video will come. The status
    must not keep promising both (a later sweep makes any last edit a process did not)."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock, task_timeout=0.5) as world:
        fake, api, bot = world.discord, world.api, world.bot
        await world.video(prompt="a doomed glacier")
        status = await fake.wait_for_message(
            predicate=lambda m: "Job #1 took longer than this bot waits" in m["content"]
        )
        api.last_task.fail("upstream exploded")
        clock.offset += 301  # the next quiet look at the task
        bot.poller.wake()

        async def state():
            return (await bot.store.get(1)).state.value

        assert await eventually(state, "failed") == "failed"
        assert not (await bot.store.get(1)).counts, "refunded: APIMart billed nothing"
        await bot.status_sweep.sweep_once()  # its next round
        await bot.status_messages.drain(timeout=5)
        content = fake.get_message(int(status["id"]))["content"]
        assert "still counts" not in content and "posted after all" not in content, content
        assert "Job #1 took longer than this bot waits, and the video service never" in content


async def test_a_failed_render_whose_notice_is_tried_again_no_longer_says_rendering(tmp_path):
    """APIMart failed the render at 40 %; the reply that tells the member why is refused by
    Discord (a 503) and tried again later. Meanwhile the status must not keep the last progress
    reading ("rendering 40%", a time left) and its Cancel button, which can stop nothing any
    more, nor say "the member who asked was told why" (nobody was told anything yet): it says
    the video could not be made, and the reason is on its way."""
    clock = ShiftedClock()
    async with running_bot(tmp_path, plan=UNTIL_TOLD, clock=clock) as world:
        fake = world.discord
        task, status = await rendering_at_40(world, "a doomed fox")
        fake.fail_next("POST", r"/channels/\d+/messages", 503, 0, "Service Unavailable")
        task.fail("upstream exploded")
        await eventually(lambda: retry_set(world), True)
        await fake.wait_for(
            lambda: "is being made" not in fake.get_message(int(status["id"]))["content"],
            description="the status no longer saying it renders",
        )
        await world.bot.status_messages.drain(timeout=5)
        shown = fake.get_message(int(status["id"]))
        assert "Job #1 could not be made; the reason is on its way" in shown["content"]
        assert "was told why" not in shown["content"]
        assert not shown.get("components"), "no Cancel button on a render that failed"

        clock.offset += 60  # the notice's retry is due
        world.bot.poller.wake()
        await fake.wait_for(
            lambda: (
                "the reason is in the reply below" in fake.get_message(int(status["id"]))["content"]
            ),
            description="the last status, once the notice is posted",
        )


async def test_a_finished_render_whose_upload_is_under_way_says_it_is_being_posted(
    tmp_path, monkeypatch
):
    """Done, its first upload still going past the usual few seconds (a large video, a slow
    link to Discord): the status says the video is being posted, not the last progress reading
    ("rendering 40%") and its Cancel button for as long as the upload takes."""
    monkeypatch.setattr(delivery_status, "POSTING_SAID_AFTER", 0.0)  # any upload here is "slow"
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake = world.discord
        task, status = await rendering_at_40(world, "a large fox")
        upload = fake.hold_next("POST", r"/channels/\d+/messages$")
        task.complete()
        try:
            await fake.wait_for(lambda: upload.hits, description="the result's upload under way")
            await fake.wait_for(
                lambda: "posting the video" in fake.get_message(int(status["id"]))["content"],
                description="the status saying it is done, its post under way",
            )
            shown = fake.get_message(int(status["id"]))
            assert "is being made" not in shown["content"]
            assert not shown.get("components"), "no Cancel button on a finished render"
        finally:
            assert upload.held is not None
            upload.held.set()
        await fake.wait_for(
            lambda: "in the reply below" in fake.get_message(int(status["id"]))["content"],
            description="the status's last edit once the video is posted",
        )


async def test_a_finished_render_asked_elsewhere_says_it_is_being_posted_in_the_private_answer(
    tmp_path, monkeypatch
):
    """The same through a user install in a server without the bot: the member's private
    answer is the status, and while the result's follow-up uploads past the usual few seconds
    it says the video is being posted, not "rendering 40%"."""
    monkeypatch.setattr(delivery_status, "POSTING_SAID_AFTER", 0.0)  # any upload here is "slow"
    async with running_bot(tmp_path, plan=UNTIL_TOLD) as world:
        fake, api = world.discord, world.api
        foreign = fake.add_guild("Friends", bot_member=False)
        interaction = await fake.slash_command(
            "video", {"prompt": "a large fox"}, guild_id=foreign, user_install=True
        )
        await interaction.wait_for_answer()
        await api.wait_until(lambda: api.task_ids, what="the submit")
        task = api.task(api.task_ids[0])
        task.set_progress(40)
        await interaction.wait_for_original(lambda m: "40%" in m["content"])
        upload = fake.hold_next("POST", r"/webhooks/\d+/[^/]+$")
        task.complete()
        try:
            await fake.wait_for(lambda: upload.hits, description="the result's upload under way")
            shown = await interaction.wait_for_original(
                lambda m: "posting the video" in m["content"], timeout=5
            )
            assert "is being made" not in shown["content"]
        finally:
            assert upload.held is not None
            upload.held.set()
        await interaction.wait_for_original(lambda m: "posted below" in m["content"])
