"""The fake Discord's own tests, through the real, unmodified discord.py client."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from tests.discord.harness import BotRunner, make_bot, point_discord_py_at
from tests.fakediscord import (
    CONTRACT_SKIP_REASON,
    FakeChannel,
    FakeClock,
    FakeDiscord,
    FakeGuild,
    FakeMember,
)
from tests.fakediscord import contract as contract_module

MESSAGES = "POST /channels/{channel_id}/messages"


@dataclass
class World:
    guild: FakeGuild
    alerts: FakeChannel
    alice: FakeMember  # an ordinary member
    moderator: FakeMember  # may manage the server


@pytest.fixture
def world(fake_discord: FakeDiscord) -> World:
    guild = fake_discord.add_guild("Policy Watch")
    return World(
        guild=guild,
        alerts=fake_discord.add_channel(guild, "alerts"),
        alice=fake_discord.add_member(guild, "alice"),
        moderator=fake_discord.add_member(guild, "mod", permissions=["manage_guild"]),
    )


def text_channel(bot: commands.AutoShardedBot, channel: FakeChannel) -> discord.TextChannel:
    found = bot.get_channel(channel.id)
    assert isinstance(found, discord.TextChannel)
    return found


# --- login, READY, sync --------------------------------------------------------------------


async def test_bot_logs_in_and_receives_ready_with_its_guild(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())

    assert bot.user is not None
    assert bot.user.id == fake_discord.bot_user.id
    seen = bot.get_guild(world.guild.id)
    assert seen is not None
    assert seen.name == "Policy Watch"
    assert isinstance(seen.get_channel(world.alerts.id), discord.TextChannel)
    assert seen.me.guild_permissions.send_messages
    routes = [r.route for r in fake_discord.requests]
    assert routes[:3] == ["GET /users/@me", "GET /oauth2/applications/@me", "GET /gateway/bot"]
    assert [e.kind for e in fake_discord.gateway.events if e.kind in ("identify", "resume")] == [
        "identify"
    ]


async def test_a_wrong_token_fails_login(fake_discord: FakeDiscord, bots: BotRunner):
    with pytest.raises(discord.LoginFailure):
        await bots.start(make_bot(), token="not-the-token")

    assert fake_discord.requests[-1].status == 401


async def test_a_guild_added_while_connected_arrives_as_guild_create(
    fake_discord: FakeDiscord, bots: BotRunner
):
    bot = await bots.start(make_bot())
    joined = asyncio.ensure_future(bot.wait_for("guild_join", timeout=5))

    guild = fake_discord.add_guild("Late Guild")

    assert (await joined).id == guild.id


async def test_each_shard_identifies_and_gets_only_its_guilds(monkeypatch: pytest.MonkeyPatch):
    async with FakeDiscord(shard_count=2) as fake:
        guilds = [fake.add_guild(f"g{i}") for i in range(4)]
        runner = BotRunner(fake, monkeypatch)
        try:
            bot = await runner.start(make_bot())
            assert bot.shard_count == 2
            assert {g.id for g in bot.guilds} == {g.id for g in guilds}
            for g in bot.guilds:
                assert g.shard_id == (g.id >> 22) % 2
            assert sorted(e.shard for e in fake.gateway.events if e.kind == "identify") == [
                (0, 2),
                (1, 2),
            ]
        finally:
            await runner.stop_all()
        fake.verify()


async def test_global_and_guild_command_sync_is_recorded(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    @bot.tree.command(name="about", description="What this bot is")
    async def about(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("about")

    await bots.start(bot)
    synced = await bot.tree.sync()
    bot.tree.copy_global_to(guild=discord.Object(world.guild.id))
    await bot.tree.sync(guild=discord.Object(world.guild.id))

    assert [c.name for c in synced] == ["about"]
    assert fake_discord.syncs == [(None, ["about"]), (world.guild.id, ["about"])]
    assert [c.name for c in fake_discord.commands()] == ["about"]
    assert [c.name for c in fake_discord.commands(world.guild)] == ["about"]
    fetched = await bot.tree.fetch_commands()
    assert [(c.name, c.id) for c in fetched] == [("about", synced[0].id)]


# --- interactions --------------------------------------------------------------------------


async def test_a_slash_command_reaches_its_handler_and_the_reply_arrives(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()
    seen: list[tuple[str, int, bool]] = []

    @bot.tree.command(name="pledge", description="A pledge's status")
    async def pledge(interaction: discord.Interaction, company: str, days: int = 7) -> None:
        seen.append((company, days, interaction.permissions.manage_guild))
        await interaction.response.send_message(
            f"{company}: in force", embed=discord.Embed(title="Amazon"), ephemeral=False
        )

    await bots.start(bot)
    await bot.tree.sync()

    interaction = fake_discord.inject_slash_command(
        "pledge", {"company": "amazon", "days": 30}, member=world.alice, channel=world.alerts
    )
    reply = await interaction.wait_for_original()

    assert seen == [("amazon", 30, False)]
    assert interaction.callback is not None
    assert interaction.callback["type"] == 4
    assert reply.content == "amazon: in force"
    assert reply.embeds[0]["title"] == "Amazon"
    assert fake_discord.messages(world.alerts) == [reply]
    assert reply.interaction_id == interaction.id
    assert reply.interaction_metadata is not None
    assert reply.interaction_metadata["user"]["id"] == str(world.alice.id)
    assert reply.type == 20


async def test_an_ephemeral_reply_is_seen_only_by_the_invoker(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    @bot.tree.command(name="subscriptions", description="This channel's subscriptions")
    async def subscriptions(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("none yet", ephemeral=True)

    await bots.start(bot)
    await bot.tree.sync()
    interaction = fake_discord.inject_slash_command(
        "subscriptions", member=world.alice, channel=world.alerts
    )

    reply = await interaction.wait_for_original()

    assert reply.ephemeral
    assert reply.content == "none yet"
    assert fake_discord.messages(world.alerts) == []
    assert fake_discord.messages(world.alerts, include_ephemeral=True) == [reply]


async def test_a_deferred_reply_takes_follow_ups_and_original_edits(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    @bot.tree.command(name="news", description="Latest news")
    async def news(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("first page")  # Discord: edits the "thinking" message
        await interaction.followup.send("second page")
        await interaction.edit_original_response(content="first page (edited)")

    await bots.start(bot)
    await bot.tree.sync()
    interaction = fake_discord.inject_slash_command(
        "news", member=world.alice, channel=world.alerts
    )

    second = await interaction.wait_for_followup(1)
    original = await interaction.wait_for_original(lambda m: m.edits >= 2)

    assert interaction.callback is not None
    assert interaction.callback["type"] == 5  # deferred, "thinking..."
    assert original.content == "first page (edited)"
    assert not original.loading
    assert second.content == "second page"
    assert [m.content for m in fake_discord.messages(world.alerts)] == [
        "first page (edited)",
        "second page",
    ]


async def test_a_second_response_to_one_interaction_is_refused(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()
    refused: asyncio.Future[discord.HTTPException] = asyncio.get_running_loop().create_future()

    @bot.tree.command(name="twice", description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        route = Route(
            "POST",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            interaction_id=interaction.id,
            interaction_token=interaction.token,
        )
        try:
            await bot.http.request(route, json={"type": 4, "data": {"content": "two"}})
        except discord.HTTPException as exc:
            refused.set_result(exc)

    await bots.start(bot)
    await bot.tree.sync()
    interaction = fake_discord.inject_slash_command(
        "twice", member=world.alice, channel=world.alerts
    )
    error = await asyncio.wait_for(refused, 5)

    assert error.status == 400
    assert error.code == 40060
    assert len(interaction.callbacks) == 1


async def test_a_reply_after_three_seconds_of_fake_time_finds_the_interaction_gone(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()
    gone: asyncio.Future[discord.NotFound] = asyncio.get_running_loop().create_future()
    clock = fake_discord.clock
    assert isinstance(clock, FakeClock)

    @bot.tree.command(name="slow", description="Too slow")
    async def slow(interaction: discord.Interaction) -> None:
        clock.advance(3.5)
        try:
            await interaction.response.send_message("late")
        except discord.NotFound as exc:
            gone.set_result(exc)

    await bots.start(bot)
    await bot.tree.sync()
    fake_discord.inject_slash_command("slow", member=world.alice, channel=world.alerts)

    assert (await asyncio.wait_for(gone, 5)).code == 10062


async def test_autocomplete_choices_come_back(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    @bot.tree.command(name="pledge", description="A pledge's status")
    async def pledge(interaction: discord.Interaction, company: str) -> None:
        await interaction.response.send_message(company)

    @pledge.autocomplete("company")
    async def companies(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["amazon", "ibm", "microsoft"]
        return [app_commands.Choice(name=n.title(), value=n) for n in names if current in n]

    await bots.start(bot)
    await bot.tree.sync()
    interaction = fake_discord.inject_autocomplete(
        "pledge", {"company": "m"}, focused="company", member=world.alice, channel=world.alerts
    )
    await interaction.wait_for_callback()

    assert interaction.choices == [
        {"name": "Amazon", "value": "amazon"},
        {"name": "Ibm", "value": "ibm"},
        {"name": "Microsoft", "value": "microsoft"},
    ]


async def test_subcommands_and_typed_options_are_delivered(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()
    seen: list[tuple[str, int]] = []
    feeds = app_commands.Group(name="feeds", description="Manage feeds")

    @feeds.command(name="add", description="Add a feed")
    async def add(
        interaction: discord.Interaction, feed_id: str, channel: discord.TextChannel
    ) -> None:
        seen.append((feed_id, channel.id))
        await interaction.response.send_message("added", ephemeral=True)

    bot.tree.add_command(feeds)
    await bots.start(bot)
    await bot.tree.sync()

    interaction = fake_discord.inject_slash_command(
        "feeds add",
        {"feed_id": "gnews", "channel": world.alerts},
        member=world.alice,
        channel=world.alerts,
    )
    await interaction.wait_for_callback()

    assert seen == [("gnews", world.alerts.id)]
    with pytest.raises(ValueError, match="no option 'url'"):
        fake_discord.inject_slash_command(
            "feeds add", {"url": "x"}, member=world.alice, channel=world.alerts
        )
    with pytest.raises(ValueError, match="needs option"):
        fake_discord.inject_slash_command("feeds add", {}, member=world.alice, channel=world.alerts)


async def test_default_member_permissions_decide_who_may_invoke(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()
    seen: list[bool] = []

    @bot.tree.command(name="pledge-review", description="Confirm a suggested change")
    @app_commands.default_permissions(manage_guild=True)
    async def review(interaction: discord.Interaction) -> None:
        seen.append(interaction.permissions.manage_guild)
        await interaction.response.send_message("reviewed", ephemeral=True)

    await bots.start(bot)
    await bot.tree.sync()

    with pytest.raises(PermissionError):
        fake_discord.inject_slash_command("pledge-review", member=world.alice, channel=world.alerts)
    interaction = fake_discord.inject_slash_command(
        "pledge-review", member=world.moderator, channel=world.alerts
    )
    await interaction.wait_for_callback()

    assert seen == [True]


async def test_a_button_click_reaches_the_view_and_updates_the_message(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    class Confirm(discord.ui.View):
        @discord.ui.button(label="Confirm", custom_id="confirm", style=discord.ButtonStyle.success)
        async def confirm(
            self, interaction: discord.Interaction, button: discord.ui.Button
        ) -> None:
            await interaction.response.edit_message(content="confirmed", view=None)

    @bot.tree.command(name="review", description="Review")
    async def review(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Confirm?", view=Confirm())

    await bots.start(bot)
    await bot.tree.sync()
    command = fake_discord.inject_slash_command("review", member=world.alice, channel=world.alerts)
    message = await command.wait_for_original()
    assert message.components[0]["components"][0]["custom_id"] == "confirm"

    click = fake_discord.inject_component(message, "confirm", member=world.alice)
    callback = await click.wait_for_callback()

    assert callback["type"] == 7
    assert message.content == "confirmed"
    assert message.components == []


# --- limits --------------------------------------------------------------------------------


def _embed(**fields: object) -> discord.Embed:
    return discord.Embed(title=str(fields.get("title", "t")), description=fields.get("description"))


LIMIT_CASES = [
    ("content", {"content": "x" * 2001}, "content", "BASE_TYPE_MAX_LENGTH"),
    ("title", {"embed": _embed(title="x" * 257)}, "embeds.0.title", "BASE_TYPE_MAX_LENGTH"),
    (
        "description",
        {"embed": _embed(description="x" * 4097)},
        "embeds.0.description",
        "BASE_TYPE_MAX_LENGTH",
    ),
    ("fields", "fields", "embeds.0.fields", "BASE_TYPE_MAX_LENGTH"),
    ("field name", "field_name", "embeds.0.fields.0.name", "BASE_TYPE_MAX_LENGTH"),
    ("field value", "field_value", "embeds.0.fields.0.value", "BASE_TYPE_MAX_LENGTH"),
    ("footer", "footer", "embeds.0.footer.text", "BASE_TYPE_MAX_LENGTH"),
    ("author", "author", "embeds.0.author.name", "BASE_TYPE_MAX_LENGTH"),
    (
        "6000 in all",
        {"embeds": [_embed(description="x" * 3001) for _ in range(2)]},
        "embeds",
        "MAX_EMBED_SIZE_EXCEEDED",
    ),
    # discord.py itself refuses an 11th embed, so this one goes out as raw JSON
    ("10 embeds", "raw_11_embeds", "embeds", "BASE_TYPE_MAX_LENGTH"),
]


def _build(kind: object) -> dict[str, object]:
    if isinstance(kind, dict):
        return kind
    embed = discord.Embed(title="t")
    if kind == "fields":
        for i in range(26):
            embed.add_field(name=f"n{i}", value="v")
    elif kind == "field_name":
        embed.add_field(name="x" * 257, value="v")
    elif kind == "field_value":
        embed.add_field(name="n", value="x" * 1025)
    elif kind == "footer":
        embed.set_footer(text="x" * 2049)
    elif kind == "author":
        embed.set_author(name="x" * 257)
    return {"embed": embed}


def _error_at(errors: dict, path: str) -> list[dict]:
    node = errors
    for part in path.split("."):
        node = node[part]
    return node["_errors"]


@pytest.mark.parametrize(
    ("case", "kwargs", "path", "code"), LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES]
)
async def test_each_documented_limit_is_answered_with_400_at_its_path(
    fake_discord: FakeDiscord, world: World, bots: BotRunner, case, kwargs, path, code
):
    bot = await bots.start(make_bot())

    if kwargs == "raw_11_embeds":
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.alerts.id)
        send = bot.http.request(route, json={"embeds": [{"title": str(i)} for i in range(11)]})
    else:
        send = text_channel(bot, world.alerts).send(**_build(kwargs))
    with pytest.raises(discord.HTTPException) as caught:
        await send

    assert caught.value.status == 400
    assert caught.value.code == 50035
    refused = fake_discord.requests_to(MESSAGES)[-1]
    answer = refused.response
    assert answer["message"] == "Invalid Form Body"
    assert "X-RateLimit-Remaining" in refused.headers  # a 400 still spends a token
    assert code in [e["code"] for e in _error_at(answer["errors"], path)]
    assert fake_discord.messages(world.alerts) == []


async def test_limits_apply_to_interaction_replies_under_data(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()
    refused: asyncio.Future[discord.HTTPException] = asyncio.get_running_loop().create_future()

    @bot.tree.command(name="long", description="Too long")
    async def long(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as exc:
            refused.set_result(exc)

    await bots.start(bot)
    await bot.tree.sync()
    interaction = fake_discord.inject_slash_command(
        "long", member=world.alice, channel=world.alerts
    )

    assert (await asyncio.wait_for(refused, 5)).code == 50035
    answer = fake_discord.requests[-1].response
    assert _error_at(answer["errors"], "data.content")[0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert not interaction.acknowledged


async def test_an_empty_message_is_refused(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.alerts.id)

    with pytest.raises(discord.HTTPException) as caught:
        await bot.http.request(route, json={"content": ""})

    assert caught.value.code == 50006


# --- rate limits ---------------------------------------------------------------------------


async def test_advertised_buckets_are_respected_with_no_429(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    fake_discord.set_bucket(MESSAGES, 3, 0.2)
    bot = await bots.start(make_bot())
    channel = text_channel(bot, world.alerts)

    await asyncio.gather(*(channel.send(f"alert {i}") for i in range(10)))

    assert sorted(m.content for m in fake_discord.messages(world.alerts)) == sorted(
        f"alert {i}" for i in range(10)
    )
    sent = fake_discord.requests_to(MESSAGES)
    assert [r.status for r in sent] == [200] * 10
    assert fake_discord.count_status(429) == 0
    assert {r.headers["X-RateLimit-Limit"] for r in sent} == {"3"}
    assert "X-RateLimit-Bucket" in sent[0].headers
    assert "X-RateLimit-Reset-After" in sent[0].headers


@pytest.mark.parametrize("storm", [{"seconds": 0.15}, {"count": 4}], ids=["for 0.15 s", "4 times"])
async def test_a_429_storm_is_backed_off_and_every_message_arrives(
    fake_discord: FakeDiscord, world: World, bots: BotRunner, storm: dict[str, float]
):
    bot = await bots.start(make_bot())
    channel = text_channel(bot, world.alerts)
    fake_discord.rate_limit_storm(**storm, retry_after=0.05, route=MESSAGES)  # type: ignore[arg-type]

    await asyncio.gather(*(channel.send(f"alert {i}") for i in range(6)))

    assert len(fake_discord.messages(world.alerts)) == 6
    refused = [r for r in fake_discord.requests_to(MESSAGES) if r.status == 429]
    assert refused, "the storm refused nothing"
    if "count" in storm:
        assert len(refused) == storm["count"]
    assert all(r.headers.get("Via") and "retry_after" in r.response for r in refused)


async def test_the_global_limit_is_enforced_and_backed_off(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    channels = [fake_discord.add_channel(world.guild, f"c{i}") for i in range(8)]
    bot = await bots.start(make_bot())
    fake_discord.set_global_limit(4, 0.2)

    await asyncio.gather(*(text_channel(bot, c).send("hello") for c in channels))

    assert all(len(fake_discord.messages(c)) == 1 for c in channels)
    globals_ = [r for r in fake_discord.requests if r.status == 429]
    assert globals_
    assert all(r.response["global"] is True for r in globals_)


# --- failures ------------------------------------------------------------------------------


async def test_a_dropped_gateway_resumes_and_replays_what_was_missed(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    @bot.tree.command(name="about", description="About")
    async def about(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("still here")

    await bots.start(bot)
    await bot.tree.sync()

    assert await fake_discord.drop_gateway() == 1
    interaction = fake_discord.inject_slash_command(
        "about", member=world.alice, channel=world.alerts
    )
    await fake_discord.wait_for_gateway("resume")
    reply = await interaction.wait_for_original()

    assert reply.content == "still here"
    kinds = [e.kind for e in fake_discord.gateway.events]
    assert kinds.count("identify") == 1
    assert kinds.count("resume") == 1
    resume = next(e for e in fake_discord.gateway.events if e.kind == "resume")
    assert resume.path == "/gateway/resume"


async def test_an_invalidated_session_reidentifies_and_the_default_gateway_trap_reports_it(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    await bots.start(make_bot())

    await fake_discord.invalidate_sessions()
    await fake_discord.wait_for_gateway("identify", 2)

    problems = fake_discord.take_problems("default_gateway")
    assert problems
    assert "DEFAULT_GATEWAY" in problems[0].detail
    assert len(fake_discord.gateway.live_sessions()) == 1


async def test_an_outage_lasts_in_fake_time_until_the_clock_is_advanced(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())
    channel = text_channel(bot, world.alerts)
    clock = fake_discord.clock
    assert isinstance(clock, FakeClock)

    fake_discord.set_outage(600)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("during")
    clock.advance(minutes=9)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("still during")
    clock.advance(minutes=1)
    await channel.send("after")

    assert [m.content for m in fake_discord.messages(world.alerts)] == ["after"]


async def test_a_gateway_outage_refuses_reconnects_until_the_clock_moves_on(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = make_bot()

    @bot.tree.command(name="about", description="About")
    async def about(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("back")

    await bots.start(bot)
    await bot.tree.sync()
    clock = fake_discord.clock
    assert isinstance(clock, FakeClock)

    fake_discord.set_outage(600, gateway=True)
    await fake_discord.wait_for_gateway("refused")  # the RESUME attempt
    clock.advance(minutes=10)
    await fake_discord.wait_for_gateway("identify", 2)  # discord.py gave up resuming
    interaction = fake_discord.inject_slash_command(
        "about", member=world.alice, channel=world.alerts
    )

    assert (await interaction.wait_for_original()).content == "back"
    # discord.py 2.7.1 reconnects through DEFAULT_GATEWAY after a refused RESUME
    assert fake_discord.take_problems("default_gateway")


async def test_a_deleted_channel_answers_404_and_a_revoked_permission_403(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    other = fake_discord.add_channel(world.guild, "other")
    bot = await bots.start(make_bot())
    alerts, other_channel = text_channel(bot, world.alerts), text_channel(bot, other)

    fake_discord.revoke_permission(world.alerts, "send_messages")
    fake_discord.delete_channel(other)

    with pytest.raises(discord.Forbidden) as forbidden:
        await alerts.send("x")
    with pytest.raises(discord.NotFound) as gone:
        await other_channel.send("x")
    assert forbidden.value.code == 50013
    assert gone.value.code == 10003
    fake_discord.revoke_permission(world.alerts, "view_channel")
    with pytest.raises(discord.Forbidden) as hidden:
        await alerts.send("x")
    assert hidden.value.code == 50001


# --- nonce, edits, webhooks ----------------------------------------------------------------


async def test_enforce_nonce_returns_the_existing_message_and_creates_none(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())
    channel = text_channel(bot, world.alerts)
    clock = fake_discord.clock
    assert isinstance(clock, FakeClock)

    first = await channel.send("Amazon extends its moratorium", nonce="outbox-42")
    again = await channel.send("Amazon extends its moratorium", nonce="outbox-42")
    clock.advance(minutes=6)
    later = await channel.send("Amazon extends its moratorium", nonce="outbox-42")

    assert again.id == first.id
    assert later.id != first.id
    assert len(fake_discord.messages(world.alerts)) == 2
    assert [m.id for m in fake_discord.deduplicated] == [first.id]
    assert fake_discord.requests_to(MESSAGES)[0].body["enforce_nonce"] is True


async def test_messages_are_edited_and_mentions_follow_allowed_mentions(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())
    channel = text_channel(bot, world.alerts)

    quiet = await channel.send(
        f"@everyone <@{world.alice.id}> news", allowed_mentions=discord.AllowedMentions.none()
    )
    loud = await channel.send(f"@everyone <@{world.alice.id}> news")
    await quiet.edit(content="corrected", embed=discord.Embed(title="Update"))

    stored_quiet, stored_loud = fake_discord.messages(world.alerts)
    assert not stored_quiet.mention_everyone
    assert stored_quiet.mentions == []
    assert stored_quiet.allowed_mentions == {"parse": []}
    assert stored_loud.mention_everyone
    assert stored_loud.mentions == [world.alice.id]
    assert stored_quiet.content == "corrected"
    assert stored_quiet.edits == 1
    assert stored_quiet.embeds[0]["title"] == "Update"
    fetched = await channel.fetch_message(loud.id)
    assert fetched.content == loud.content
    history = [m.id async for m in channel.history(limit=10)]
    assert history == [loud.id, quiet.id]  # newest first


async def test_a_file_goes_out_as_multipart_and_is_stored_as_an_attachment(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())

    await text_channel(bot, world.alerts).send(
        "digest", file=discord.File(io.BytesIO(b"weekly digest"), "digest.txt")
    )

    (stored,) = fake_discord.messages(world.alerts)
    assert stored.content == "digest"
    assert [(a["filename"], a["size"]) for a in stored.attachments] == [("digest.txt", 13)]


async def test_an_incoming_webhook_stores_messages_and_waits_when_asked(
    fake_discord: FakeDiscord, world: World, monkeypatch: pytest.MonkeyPatch
):
    point_discord_py_at(fake_discord, monkeypatch)
    hook = fake_discord.create_webhook(world.alerts)

    async with aiohttp.ClientSession() as session:
        webhook = discord.Webhook.partial(hook.id, hook.token, session=session)
        sent = await webhook.send("from the webhook", embed=discord.Embed(title="Alert"), wait=True)
        async with session.post(hook.url, json={"content": "no wait"}) as nowait:
            assert nowait.status == 204
        async with session.post(hook.url + "?wait=true", json={"content": "raw"}) as waited:
            assert waited.status == 200
            assert waited.headers["Content-Type"] == "application/json"
            assert (await waited.json())["content"] == "raw"
        unversioned = f"{fake_discord.base_url}/api/webhooks/{hook.id}/{hook.token}?wait=true"
        async with session.post(unversioned, json={"content": "unversioned"}) as plain:
            assert plain.status == 200
        await sent.edit(content="edited through the webhook")

    stored = fake_discord.messages(world.alerts)
    assert [m.content for m in stored] == [
        "edited through the webhook",
        "no wait",
        "raw",
        "unversioned",
    ]
    assert {m.webhook_id for m in stored} == {hook.id}
    fake_discord.delete_channel(world.alerts)
    async with (
        aiohttp.ClientSession() as session,
        session.post(hook.url + "?wait=true", json={"content": "gone"}) as gone,
    ):
        assert gone.status == 404
        assert (await gone.json())["code"] == 10015


# --- recorded problems ---------------------------------------------------------------------


async def test_an_unimplemented_route_is_caught_at_teardown(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    bot = await bots.start(make_bot())

    with pytest.raises(discord.NotFound):
        await bot.http.request(Route("GET", "/users/@me/connections"))

    with pytest.raises(AssertionError, match=r"unimplemented_route\] GET /users/@me/connections"):
        fake_discord.verify()  # what the fixture's teardown calls
    assert len(fake_discord.take_problems("unimplemented_route")) == 1


async def test_contract_validation_rejects_a_body_the_spec_does_not_allow(
    fake_discord: FakeDiscord, world: World, bots: BotRunner
):
    if fake_discord.contract is None:
        pytest.skip(CONTRACT_SKIP_REASON)
    bot = await bots.start(make_bot())
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.alerts.id)

    with pytest.raises(discord.HTTPException) as caught:
        await bot.http.request(route, json={"content": "hi", "tts": "yes please"})

    assert caught.value.status == 400
    assert caught.value.code == 50035
    problems = fake_discord.take_problems("contract_violation")
    assert len(problems) == 1
    assert "tts" in problems[0].detail
    assert fake_discord.messages(world.alerts) == []


def test_contract_checks_skip_with_a_reason_when_the_spec_is_absent(tmp_path: Path):
    assert contract_module.load(tmp_path / "openapi.json") is None
    assert "contract checks skipped" in CONTRACT_SKIP_REASON
