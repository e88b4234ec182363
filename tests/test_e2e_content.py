"""End to end: an instructor uploads sets to the real `transtutor run` process over HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot_process import BotProcess, running_bot
from tests.emulator import BotAPIEmulator
from tests.test_bot_content import SAMPLES
from tests.test_import import GOOD_YAML
from transtutor_bot.commands import PRIVILEGED

pytestmark = pytest.mark.e2e
INSTRUCTOR, STUDENT = 9001, 9002


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[BotAPIEmulator, BotProcess]]:
    async with running_bot(tmp_path, TRANSTUTOR_INSTRUCTORS=str(INSTRUCTOR)) as running:
        yield running


async def test_uploads_over_http(world: tuple[BotAPIEmulator, BotProcess]) -> None:
    api, bot = world
    teacher, student = api.user(INSTRUCTOR, "en", "Wang"), api.user(STUDENT, "en", "Li")

    for n, (name, content, caption, set_id, count) in enumerate(SAMPLES):
        await api.send_file(teacher, name, content, caption)
        ok = await api.reply(INSTRUCTOR, n, "Imported")
        assert f"<b>{set_id}</b> v" in ok.text and f"{count} exercises" in ok.text
    broken = GOOD_YAML.replace("id: d-002", "id: d-001")
    await api.send_file(teacher, "demo.yaml", broken.encode())
    refused = await api.reply(INSTRUCTOR, len(SAMPLES), "Nothing was imported")
    assert "duplicate id 'd-001'" in refused.text

    for n, command in enumerate(sorted(PRIVILEGED)):  # every instructor and admin command
        await api.say(student, f"/{command} x 1 2026-12-30 10:00 y")
        assert "don't have access" in (await api.reply(STUDENT, n)).text
    await api.say(student, "/next")
    await api.reply(STUDENT, len(PRIVILEGED), "Source")
    with sqlite3.connect(bot.db) as db:
        assert (
            db.execute("SELECT COUNT(*) FROM exercise_sets WHERE id = 'demo-set'").fetchone()[0]
            == 1
        )
