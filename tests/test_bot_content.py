"""Instructors upload exercise sets in the chat: every format, broken files, /sets, /retire."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.methods import GetFile

from tests.chat import ChatClient
from tests.conftest import Built
from tests.test_import import GOOD_YAML, TMX, XLIFF2, XLIFF12
from transtutor.content.models import MAX_FILE_BYTES
from transtutor_bot.app import App, build_app
from transtutor_bot.terminal_session import OfflineSession

INSTRUCTOR, STUDENT = 2, 3
CAPTION = 'id=bilingual title="Bilingual practice" outcomes=LO1'


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "content.db", instructors=[INSTRUCTOR])


def versions(app: tuple[App, OfflineSession], set_id: str) -> list[int]:
    with sqlite3.connect(app[0].settings.db) as conn:
        rows = conn.execute(
            "SELECT version FROM exercise_sets WHERE id = ? ORDER BY version", [set_id]
        ).fetchall()
    return [r[0] for r in rows]


def downloads(app: tuple[App, OfflineSession]) -> int:
    return sum(isinstance(m, GetFile) for m in app[1].requests)


# One valid file per format: (file name, content, caption, set id, exercises).
SAMPLES: list[tuple[str, bytes, str | None, str, int]] = [
    ("demo.yaml", GOOD_YAML.encode(), None, "demo-set", 2),
    (
        "demo.json",
        b'{"id": "json-set", "title": "J", "language_pair": "en-zh", "outcomes": ["LO1"],'
        b' "exercises": [{"id": "j1", "source": "Solar power is cheap.",'
        b' "references": ["\xe5\xa4\xaa\xe9\x98\xb3\xe8\x83\xbd\xe5\x8f\x91\xe7\x94\xb5\xe5\xbe\x88\xe4\xbe\xbf\xe5\xae\x9c\xe3\x80\x82"]}]}',
        None,
        "json-set",
        1,
    ),
    (
        "demo.csv",
        "id,source,references\nc1,移动支付很方便。,Mobile payment is convenient.\n".encode(),
        'id=csv-set pair=zh-en title="CSV" outcomes=LO1',
        "csv-set",
        1,
    ),
    (
        "demo.tsv",
        "id\tsource\treferences\nt1\t风电正在增长。\tWind power is growing.\n".encode("gb18030"),
        'id=tsv-set pair=zh-en title="TSV" outcomes=LO1',
        "tsv-set",
        1,
    ),
    (
        "demo.xlf",
        XLIFF12.format(target="<target>Mobile payment is convenient.</target>").encode(),
        CAPTION,
        "bilingual",
        2,
    ),
    ("demo.xliff", XLIFF2.encode(), CAPTION, "bilingual", 1),
    ("demo.tmx", TMX.encode(), CAPTION, "bilingual", 1),
]


@pytest.mark.parametrize(("name", "content", "caption", "set_id", "count"), SAMPLES)
async def test_each_format_imports(
    app: tuple[App, OfflineSession],
    name: str,
    content: bytes,
    caption: str | None,
    set_id: str,
    count: int,
) -> None:
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    reply = (await instructor.document(name, content, caption))[0]
    assert f"Imported set <b>{set_id}</b> v1" in reply and f"{count} exercises" in reply
    assert versions(app, set_id) == [1]


async def test_broken_file_imports_nothing_and_students_carry_on(
    app: tuple[App, OfflineSession],
) -> None:
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    broken = GOOD_YAML.replace("id: d-002", "id: d-001").replace(
        "outcomes: [LO1]", "outcomes: [LO9]"
    )
    reply = (await instructor.document("broken.yaml", broken.encode()))[0]
    assert reply.startswith("❌ Nothing was imported: 2 problem(s) in broken.yaml")
    assert "duplicate id 'd-001'" in reply and "unknown outcome 'LO9'" in reply
    assert versions(app, "demo-set") == []
    student = ChatClient(*app, user_id=STUDENT)
    assert "Source" in (await student.send("/next"))[0]


async def test_reupload_makes_a_new_version_or_nothing(app: tuple[App, OfflineSession]) -> None:
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    await instructor.document("demo.yaml", GOOD_YAML.encode())
    assert "nothing changed" in (await instructor.document("demo.yaml", GOOD_YAML.encode()))[0]
    changed = GOOD_YAML.replace("26 cities", "twenty-six cities").encode()
    assert "v2" in (await instructor.document("demo.yaml", changed))[0]
    assert versions(app, "demo-set") == [1, 2]


async def test_wrong_type_and_oversized_files_are_refused_before_download(
    app: tuple[App, OfflineSession],
) -> None:
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    assert "unsupported file type (.docx)" in (await instructor.document("essay.docx"))[0]
    big = (await instructor.document("big.yaml", b"x", size=MAX_FILE_BYTES + 1))[0]
    assert "the limit is" in big
    assert downloads(app) == 0


async def test_student_files_are_not_imported(app: tuple[App, OfflineSession]) -> None:
    student = ChatClient(*app, user_id=STUDENT)
    reply = (await student.document("demo.yaml", GOOD_YAML.encode()))[0]
    assert "not a file" in reply
    assert versions(app, "demo-set") == [] and downloads(app) == 0
    assert "don't have access" in (await student.send("/sets"))[0]


async def test_sets_and_retire(app: tuple[App, OfflineSession]) -> None:
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    listing = (await instructor.send("/sets"))[0]
    assert "<b>fintech-zh-en</b> v1" in listing and "11 exercises" in listing
    assert "is retired" in (await instructor.send("/retire fintech-zh-en"))[0]
    assert "[retired]" in (await instructor.send("/sets"))[0]
    assert "No active set" in (await instructor.send("/retire fintech-zh-en"))[0]
    assert "No active set" in (await instructor.send("/retire"))[0]


async def test_chat_uploads_and_retirements_survive_a_restart(
    app: tuple[App, OfflineSession], tmp_path: Path
) -> None:
    built, _ = app
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    path = built.settings.exercises / "fintech-zh-en.yaml"
    newer = path.read_text(encoding="utf-8").replace("26 cities.", "26 cities in China.", 1)
    assert "v2" in (await instructor.document("fintech-zh-en.yaml", newer.encode()))[0]
    await instructor.send("/retire tech-ai-zh-en")
    built.close()
    restarted = build_app(built.settings, session=OfflineSession())
    try:
        assert versions(app, "fintech-zh-en") == [1, 2]
        sets = {s.id for s in restarted.runner.db_sync(restarted.store.content.sets)}
        assert "tech-ai-zh-en" not in sets and "fintech-zh-en" in sets
    finally:
        restarted.close()
