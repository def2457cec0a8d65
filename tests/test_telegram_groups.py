"""Group dilemma sessions over real HTTP: admins lead, everyone votes anonymously."""

from __future__ import annotations

import pytest

from bot.runtime import Wegwijzer
from bot.settings import Settings
from tests.fakebotapi import FakeBotApi, Outgoing
from tests.fakebotapi.harness import running_bot


@pytest.fixture(scope="module")
def wegwijzer(content, nlu, tmp_path_factory: pytest.TempPathFactory) -> Wegwijzer:
    if content.dilemmas is None:
        pytest.fail("the dilemma library should load with the content")
    from bot.stats.store import SignalenStore

    data = tmp_path_factory.mktemp("tg-groups")
    return Wegwijzer(content, nlu, Settings(data_dir=data), SignalenStore(data / "signalen.db"))


@pytest.fixture
async def api():
    async with FakeBotApi() as server:
        yield server


def texts(out: list[Outgoing]) -> str:
    return "\n".join(o.plain for o in out)


def has_poll(out: list[Outgoing]) -> bool:
    return any(o.poll for o in out)


def last_with_buttons(out: list[Outgoing]) -> bool:
    return bool(out) and bool(out[-1].buttons)


def group_with_admin(api, group_id: int | None = None):
    """A group and a user who administers it."""
    group = api.group() if group_id is None else api.group(group_id)
    admin = api.user()
    api.set_member(group, admin, "administrator")
    return group, admin


async def test_admin_runs_a_session_with_an_anonymous_poll(wegwijzer, api):
    library = wegwijzer.content.dilemmas
    group, admin = group_with_admin(api)
    async with running_bot(wegwijzer, api):
        welcome = await api.turn(api.send_text(admin, "/sessie", group), group.id,
                                 until=last_with_buttons)  # fmt: skip
        assert "dilemmasessie" in welcome[-1].plain
        shown = await api.turn(api.press(admin, welcome[-1], "Trek"), group.id, until=has_poll)
        poll_msg = next(o for o in shown if o.poll)
        poll = poll_msg.poll
        assert poll["is_anonymous"] is True
        dilemma = next(d for d in library.all() if d.titel.nl in poll["question"])
        assert dilemma.situatie.nl.split(".")[0] in texts(shown)
        assert len(poll["options"]) == len(dilemma.opties)
        # five people vote; the bot only ever learns counts
        for option, n in ((0, 3), (1, 2)):
            api.vote(poll["id"], option, n)
        revealed = await api.turn(api.press(admin, poll_msg, "uitslag"), group.id,
                                  until=last_with_buttons)  # fmt: skip
        assert api.calls_of("stopPoll")
        # the closed poll's counts go to the anonymous dilemma statistics, once
        tally = wegwijzer.recorder.dilemma_tally(dilemma.id)
        assert tally == {dilemma.opties[0].id: 3, dilemma.opties[1].id: 2}
        shown_text = texts(revealed)
        assert "5 stemmen" in shown_text
        for option in dilemma.opties:
            assert option.bespreking.nl in shown_text
        assert f"GIR {dilemma.gir}" in shown_text or dilemma.gir in shown_text
        desk = wegwijzer.content.loketten[dilemma.loketten[0]].naam.nl
        assert desk in shown_text
        assert "Volgend dilemma" in revealed[-1].labels
        # next dilemma: a different one
        nxt = await api.turn(api.press(admin, revealed[-1], "Volgend"), group.id, until=has_poll)
        second = next(o for o in nxt if o.poll).poll
        assert dilemma.titel.nl not in second["question"]
        # stop ends the session and closes the open poll
        done = await api.turn(api.send_text(admin, "/stop", group), group.id)
        assert "gestopt" in texts(done)
        assert len(api.calls_of("stopPoll")) == 2
        assert not [c for c in api.calls if c.method == "sendPoll" and c.status != 200]


