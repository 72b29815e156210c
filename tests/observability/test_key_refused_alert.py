"""A revoked APIMart key, as an operator who copied docs/operations.md's alert rules hears of it.

/healthz stays 200 (a restart cannot fix a key) and /readyz is not scraped by Prometheus: the
alert rules are the operator's only pager."""

from tests.fakes.apimart import TaskPlan
from tests.harness import running_bot
from tests.observability.scrape import scrape
from tests.observability.test_metrics_e2e import balance_read
from tests.observability.test_outcome_counts import documented_alerts, tells_of_the_outage


def alerts_telling(healthy, outage) -> list[str]:
    return [
        alert
        for alert, expr in documented_alerts().items()
        if tells_of_the_outage(expr, healthy, outage)
    ]


async def test_a_key_revoked_while_a_render_is_under_way_fires_a_documented_alert(
    tmp_path, monkeypatch
):
    """Every status check and balance read now answers 401: the render under way is lost from
    view and every new video would be refused. No member has tried one yet, so nothing counts as
    rejected, and APIMart is up (no 5xx, no timeouts): a documented alert must still read a
    series a healthy run leaves at zero and the revoked key moves; once the key works again,
    its alert is quiet."""
    plan = TaskPlan(polls_until_done=None)
    # The read a refused check asks for comes 0.1 s after the last, not 2 s (tests/test_balance.py)
    monkeypatch.setattr("bot.balance.SOON_SPACING", 0.1)
    async with running_bot(tmp_path, plan=plan, metrics_port=0) as world:
        base = f"http://127.0.0.1:{world.bot.observability.port}"
        await balance_read(world)
        await world.video(prompt="a kite over the sea")
        await world.api.wait_for_polls(1)
        healthy = await scrape(base)

        revoked_key = world.api.api_key
        world.api.api_key = "sk-revoked-on-apimart"
        await world.discord.wait_for(
            lambda: world.bot.balance.key_refused, description="a balance read refused"
        )
        outage = await scrape(base)

        world.api.api_key = revoked_key  # rotated back
        await world.bot.balance.read_now()
        fixed = await scrape(base)

    assert outage.total("videobot_submits_total", outcome="rejected") == 0
    assert alerts_telling(healthy, outage), "no documented alert reads a series the key moves"
    # The key's own alert goes quiet; a poll lag the refused checks built up may take a
    # moment longer to drain (its own alert waits out a `for:` window), timing not asserted.
    assert "VideoBotAPIMartKeyRefused" not in alerts_telling(healthy, fixed)
    assert "VideoBotAPIMartKeyRefused" in alerts_telling(healthy, outage)
