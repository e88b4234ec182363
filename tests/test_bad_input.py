"""The bad-input corpus: hostile and broken messages and files, each answered with a clear,
specific reply that Telegram can display, nothing half-written, and everyone else served.

Every reply in these tests also passes `check_telegram_html` (see tests/chat.py): user text
echoed back never breaks the message's HTML."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, GetFile, SendMessage

from tests.chat import ChatClient
from tests.conftest import Built
from tests.test_import import GOOD_YAML
from transtutor.content.models import MAX_FILE_BYTES
from transtutor_bot.app import App
from transtutor_bot.terminal_session import OfflineSession

INSTRUCTOR, STUDENT, OTHER = 2, 3, 4
GOOD = "The e-CNY pilot has been expanded to 26 cities."


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "bad.db", instructors=[INSTRUCTOR])


def counts(app: App) -> tuple[int, ...]:
    """Every table a message can write to: nothing may change on a refused one."""
    with sqlite3.connect(app.settings.db) as db:
        return tuple(
            db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("attempts", "mastery", "exercise_sets", "exercises", "submissions")
        )


async def still_serves_everyone(app: App, session: OfflineSession) -> None:
    other = ChatClient(app, session, user_id=OTHER, name="Other")
    assert "Source" in (await other.send("/next"))[0]


# (what is sent as an answer to fin-001, a zh->en exercise; what the reply must say)
REFUSED_ANSWERS = [
    pytest.param("a" * 4096, "limit for this exercise", id="longest-message"),
    pytest.param(GOOD * 60, "limit for this exercise", id="pasted-many-times"),
    pytest.param("   \n\t  ", "That message is empty", id="blank"),
    pytest.param("\x00\x01\x07\x08\x7f", "That message is empty", id="control-only"),
    pytest.param("\u200b\u200c\u200d\ufeff\u2060", "That message is empty", id="zero-width"),
    pytest.param("😀" * 50, "no words", id="emoji-flood"),
    pytest.param("👍🏽👨‍👩‍👧‍👦🇨🇳" * 30, "no words", id="emoji-sequences"),
    pytest.param("...!!! ??? ---", "no words", id="punctuation-only"),
    pytest.param("שלום עולם, זה התרגום שלי", "English and Chinese", id="hebrew-rtl"),
    pytest.param("تم توسيع التجربة إلى ست وعشرين مدينة", "English and Chinese", id="arabic-rtl"),
    pytest.param("Пилотный проект расширен", "English and Chinese", id="cyrillic"),
]


@pytest.mark.parametrize(("answer", "expected"), REFUSED_ANSWERS)
async def test_refused_answers_say_why_and_record_nothing(
    app: tuple[App, OfflineSession], answer: str, expected: str
) -> None:
    built, session = app
    student = ChatClient(built, session, user_id=STUDENT)
    student.open("fin-001")
    before = counts(built)
    replies = await student.send(answer)
    assert len(replies) == 1 and expected in replies[0]
    assert "Nothing was recorded" in replies[0] or "Send your translation" in replies[0]
    assert counts(built) == before
    # The exercise is still open: the next real answer is scored.
    assert "/100" in (await student.send(GOOD))[0]
    await still_serves_everyone(built, session)


# Odd but honest answers: cleaned and scored (invisible characters never count against them).
SCORED_ANSWERS = [
    pytest.param("\u202e" + GOOD + "\u202c", id="bidi-override"),
    pytest.param(GOOD.replace(" ", " \u200b"), id="zero-width-inside"),
    pytest.param(GOOD.replace("e-CNY", "e\x00-CNY"), id="nul-inside"),
    pytest.param("<b><i>The e-CNY</b> pilot <a href='javascript:x'>& 26 cities", id="broken-html"),
    pytest.param("The e-CNY *pilot* [has](http://x) _expanded_ to `26` cities", id="markdown"),
    pytest.param("The e-CNY 试点 has been expanded to 26 个城市.", id="mixed-scripts"),
    pytest.param("The e-CNY pilot has been expanded to 26 cities. 🎉🎉🎉", id="emoji-after"),
    pytest.param("שלום The e-CNY pilot has been expanded to 26 cities.", id="rtl-with-english"),
]


@pytest.mark.parametrize("answer", SCORED_ANSWERS)
async def test_odd_answers_are_scored_and_echo_nothing_raw(
    app: tuple[App, OfflineSession], answer: str
) -> None:
    built, session = app
    student = ChatClient(built, session, user_id=STUDENT)
    student.open("fin-001")
    replies = await student.send(answer)
    assert "/100" in replies[0]
    assert "<a href" not in replies[0] and "javascript" not in replies[0]
    assert counts(built)[0] == 1
    with sqlite3.connect(built.settings.db) as db:
        stored = db.execute("SELECT answer FROM attempts").fetchone()[0]
    assert not any(ch in stored for ch in "\x00\u202e\u202c\u200b")


# Commands with hostile arguments: a specific reply, valid HTML (checked by the client).
COMMANDS = [
    pytest.param("/lang <b>zz</b>", "I speak English (en) and Chinese (zh)", id="lang-markup"),
    pytest.param("/submit <script>alert(1)</script>", "no project", id="submit-script"),
    pytest.param("/submit", "no project to hand in", id="submit-nothing"),
    pytest.param("/start " + "x" * 3000, "", id="start-huge-code"),
    pytest.param("/start <i>&amp;", "", id="start-markup-code"),
    pytest.param("/" + "a" * 200, "don't know that command", id="long-unknown-command"),
    pytest.param("/next@SomeOtherBot", "don't know that command", id="other-bots-command"),
    pytest.param("/deadlines " + "🔥" * 500, "", id="deadlines-emoji-args"),
    pytest.param("/summary", "have access", id="coordinator-command-as-student"),
]


@pytest.mark.parametrize(("command", "expected"), COMMANDS)
async def test_hostile_command_arguments(
    app: tuple[App, OfflineSession], command: str, expected: str
) -> None:
    built, session = app
    student = ChatClient(built, session, user_id=STUDENT)
    before = counts(built)
    replies = await student.send(command)
    assert len(replies) >= 1 and all(r.strip() for r in replies)
    assert expected in "\n".join(replies)
    assert "Something went wrong" not in "\n".join(replies)
    assert "<script>" not in "\n".join(replies)
    assert counts(built) == before
    await still_serves_everyone(built, session)


# Files an instructor should not have sent: (name, bytes, what the reply must say).
BROKEN_FILES = [
    pytest.param("set.yaml", b"", "the file is empty", id="empty"),
    pytest.param("set.yaml", bytes(range(256)) * 4, "binary file", id="binary-as-yaml"),
    pytest.param("set.yaml", b"- 1\n- 2\n", "mapping", id="yaml-not-a-set"),
    pytest.param("set.yaml", b"id: [unclosed\n", "set.yaml", id="yaml-syntax"),
    pytest.param("set.json", b'{"id": "x", ', "set.json", id="json-truncated"),
    pytest.param(
        "set.csv",
        "id,source,references\nc1,Café au lait,Coffee with milk\n".encode("cp1252"),
        "save it as UTF-8",
        id="latin-1-csv",
    ),
    pytest.param(
        "set.csv",
        "id,source,references\nc1,コーヒーを飲む,I drink coffee\n".encode("shift_jis"),
        "save it as UTF-8",
        id="shift-jis-csv",
    ),
    pytest.param("set.xlf", b"<xliff><file><unit>", "set.xlf", id="xliff-broken"),
    pytest.param("set.tmx", b"<tmx version='1.4'><body/></tmx>", "set.tmx", id="tmx-empty"),
    pytest.param(
        "set.yaml",
        GOOD_YAML.replace("id: d-002", "id: d-001").encode(),
        "duplicate id 'd-001'",
        id="duplicate-ids",
    ),
    pytest.param(
        "set.yaml",
        GOOD_YAML.replace("outcomes: [LO1]", "outcomes: [LO99]").encode(),
        "unknown outcome 'LO99'",
        id="unknown-outcome",
    ),
    pytest.param("virus.exe", b"MZ\x90\x00", "unsupported file type (.exe)", id="exe"),
    pytest.param("essay.pdf", b"%PDF-1.4", "unsupported file type (.pdf)", id="pdf"),
    pytest.param("noextension", b"id: x", "unsupported file type", id="no-extension"),
]


@pytest.mark.parametrize(("name", "content", "expected"), BROKEN_FILES)
async def test_broken_files_import_nothing(
    app: tuple[App, OfflineSession], name: str, content: bytes, expected: str
) -> None:
    built, session = app
    instructor = ChatClient(built, session, user_id=INSTRUCTOR)
    before = counts(built)
    replies = await instructor.document(name, content)
    assert len(replies) == 1 and expected in replies[0], replies
    assert counts(built) == before
    await still_serves_everyone(built, session)


async def test_oversized_file_is_refused_before_download(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    instructor = ChatClient(built, session, user_id=INSTRUCTOR)
    before = counts(built)
    reply = (await instructor.document("big.yaml", b"x", size=MAX_FILE_BYTES + 1))[0]
    assert "the limit is" in reply and counts(built) == before
    assert not [m for m in session.requests if isinstance(m, GetFile)]


async def test_a_students_stray_file_is_explained(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    student = ChatClient(built, session, user_id=STUDENT)
    student.open("fin-001")
    for name in ("answer.docx", "virus.exe", "set.yaml"):
        reply = (await student.document(name, b"data"))[0]
        assert "not a file" in reply
    assert counts(built)[0] == 0


async def test_a_command_flood_is_throttled_and_others_are_served(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    now = [0.0]
    built.flood.clock = lambda: now[0]
    flooder = ChatClient(built, session, user_id=STUDENT)
    answered = [await flooder.send("/help") for _ in range(60)]  # all at the same instant
    served = [r for r in answered if r and "What I can do" in r[0]]
    warned = [r for r in answered if r and "a lot of messages" in r[0]]
    assert len(served) == built.flood.burst
    assert len(warned) == 1  # told once, not once per dropped message
    assert sum(not r for r in answered) == 60 - built.flood.burst - 1
    # Someone else at that same moment is not affected.
    await still_serves_everyone(built, session)
    # Buttons pressed while throttled are answered (so the spinner stops), nothing else.
    start = len(session.requests)
    await flooder.click("", data="lang:zh")
    made = session.requests[start:]
    assert [type(m) for m in made] == [AnswerCallbackQuery]
    # A little later the user is served again, at a human pace.
    now[0] += 2.0
    assert "What I can do" in (await flooder.send("/help"))[0]
    assert not [
        m for m in session.requests[start:] if isinstance(m, SendMessage) and "zh" in m.text
    ]
