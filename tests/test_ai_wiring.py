"""AI assistance in the chat, over the loopback stand-in: /explain, /ai, the notice, MT drafts
at import, /drafts, the second opinion and provider use in /summary, and every failure giving
one line while answers keep being scored. Without a provider, everything works as before."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ai_standin import Behaviour, Hang, Raw, Reply, StandIn, Status, closed_port_url
from tests.chat import ChatClient
from tests.cli_process import run as cli
from tests.conftest import Built
from tests.own_course import COURSE, write_course
from transtutor.ai import LEARNER_LINES, Reason
from transtutor.store import Store
from transtutor_bot import render_practice
from transtutor_bot.app import App
from transtutor_bot.i18n import Translator

KEY = "sk-test-9f8e7d6c5b4a"
MODEL = "stand-in-model"
ANSWER = "The e-CNY pilot has been extended to 26 cities."
EXPLANATION = "Your translation is close. 'Extended' should be 'expanded'."
TEACHER, COORDINATOR = 7, 8

DRAFT_SET = """\
id: own-zh-en
title: Own set
language_pair: zh-en
outcomes: [T1]
exercises:
  - id: own-001
    source: 这座城市有三百万人口。
    references: [The city has a population of three million.]
  - id: pe-001
    type: post_edit
    source: 人工智能可以帮助译者提高工作效率。
    references: [Artificial intelligence can help translators work more efficiently.]
  - id: pe-002
    type: post_edit
    source: 这座城市有三百万人口。
    references: [The city has a population of three million.]