async def test_non_admin_cannot_lead_a_session(wegwijzer, api):
    group = api.group(-100777)
    admin, member = api.user(), api.user()
    api.set_member(group, admin, "creator")
    api.set_member(group, member, "member")
    async with running_bot(wegwijzer, api):
        refused = await api.turn(api.send_text(member, "/sessie", group), group.id)
        assert "Alleen een beheerder" in texts(refused)
        assert not api.calls_of("sendPoll")
        # the owner starts one; a member pressing the admin's buttons gets a private alert
        first_id = len(api.calls)
        welcome = await api.turn(api.send_text(admin, "/dilemma", group), group.id, until=has_poll)
        poll_msg = next(o for o in welcome if o.poll)
        before = len(api.calls)
        api.press(member, poll_msg, "uitslag")
        answer = await api.wait_for_call("answerCallbackQuery", since=before)
        assert answer.params.get("show_alert") is True
        assert "beheerder" in answer.params["text"]
        assert not api.calls_of("stopPoll", since=first_id)
        refused = await api.turn(api.send_text(member, "/onthul", group), group.id)
        assert "Alleen een beheerder" in texts(refused)
        assert not api.calls_of("stopPoll", since=first_id)


async def test_admin_can_pick_a_dilemma_by_id(wegwijzer, api):
    dilemma = wegwijzer.content.dilemmas.all()[-1]
    group, admin = group_with_admin(api, -100888)
    async with running_bot(wegwijzer, api):
        out = await api.turn(api.send_text(admin, f"/sessie {dilemma.id}", group), group.id,
                             until=has_poll)  # fmt: skip
        assert dilemma.titel.nl in next(o for o in out if o.poll).poll["question"]
        unknown = await api.turn(api.send_text(admin, "/dilemma bestaat_niet", group), group.id)
        assert "ken ik niet" in texts(unknown)


async def test_a_session_can_be_started_in_english(wegwijzer, api):
    dilemma = wegwijzer.content.dilemmas.all()[0]
    group, admin = group_with_admin(api, -100777)
    async with running_bot(wegwijzer, api):
        welcome = await api.turn(api.send_text(admin, "/sessie EN", group), group.id,
                                 until=last_with_buttons)  # fmt: skip
        assert "dilemma session starts" in welcome[-1].plain
        helped = await api.turn(api.send_text(admin, "/help", group), group.id)
        assert "I only run dilemma sessions" in texts(helped)  # the open session's language
        out = await api.turn(api.send_text(admin, f"/sessie en {dilemma.id}", group), group.id,
                             until=has_poll)  # fmt: skip
        assert dilemma.titel.en in next(o for o in out if o.poll).poll["question"]
        dutch = await api.turn(api.send_text(admin, "/sessie", group), group.id,
                               until=last_with_buttons)  # fmt: skip
        assert "dilemmasessie" in dutch[-1].plain  # without a code: the deployment's language


async def test_personal_story_in_group_gets_a_private_invitation(wegwijzer, api):
    group = api.group(-100999)
    member = api.user()
    async with running_bot(wegwijzer, api) as bot:
        text = f"@{api.bot_username} mijn leidinggevende intimideert mij, wat moet ik doen?"
        out = await api.turn(api.send_text(member, text, group), group.id)
        assert len(out) == 1
        assert "privébericht" in out[0].plain
        url = out[0].buttons[0][0]["url"]
        assert url == f"https://t.me/{api.bot_username}?start=groep"
        # nothing of it went into a wegwijzer conversation
        assert wegwijzer.state_of(bot.chan.keys.key(group.id)) is None
        # a plain group message that is not addressed to the bot is ignored
        before = len(api.calls)
        api.send_text(member, "Wie heeft de notulen?", group)
        await api.wait_until(lambda: any(c.method == "getUpdates" for c in api.calls[before:]))
        assert not api.outgoing(group.id, since=before)


async def test_crisis_words_in_a_group_get_the_emergency_numbers_first(wegwijzer, api):
    group = api.group(-100555)
    member = api.user()
    async with running_bot(wegwijzer, api):
        text = f"@{api.bot_username} ik wil niet meer leven"
        out = await api.turn(api.send_text(member, text, group), group.id, until=last_with_buttons)
        assert "112" in out[0].plain and "113" in out[0].plain
        assert "privébericht" in out[-1].plain


async def test_a_button_from_an_earlier_run_is_answered(wegwijzer, api):
    group = api.group(-100444)
    admin = api.user()
    async with running_bot(wegwijzer, api):
        welcome = await api.turn(api.send_text(admin, "/help", group), group.id)
        before = len(api.calls)
        api.press_data(admin, welcome[0], "x:unknown")
        answer = await api.wait_for_call("answerCallbackQuery", since=before)
        assert "werkt niet meer" in answer.params["text"]
