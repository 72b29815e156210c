"""English answers name the bot's commands as clickable mentions; Chinese ones by the names the
Chinese client shows (Discord never localizes a mention, and one written with a localized name
does nothing when clicked)."""

from tests.cogs.test_moderation import command
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot


def mention(fake: FakeDiscord, path: str) -> str:
    """How Discord wants `path` mentioned: with the id it gave the top-level command."""
    [synced] = [c for c in fake.commands() if c["name"] == path.split()[0] and c["type"] == 1]
    return f"</{path}:{synced['id']}>"


def command_syncs(fake: FakeDiscord) -> list[object]:
    return [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]


async def test_an_english_answer_mentions_the_command_to_use(tmp_path):
    async with running_bot(tmp_path) as world:
        answer = await command(world, "videos history", user=world.discord.user_id)
        video = mention(world.discord, "video")
        assert answer == f"You have no videos yet. Use {video} to make your first one."


async def test_a_command_mentioned_where_the_sentence_sets_it_in_code_is_still_clickable(
    tmp_path,
):
    async with running_bot(tmp_path) as world:
        answer = await command(world, "videomod words list", user=world.discord.owner_id)
        words_add = mention(world.discord, "videomod words add")
        assert answer == f"No banned words yet. Add one with {words_add}."


async def test_a_chinese_answer_names_the_command_as_the_chinese_client_shows_it(tmp_path):
    async with running_bot(tmp_path) as world:
        answer = await command(world, "videos history", user=world.discord.user_id, locale="zh-CN")
        assert answer == "你还没有视频。使用 /视频 生成第一个吧。"


async def test_after_a_restart_that_syncs_nothing_commands_are_still_mentioned(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        async with running_bot(tmp_path, fake=fake, api=api):
            pass
        syncs = len(command_syncs(fake))
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            answer = await command(world, "videos history", user=fake.user_id)
        assert len(command_syncs(fake)) == syncs, "nothing synced"
        assert mention(fake, "video") in answer


async def test_when_discord_will_not_say_the_ids_commands_are_named_plainly(tmp_path):
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        async with running_bot(tmp_path, fake=fake, api=api):
            pass
        fake.fail_next("GET", r"/applications/\d+/commands$", status=403, code=50001)
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            answer = await command(world, "videos history", user=fake.user_id)
        assert answer == "You have no videos yet. Use /video to make your first one."


async def test_a_refused_sync_is_one_line_and_the_next_start_syncs_again(tmp_path, caplog):
    """Discord refusing the command set (400, Invalid Form Body): the bot runs on with the
    commands Discord has, names them plainly, and syncs again at its next start."""
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        fake.fail_next("PUT", r"/commands$", status=400, code=50035, message="Invalid Form Body")
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            answer = await command(world, "videos history", user=fake.user_id)
        assert answer == "You have no videos yet. Use /video to make your first one."
        [refused] = [r for r in caplog.records if r.getMessage().startswith("Command sync")]
        assert refused.getMessage() == (
            "Command sync failed (HTTP 400: Invalid Form Body); continuing with the commands"
            " Discord already has"
        )
        async with running_bot(tmp_path, fake=fake, api=api) as world:
            answer = await command(world, "videos history", user=fake.user_id)
        assert len(command_syncs(fake)) == 2, "synced again"
        assert mention(fake, "video") in answer