"""


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn(Reply(EXPLANATION)) as server:
        yield server


def with_ai(url: str, **extra: Any) -> dict[str, Any]:
    return {"ai_url": url, "ai_model": MODEL, "ai_key": KEY, **extra}


async def build(make_app: Callable[..., Built], **settings: Any) -> Built:
    # Start-up may fetch drafts from the stand-in, which serves on this loop: build elsewhere.
    return await asyncio.to_thread(make_app, **settings)


def attempts(app: App) -> int:
    with sqlite3.connect(app.settings.db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])


def score_in(text: str) -> int:
    found = re.search(r"(\d+)/100", text)
    assert found, text
    return int(found[1])


async def answer(client: ChatClient) -> str:
    client.open("fin-001")
    replies = await client.send(ANSWER)
    return replies[0]


async def explain_after_notice(client: ChatClient) -> list[str]:
    first = await client.send("/explain")
    assert "About AI assistance" in first[0] and "never sent" in first[0]
    return await client.send("/explain")


async def test_explain_relays_the_model_text_labelled_with_model_and_key(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    app, session = await build(make_app, db=tmp_path / "bot.db", **with_ai(standin.url))
    client = ChatClient(app, session, user_id=42, name="Wang Fang")
    assert score_in(await answer(client)) > 0
    assert standin.requests == []  # scoring asked nothing of the provider
    replies = await explain_after_notice(client)
    assert len(standin.requests) == 1
    assert "AI-generated explanation" in replies[-1] and MODEL in replies[-1]
    assert EXPLANATION in replies[-1]
    request = standin.requests[0]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body["model"] == MODEL
    sent = request.text
    assert ANSWER in sent and "数字人民币" in sent
    assert "Wang Fang" not in sent and "42" not in json.dumps(request.body["messages"][1:])


async def test_explain_answers_in_the_learners_language(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    app, session = await build(make_app, db=tmp_path / "bot.db", **with_ai(standin.url))
    client = ChatClient(app, session, user_id=43, language="zh-hans")
    await answer(client)
    app.runner.db_sync(app.store.learners.set_language, 43, "zh")  # open() wrote "en"
    app.core.practice.forget_cached(43)
    await client.send("/explain")
    replies = await client.send("/explain")
    assert "以下讲解由 AI 生成" in replies[-1]
    assert "Chinese" in standin.requests[0].body["messages"][0]["content"]


FAILURES: list[tuple[str, list[Behaviour], Reason]] = [
    ("429", [Status(429, {"Retry-After": "60"})], Reason.rate_limited),
    ("500", [Status(500)] * 3, Reason.server_error),
    ("malformed", [Raw("{not json")], Reason.bad_response),
    ("timeout", [Hang()], Reason.timeout),
]


@pytest.mark.parametrize(("name", "behaviours", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
async def test_each_failure_gives_one_line_and_answers_keep_being_scored(
    make_app: Callable[..., Built],
    tmp_path: Path,
    standin: StandIn,
    caplog: pytest.LogCaptureFixture,
    name: str,
    behaviours: list[Behaviour],
    reason: Reason,
) -> None:
    caplog.set_level(logging.DEBUG)
    app, session = await build(
        make_app, db=tmp_path / "bot.db", **with_ai(standin.url, ai_timeout="0.5")
    )
    client = ChatClient(app, session, user_id=44)
    await answer(client)
    await client.send("/explain")  # the notice
    standin.script(*behaviours)
    replies = await client.send("/explain")
    assert replies == [LEARNER_LINES[reason]["en"]]
    assert score_in(await answer(client)) > 0  # still scored, and stored
    assert attempts(app) == 2
    standin.release()
    assert KEY not in caplog.text
    assert ANSWER not in "\n".join(
        r.getMessage() for r in caplog.records if r.levelno >= logging.INFO
    )


async def test_a_refused_connection_gives_one_line(
    make_app: Callable[..., Built], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app, session = await build(make_app, db=tmp_path / "bot.db", **with_ai(closed_port_url()))
    client = ChatClient(app, session, user_id=45)
    await answer(client)
    await client.send("/explain")
    replies = await client.send("/explain")
    assert replies == [LEARNER_LINES[Reason.refused_connection]["en"]]
    assert score_in(await answer(client)) > 0
    assert KEY not in caplog.text


async def test_without_a_provider_explain_says_how_to_enable_it(
    make_app: Callable[..., Built], tmp_path: Path
) -> None:
    app, session = make_app(db=tmp_path / "bot.db")
    client = ChatClient(app, session, user_id=46)
    assert score_in(await answer(client)) > 0
    replies = await client.send("/explain")
    assert replies == [LEARNER_LINES[Reason.not_configured]["en"]]
    assert "TRANSTUTOR_AI_URL" in replies[0]
    assert "not set up" in (await client.send("/ai"))[0]
    assert not app.core.assist.configured


async def test_ai_off_sends_nothing_and_on_turns_it_back(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    app, session = await build(make_app, db=tmp_path / "bot.db", **with_ai(standin.url))
    client = ChatClient(app, session, user_id=47)
    await answer(client)
    assert "off for you" in (await client.send("/ai off"))[0]
    assert (await client.send("/explain")) == [LEARNER_LINES[Reason.disabled_by_user]["en"]]
    assert standin.requests == []
    assert "on for you" in (await client.send("/ai on"))[0]
    replies = await explain_after_notice(client)
    assert EXPLANATION in replies[-1]
    assert "1 of 30" in (await client.send("/ai"))[0]


async def test_the_daily_limit_is_kept_in_the_database(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    settings = {"db": tmp_path / "bot.db", **with_ai(standin.url, ai_daily_limit="1")}
    app, session = await build(make_app, **settings)
    client = ChatClient(app, session, user_id=48)
    await answer(client)
    await explain_after_notice(client)
    await app.core.assist.aclose()
    app.close()
    again, session = await build(make_app, **settings)  # a restart
    client = ChatClient(again, session, user_id=48)
    assert (await client.send("/explain")) == [LEARNER_LINES[Reason.daily_limit]["en"]]
    assert len(standin.requests) == 1


async def test_explain_before_any_answer_says_what_to_do(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    app, session = await build(make_app, db=tmp_path / "bot.db", **with_ai(standin.url))
    client = ChatClient(app, session, user_id=49)
    await client.send("/explain")
    assert "no scored answer" in (await client.send("/explain"))[0]
    assert standin.requests == []


# MT drafts


def draft_course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "course", COURSE, DRAFT_SET)


def drafts_of(app: App) -> dict[str, tuple[str | None, str | None]]:
    stored = app.runner.db_sync(app.store.content.exercise_set, "own-zh-en")
    assert stored is not None
    return {e.id: (e.mt, e.mt_engine) for e in stored.exercises if e.type.value == "post_edit"}


async def test_drafts_are_fetched_once_at_start_and_stored_with_the_version(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    standin.default = Reply("The city has three million inhabitants.")
    settings = {
        "db": tmp_path / "bot.db",
        "exercises": draft_course(tmp_path),
        "instructors": [TEACHER],
        **with_ai(standin.url),
    }
    app, session = await build(make_app, **settings)
    assert len(standin.requests) == 2  # one per exercise without mt
    assert all(r.body["temperature"] == 0 for r in standin.requests)
    drafts = drafts_of(app)
    assert drafts["pe-001"] == ("The city has three million inhabitants.", MODEL)
    versions = app.runner.db_sync(app.store.content.set_versions, "own-zh-en")
    client = ChatClient(app, session, user_id=50)
    client.open("pe-001")
    shown = await client.send("/hint")  # any reply; the exercise message comes from /next
    assert shown
    teacher = ChatClient(app, session, user_id=TEACHER)
    listed = await teacher.send("/drafts own-zh-en")
    assert "pe-001" in listed[0] and MODEL in listed[0] and "three million" in listed[0]
    await app.core.assist.aclose()
    app.close()
    again, session = await build(make_app, **settings)  # a restart: stored drafts reused
    assert len(standin.requests) == 2
    assert again.runner.db_sync(again.store.content.set_versions, "own-zh-en") == versions
    assert drafts_of(again) == drafts

    # The instructor replaces one before release; a restart keeps the replacement.
    teacher = ChatClient(again, session, user_id=TEACHER)
    replaced = await teacher.send("/drafts own-zh-en pe-002 The city has 3 million people.")
    assert "replaced" in replaced[0] and f"v{versions[-1] + 1}" in replaced[0]
    edited = drafts_of(again)["pe-002"]
    assert edited == ("The city has 3 million people.", f"{MODEL} (edited by an instructor)")
    refused = await teacher.send("/drafts own-zh-en own-001 text")
    assert "has no MT draft own-001" in refused[0]
    await again.core.assist.aclose()
    again.close()
    third, _ = await build(make_app, **settings)
    assert drafts_of(third)["pe-002"] == edited and len(standin.requests) == 2
    assert third.runner.db_sync(third.store.content.set_versions, "own-zh-en") == [
        *versions,
        versions[-1] + 1,
    ]


async def test_transtutor_import_fetches_drafts_or_says_how_to_get_them(
    tmp_path: Path, standin: StandIn
) -> None:
    standin.default = Reply("The city has three million inhabitants.")
    course = draft_course(tmp_path)
    db = tmp_path / "cli.db"
    refused = await asyncio.to_thread(cli, "import", str(course), db=db)
    assert refused.returncode == 1 and "TRANSTUTOR_AI_URL" in refused.stderr
    assert not db.exists() and standin.requests == []
    env = {"TRANSTUTOR_AI_URL": standin.url, "TRANSTUTOR_AI_MODEL": MODEL, "TRANSTUTOR_AI_KEY": KEY}
    done = await asyncio.to_thread(cli, "import", str(course), db=db, env=env)
    assert done.returncode == 0, done.stderr
    assert "2 MT draft(s) fetched, 0 reused" in done.stdout and KEY not in done.stdout
    assert len(standin.requests) == 2
    reader = Store.open_reader(db)
    try:
        stored = reader.content.exercise_set("own-zh-en")
    finally:
        reader.close()
    assert stored is not None
    drafts = [(e.mt, e.mt_engine) for e in stored.exercises if e.type.value == "post_edit"]
    assert drafts == [("The city has three million inhabitants.", MODEL)] * 2
    # Imported again without a provider: the stored drafts serve, nothing is asked.
    again = await asyncio.to_thread(cli, "import", str(course), db=db)
    assert again.returncode == 0, again.stderr
    assert "0 MT draft(s) fetched, 2 reused" in again.stdout and len(standin.requests) == 2


async def test_the_exercise_message_names_the_drafts_engine(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    standin.default = Reply("AI can help translators be more efficient.")
    app, session = await build(
        make_app, db=tmp_path / "bot.db", exercises=draft_course(tmp_path), **with_ai(standin.url)
    )
    client = ChatClient(app, session, user_id=51)
    for _ in range(6):
        text = (await client.send("/next"))[0]
        if "pe-00" in text:
            break
        await client.send("/skip")
    assert "MT draft by" in text and MODEL in text
    assert "AI can help translators be more efficient." in text


async def test_an_exercise_without_a_draft_is_held_back_and_the_instructor_told(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    standin.default = Reply("The city has three million inhabitants.")
    standin.script(*[Status(400)])  # the first draft request is refused
    app, session = await build(
        make_app,
        db=tmp_path / "bot.db",
        exercises=draft_course(tmp_path),
        instructors=[TEACHER],
        **with_ai(standin.url),
    )
    drafts = drafts_of(app)
    assert len(drafts) == 1  # one held back, not served
    assert any("held back" in note and "rejected" in note for note in app.core.draft_notes)
    await app.dispatcher.emit_startup(bot=app.bot)
    told = [getattr(m, "text", "") for m in session.requests if getattr(m, "chat_id", 0) == TEACHER]
    assert any("held back" in text for text in told)


async def test_without_a_provider_a_set_needing_drafts_is_refused(
    make_app: Callable[..., Built], tmp_path: Path
) -> None:
    app, session = make_app(db=tmp_path / "bot.db", exercises=draft_course(tmp_path))
    assert "own-zh-en" not in app.core.library.sets
    assert any("TRANSTUTOR_AI_URL" in note for note in app.core.draft_notes)
    bundled, session = make_app(db=tmp_path / "other.db", instructors=[TEACHER])
    teacher = ChatClient(bundled, session, user_id=TEACHER)
    replies = await teacher.document("own.yaml", DRAFT_SET.replace("T1", "LO1").encode())
    assert "needs an MT draft from an AI provider" in replies[-1]
    assert "TRANSTUTOR_AI_URL" in replies[-1]


async def test_an_upload_gets_its_drafts_before_it_is_stored(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    standin.default = Reply("A draft translation.")
    app, session = await build(
        make_app, db=tmp_path / "bot.db", instructors=[TEACHER], **with_ai(standin.url)
    )
    teacher = ChatClient(app, session, user_id=TEACHER)
    replies = await teacher.document("own.yaml", DRAFT_SET.replace("T1", "LO1").encode())
    assert any("2 MT draft(s)" in r for r in replies), replies
    assert len(standin.requests) == 2
    assert drafts_of(app)["pe-002"] == ("A draft translation.", MODEL)


# The second opinion and the coordinator


JUDGEMENT = json.dumps(
    {"errors": [{"span": "extended", "category": "accuracy/mistranslation", "severity": "minor"}]}
)


async def test_the_second_opinion_comes_after_the_feedback_and_is_counted(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    standin.default = Reply(JUDGEMENT)
    app, session = await build(
        make_app,
        db=tmp_path / "bot.db",
        coordinators=[COORDINATOR],
        **with_ai(standin.url, ai_judge="on"),
    )
    client = ChatClient(app, session, user_id=52)
    first = await answer(client)
    await app.core.assist.idle()
    assert score_in(first) > 0
    notice = [getattr(m, "text", "") for m in session.requests][-1]
    assert "About AI assistance" in notice and standin.requests == []  # told before anything
    feedback = await answer(client)
    assert score_in(feedback) > 0
    await app.core.assist.idle()
    opinion = [getattr(m, "text", "") for m in session.requests][-1]
    assert "Second opinion" in opinion and "extended" in opinion
    assert "does not change it" in opinion
    with sqlite3.connect(app.settings.db) as conn:
        rows = conn.execute("SELECT * FROM ai_judgements").fetchall()
    assert len(rows) == 1 and all(not isinstance(v, str) or "T" in v for v in rows[0])
    summary = await ChatClient(app, session, user_id=COORDINATOR).send("/summary")
    assert "AI provider" in summary[0] and "1 attempt(s) judged" in summary[0]


async def test_the_second_opinion_failing_leaves_the_feedback_alone(
    make_app: Callable[..., Built], tmp_path: Path, standin: StandIn
) -> None:
    app, session = await build(
        make_app, db=tmp_path / "bot.db", **with_ai(standin.url, ai_judge="on")
    )
    client = ChatClient(app, session, user_id=53)
    await answer(client)
    await app.core.assist.idle()
    standin.script(Raw("{broken"))
    assert score_in(await answer(client)) > 0
    await app.core.assist.idle()
    last = [getattr(m, "text", "") for m in session.requests][-1]
    assert "No second opinion this time" in last
    # Still failing: the next answers get their feedback and no second failure line.
    standin.default = Raw("{broken")
    for _ in range(3):
        assert score_in(await answer(client)) > 0
        await app.core.assist.idle()
    texts = [getattr(m, "text", "") for m in session.requests]
    assert sum("No second opinion this time" in t for t in texts) == 1
    # It comes back, then fails again: that failure is news.
    standin.default = Reply(JUDGEMENT)
    await answer(client)
    await app.core.assist.idle()
    assert "Second opinion" in [getattr(m, "text", "") for m in session.requests][-1]
    standin.default = Raw("{broken")
    await answer(client)
    await app.core.assist.idle()
    texts = [getattr(m, "text", "") for m in session.requests]
    assert sum("No second opinion this time" in t for t in texts) == 2


# ai_critique


async def test_an_ai_critique_is_answered_and_scored_like_error_spotting(
    make_app: Callable[..., Built], tmp_path: Path
) -> None:
    app, session = make_app(db=tmp_path / "bot.db")
    client = ChatClient(app, session, user_id=54)
    client.open("ail-001")
    shown = render_practice.exercise_text(Translator("en"), await app.core.practice.current(54))
    assert (
        "Critique the AI translation" in shown
        and "<b>AI translation</b> (a general-purpose LLM)" in shown
    )
    replies = await client.send("down 0.1%")
    assert replies and "kind of error" in replies[0]
    await client.click("Accuracy: mistranslation")
    await client.click("major")
    replies = await client.click("✅ Score my answer")
    assert score_in(replies[-1]) >= 90
    with sqlite3.connect(app.settings.db) as conn:
        kind = conn.execute("SELECT type FROM attempts").fetchone()[0]
    assert kind == "ai_critique"
