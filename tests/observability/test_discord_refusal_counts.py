"""What /metrics says of a video Discord would not let the bot announce: the server's AutoMod
blocking the prompt the announcement quotes. Nothing reaches APIMart, so no APIMart series
moves: without a submit outcome of its own, an operator sees only a Discord error."""

from tests.harness import running_bot
from tests.observability.scrape import scrape


async def test_a_video_whose_announcement_automod_blocks_counts_as_announce_refused(tmp_path):
    """The member's /video prompt holds a word the server's AutoMod blocks: the job is closed
    unsent. Scraped, it is one `announce_refused` submit (served at 0 before), not an accepted,
    rejected or errored one, and the refusal itself is Discord's 400 with code 200000."""
    async with running_bot(tmp_path, metrics_port=0) as world:
        base = f"http://127.0.0.1:{world.bot.observability.port}"
        before = await scrape(base)
        world.discord.automod_blocks("kite")
        interaction = await world.discord.slash_command("video", options={"prompt": "a red kite"})
        await interaction.wait_for_private_answer()
        after = await scrape(base)
    assert before.get("videobot_submits_total", outcome="announce_refused") == 0
    assert after.get("videobot_submits_total", outcome="announce_refused") == 1
    assert after.total("videobot_submits_total") == 1, "counted once, under no other outcome"
    refusals = after.get("videobot_discord_rest_errors_total", status="400", code="200000")
    assert refusals == 1
