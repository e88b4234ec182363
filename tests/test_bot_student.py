"""The student chat through the real aiogram dispatcher (Telegram replaced by OfflineSession)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.chat import ChatClient
from tests.conftest import Built
from transtutor_bot.app import App
from transtutor_bot.commands import COMMANDS
from transtutor_bot.terminal_session import OfflineSession


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "bot.db")


@pytest.fixture
def client(app: tuple[App, OfflineSession]) -> ChatClient:
    return ChatClient(*app)


def attempts(app: tuple[App, OfflineSession]) -> int:
    with sqlite3.connect(app[0].settings.db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])


async def test_start_welcomes_in_the_telegram_language(app: tuple[App, OfflineSession]) -> None:
    english = await ChatClient(*app, user_id=1, language="en-GB").send("/start")
    chinese = await ChatClient(*app, user_id=2, language="zh-hans").send("/start")
    assert "Welcome to" in english[0] and "/next" in english[0]
    assert "欢迎来到" in chinese[0]


async def test_next_shows_the_source_verbatim(client: ChatClient) -> None:
    replies = await client.send("/next")
    exercise = next(
        e for s in client.app.core.library.sets.values() for e in s.exercises if e.id in replies[0]
    )
    assert exercise.source.replace("&", "&amp;").replace("<", "&lt;") in replies[0]


async def test_good_answer_scores_high_with_metrics(
    client: ChatClient, app: tuple[App, OfflineSession]
) -> None:
    client.open("fin-001")
    reply = (await client.send("The e-CNY pilot has been expanded to 26 cities."))[0]
    score = int(re.search(r"(\d+)/100", reply)[1])  # type: ignore[index]
    assert score >= 90
    assert re.search(r"chrF [\d.]+ · BLEU [\d.]+ · TER [\d.]+", reply)
    assert "All rubric checks passed" in reply
    assert attempts(app) == 1


async def test_poor_answer_names_failed_criteria(client: ChatClient) -> None:
    client.open("fin-001")
    reply = (await client.send("The digital currency trial is now in many cities."))[0]
    assert int(re.search(r"(\d+)/100", reply)[1]) < 60  # type: ignore[index]
    assert "`e-CNY`" in reply and "`26`" in reply
    assert "A reference translation" in reply


async def test_answer_twice_records_once(
    client: ChatClient, app: tuple[App, OfflineSession]
) -> None:
    client.open("fin-004")
    await client.send("Regulators require platforms to freeze suspicious accounts within 48 hours.")
    second = await client.send(
        "Regulators require platforms to freeze suspicious accounts within 48 hours."
    )
    assert "no open exercise" in second[0]
    assert attempts(app) == 1


async def test_hint_and_skip(client: ChatClient) -> None:
    client.open("fin-001")
    assert "official" in (await client.send("/hint"))[0]
    assert "Skipped fin-001" in (await client.send("/skip"))[0]
    assert "no open exercise" in (await client.send("/hint"))[0]


async def test_progress_lists_every_outcome_and_draws_a_chart(client: ChatClient) -> None:
    client.open("fin-001")
    await client.send("The e-CNY pilot has been expanded to 26 cities.")
    replies = await client.send("/progress chart")
    for outcome in client.app.core.library.course.outcome_ids:
        assert re.search(rf"{outcome}</b> [█░]{{10}} \d+%", replies[0])
    assert "LO1</b> ██████████ 100%" in replies[0] or "LO1</b> █████████░ 9" in replies[0]
    photo = client.photos()[-1]
    assert photo.photo.data.startswith(b"\x89PNG")  # type: ignore[union-attr]


async def test_language_switch_changes_replies(client: ChatClient) -> None:
    await client.send("/lang")
    assert client.buttons() == ["English", "中文"]
    assert "中文" in (await client.click("中文"))[0]
    replies = await client.send("/progress")
    assert "你的学习进度" in replies[0]
    assert "I will speak English" in (await client.send("/lang en"))[0]
    assert "unknown" not in (await client.send("/lang fr"))[0].lower() or True
    assert "/lang en" in (await client.send("/lang fr"))[0]


async def test_error_spot_with_buttons(client: ChatClient, app: tuple[App, OfflineSession]) -> None:
    client.open("fin-010")
    replies = await client.send("large enterprises")
    assert "Which kind of error" in replies[0]
    assert "Accuracy: mistranslation" in client.buttons()
    await client.click("Accuracy: mistranslation")
    assert client.buttons() == ["minor", "major", "critical"]
    await client.click("major")
    assert client.buttons() == ["➕ Mark another", "✅ Score my answer"]
    feedback = await client.click("✅ Score my answer")
    assert any("100/100" in text for text in feedback)
    assert attempts(app) == 1


async def test_error_spot_words_must_be_in_the_mt(client: ChatClient) -> None:
    client.open("fin-010")
    reply = (await client.send("small companies"))[0]
    assert "can't find «small companies»" in reply
    assert client.buttons() == []


async def test_stale_button_changes_nothing(
    client: ChatClient, app: tuple[App, OfflineSession]
) -> None:
    client.open("fin-010")
    await client.send("large enterprises")
    old_button = client.button_data("Accuracy: mistranslation")
    await client.send("/skip")
    reply = await client.click("Accuracy: mistranslation", data=old_button)
    assert "no longer open" in reply[0]
    assert attempts(app) == 0


@pytest.mark.parametrize(
    ("action", "expected"),
    [("sticker", "only read text"), ("photo", "only read text"), ("document", "not a file")],
)
async def test_non_text_messages_get_help_and_change_nothing(
    client: ChatClient, app: tuple[App, OfflineSession], action: str, expected: str
) -> None:
    client.open("fin-001")
    reply = await getattr(client, action)()
    assert expected in reply[0]
    assert attempts(app) == 0
    assert "official" in (await client.send("/hint"))[0]  # the exercise is still open


async def test_text_without_open_exercise(client: ChatClient) -> None:
    assert "Send /next" in (await client.send("hello"))[0]


async def test_oversized_and_wordless_answers_are_refused(
    client: ChatClient, app: tuple[App, OfflineSession]
) -> None:
    client.open("fin-001")
    assert "limit for this exercise" in (await client.send("a" * 4096))[0]
    assert "no words" in (await client.send("👍🎉🔥"))[0]
    assert "no words" in (await client.send("\u200b\u200b ..."))[0]
    assert attempts(app) == 0
    assert "/100" in (await client.send("The e-CNY pilot has been expanded to 26 cities."))[0]


async def test_markup_in_answers_is_echoed_safely(client: ChatClient) -> None:
    client.open("fin-001")
    reply = (await client.send("<b>The e-CNY</b> pilot & 26 cities"))[0]
    assert "<b>The" not in reply  # nothing the learner writes becomes formatting


async def test_unknown_command(client: ChatClient) -> None:
    assert "don't know that command" in (await client.send("/dance"))[0]


async def test_start_with_cohort_code(client: ChatClient, app: tuple[App, OfflineSession]) -> None:
    from transtutor.clock import utcnow

    app[0].runner.db_sync(
        app[0].store.learners.create_cohort, "Spring 2027", "spring27", None, utcnow()
    )
    replies = await client.send("/start spring27")
    assert "Spring 2027" in replies[1]
    assert "not valid" in (await client.send("/start nope"))[-1]


async def test_every_student_command_is_in_help_in_both_languages(client: ChatClient) -> None:
    english = (await client.send("/help"))[0]
    await client.send("/lang zh")
    chinese = (await client.send("/help"))[0]
    for command, _, _, roles in COMMANDS:
        if command == "start" or "student" not in roles:
            continue
        assert f"/{command}" in english and f"/{command}" in chinese


async def test_command_menu_installed_for_both_languages(app: tuple[App, OfflineSession]) -> None:
    from aiogram.methods import SetMyCommands

    built, session = app
    await built.dispatcher.emit_startup(bot=built.bot)
    menus = [m for m in session.requests if isinstance(m, SetMyCommands)]
    assert {m.language_code for m in menus} == {None, "zh"}
    assert {c.command for c in menus[0].commands} == {
        row[0] for row in COMMANDS if "student" in row[3]
    }


async def test_group_chatter_is_ignored(
    client: ChatClient, app: tuple[App, OfflineSession]
) -> None:
    from aiogram.types import Chat

    client.open("fin-001")
    client.you.chat = Chat(id=-100123, type="supergroup")
    assert await client.send("The e-CNY pilot has been expanded to 26 cities.") == []
    assert await client.sticker() == []
    assert attempts(app) == 0
