"""Random messages, commands, files and button presses through the real dispatcher
(hypothesis): every update gets a reply that is not the internal-error apology and that
Telegram can display, and the database is never half-written.

One application per test (building one per example would take minutes); examples run on an
event loop of their own. The flood guard's clock advances 10 s per call so that hundreds of
examples from one user are not throttled.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.chat import ChatClient
from tests.test_import import GOOD_YAML
from transtutor.clock import utcnow
from transtutor_bot.app import App, build_app
from transtutor_bot.commands import COMMANDS
from transtutor_bot.config import Settings
from transtutor_bot.terminal_session import OfflineSession

ADMIN, INSTRUCTOR, COORDINATOR, STUDENT = 1, 2, 3, 4
APOLOGY = "Something went wrong"
T = TypeVar("T")

EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as users type it, and as they should not: every plane, controls, invisible marks.
ANY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=600
) | st.sampled_from(["<b>", "&", "</i>", "<a href='x'>", "\u202e", "\u200b", "🔥" * 300])


class Harness:
    def __init__(self, app: App, session: OfflineSession, loop: asyncio.AbstractEventLoop) -> None:
        self.app, self.session, self.loop = app, session, loop
        ticks = itertools.count(0, 10)
        app.flood.clock = lambda: float(next(ticks))

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def client(self, user_id: int, language: str = "en") -> ChatClient:
        return ChatClient(self.app, self.session, user_id=user_id, language=language)

    def counts(self) -> dict[str, int]:
        with sqlite3.connect(self.app.settings.db) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

    def consistent(self) -> None:
        """Foreign keys hold, every set has the exercises it says, no attempt without user."""
        with sqlite3.connect(self.app.settings.db) as db:
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            mismatched = db.execute(
                "SELECT s.id, s.version FROM exercise_sets s WHERE s.exercise_count != "
                "(SELECT COUNT(*) FROM exercises e WHERE e.set_id = s.id "
                "AND e.set_version = s.version)"
            ).fetchall()
            assert mismatched == []


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    session = OfflineSession()
    settings_ = Settings(
        db=tmp_path / "random.db",
        admins=[ADMIN],
        instructors=[INSTRUCTOR],
        coordinators=[COORDINATOR],
    )
    app = loop.run_until_complete(_build(settings_, session))
    yield Harness(app, session, loop)
    app.close()
    loop.run_until_complete(session.close())
    loop.close()


async def _build(settings_: Settings, session: OfflineSession) -> App:
    return build_app(settings_, session=session)


def check_replies(replies: list[str]) -> None:
    assert replies, "no reply at all"
    assert all(r.strip() for r in replies)
    assert not any(APOLOGY in r for r in replies), replies


def test_any_text_as_an_answer(harness: Harness) -> None:
    student = harness.client(STUDENT)

    @EXAMPLES
    @given(text=ANY_TEXT, exercise=st.sampled_from(["fin-001", "ge-007", "ic-004", "tae-006"]))
    def answer(text: str, exercise: str) -> None:
        student.open(exercise)
        before = harness.counts()["attempts"]
        replies = harness.run(student.send(text))
        check_replies(replies)
        after = harness.counts()["attempts"]
        scored = any("/100" in r for r in replies)
        assert after == before + scored

    answer()
    harness.consistent()


def test_any_words_for_spot_the_error(harness: Harness) -> None:
    student = harness.client(STUDENT, "zh")

    @EXAMPLES
    @given(text=ANY_TEXT)
    def mark(text: str) -> None:
        student.open("fin-010")
        check_replies(harness.run(student.send(text)))

    mark()
    harness.consistent()


NAMES = [c[0] for c in COMMANDS] + ["mydata", "forget", "cancel", "start"]


@pytest.mark.parametrize("user", [STUDENT, INSTRUCTOR, COORDINATOR, ADMIN])
def test_any_command_with_any_arguments(harness: Harness, user: int) -> None:
    client = harness.client(user)

    @settings(EXAMPLES, max_examples=100)
    @given(name=st.sampled_from(NAMES), args=st.none() | ANY_TEXT)
    def command(name: str, args: str | None) -> None:
        text = f"/{name}" if args is None else f"/{name} {args}"
        check_replies(harness.run(client.send(text[:4096])))
        harness.run(client.send("/cancel"))  # leave no wait behind for the next example

    command()
    harness.consistent()


SUFFIXES = st.sampled_from([".yaml", ".yml", ".json", ".csv", ".tsv", ".xlf", ".tmx", ".txt", ""])


@st.composite
def set_files(draw: Callable[[st.SearchStrategy[T]], T]) -> tuple[str, bytes, str | None]:
    """Random bytes, random text, or a good set with random damage, under any name."""
    kind = draw(st.sampled_from(["bytes", "text", "damaged"]))
    if kind == "bytes":
        content = draw(st.binary(max_size=3000))
    elif kind == "text":
        content = draw(ANY_TEXT).encode(draw(st.sampled_from(["utf-8", "utf-16", "gb18030"])))
    else:
        good = GOOD_YAML.encode()
        cut = draw(st.integers(0, len(good)))
        junk = draw(st.binary(max_size=40))
        content = good[:cut] + junk + good[cut + len(junk) :]
    caption = draw(st.none() | st.text(max_size=120))
    return "set" + draw(SUFFIXES), content, caption


def test_any_file_from_an_instructor(harness: Harness) -> None:
    instructor = harness.client(INSTRUCTOR)

    @EXAMPLES
    @given(file=set_files())
    def upload(file: tuple[str, bytes, str | None]) -> None:
        name, content, caption = file
        before = harness.counts()
        replies = harness.run(instructor.document(name, content, caption))
        check_replies(replies)
        after = harness.counts()
        if not any("Imported set" in r for r in replies):
            assert after["exercise_sets"] == before["exercise_sets"]
            assert after["exercises"] == before["exercises"]

    upload()
    harness.consistent()


def test_any_button_press(harness: Harness) -> None:
    student = harness.client(STUDENT)
    prefixes = ["cat", "sev", "more", "lang", "forget", "sub", "rv", "ra", "x"]

    @EXAMPLES
    @given(
        prefix=st.sampled_from(prefixes),
        parts=st.lists(st.text(max_size=12) | st.integers().map(str), max_size=4),
    )
    def press(prefix: str, parts: list[str]) -> None:
        student.open("fin-010")
        harness.app.runner.db_sync(
            harness.app.store.learners.touch_user, STUDENT, "S", "en", utcnow()
        )
        data = ":".join([prefix, *parts])[:64]
        start = len(harness.session.requests)
        replies = harness.run(student.click("", data=data))
        made = harness.session.requests[start:]
        assert made, "the press was not answered"
        assert not any(APOLOGY in r for r in replies), replies

    press()
    harness.consistent()
