"""End to end: an instructor uploads sets to the real `transtutor run` process over HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot_process import BotProcess, running_bot
from tests.emulator import BotAPIEmulator
from tests.test_import import GOOD_YAML, TMX

pytestmark = pytest.mark.e2e
INSTRUCTOR, STUDENT = 9001, 9002


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[BotAPIEmulator, BotProcess]]:
    async with running_bot(tmp_path, TRANSTUTOR_INSTRUCTORS=str(INSTRUCTOR)) as running:
        yield running


async def test_uploads_over_http(world: tuple[BotAPIEmulator, BotProcess]) -> None:
    api, bot = world
    teacher, student = api.user(INSTRUCTOR, "en", "Wang"), api.user(STUDENT, "en", "Li")

    await api.send_file(teacher, "demo.yaml", GOOD_YAML.encode())
    ok = await api.reply(INSTRUCTOR, 0, "Imported")
    assert "<b>demo-set</b> v1" in ok.text and "2 exercises" in ok.text
    await api.send_file(teacher, "tm.tmx", TMX.encode(), 'id=tm title="TM" outcomes=LO1')
    assert "<b>tm</b> v1" in (await api.reply(INSTRUCTOR, 1, "Imported")).text

    broken = GOOD_YAML.replace("id: d-002", "id: d-001")
    await api.send_file(teacher, "demo.yaml", broken.encode())
    refused = await api.reply(INSTRUCTOR, 2, "Nothing was imported")
    assert "duplicate id 'd-001'" in refused.text

    await api.say(student, "/sets")
    assert "don't have access" in (await api.reply(STUDENT, 0, "")).text
    await api.say(student, "/next")
    await api.reply(STUDENT, 1, "Source")
    with sqlite3.connect(bot.db) as db:
        assert (
            db.execute("SELECT COUNT(*) FROM exercise_sets WHERE id = 'demo-set'").fetchone()[0]
            == 1
        )
