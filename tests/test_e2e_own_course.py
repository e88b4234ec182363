"""End to end: an instructor's own course (outcomes T1, T2) in the real `transtutor run`
process over the Bot API emulator, scored by the bundled default rubrics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bot_process import running_bot
from tests.own_course import REFERENCES, write_course

pytestmark = pytest.mark.e2e


async def test_an_own_course_runs_with_the_bundled_rubrics(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own")
    async with running_bot(tmp_path, TRANSTUTOR_EXERCISES=str(course)) as (api, bot):
        student = api.user(601, "en", "Lin")
        chat = student["id"]
        await api.say(student, "/start")
        welcome = await api.reply(chat, 0, "Welcome")
        assert "Own course" in welcome.text

        await api.say(student, "/next")
        exercise = await api.reply(chat, 1, "Source")
        source = next(s for s in REFERENCES if s in exercise.text)

        await api.say(student, REFERENCES[source])
        scored = await api.reply(chat, 2, "/100")
        found = re.search(r"<b>(\d+)/100</b>", scored.text)
        assert found and int(found[1]) >= 90, scored.text
        assert "T1" in scored.text  # the mastery line names the course's own outcome

        await api.say(student, "/progress")
        progress = await api.reply(chat, 3, "Your progress")
        assert re.search(r"T1</b> [█░]{10} [1-9]\d*%", progress.text), progress.text
        assert "T2" in progress.text and "LO1" not in progress.text

    log = bot.log.read_text(encoding="utf-8")
    # One line at start says the bundled criteria serve the exercises' own outcomes ...
    assert log.count("criteria of the bundled rubrics") == 1
    # ... and none of the old 'unknown outcome' errors.
    assert "unknown outcome" not in log
