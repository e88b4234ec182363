"""End to end over HTTP: students practise, then a coordinator pulls the summary and exports
from the real `transtutor run` process; a student asking for them is refused."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from tests.bot_process import running_bot

pytestmark = pytest.mark.e2e
COORDINATOR = 7001
STUDENTS = {7101: "Mei", 7102: "王芳", 7103: "Tom"}
ANSWERS = {7101: 3, 7102: 1, 7103: 0}  # answers sent (an error_spot one also needs buttons)


def attempts_in(db: Path) -> dict[int, int]:
    with sqlite3.connect(db) as conn:
        found = dict(conn.execute("SELECT user_id, COUNT(*) FROM attempts GROUP BY user_id"))
    return {uid: found.get(uid, 0) for uid in STUDENTS}


async def test_reports_reflect_what_students_just_did(tmp_path: Path) -> None:
    async with running_bot(tmp_path, TRANSTUTOR_COORDINATORS=str(COORDINATOR)) as (api, bot):
        users = {uid: api.user(uid, "en", name) for uid, name in STUDENTS.items()}
        for uid, user in users.items():
            await api.say(user, "/start")
            await api.reply(uid, 0, "Welcome")
            for n in range(ANSWERS[uid]):
                await api.say(user, "/next")
                await api.reply(uid, 1 + 2 * n, "Source")
                await api.say(user, f"My translation number {n}.")
                await api.reply(uid, 2 + 2 * n)
        made = attempts_in(bot.db)
        assert made[7101] >= 2 and made[7103] == 0
        total = sum(made.values())

        coordinator = api.user(COORDINATOR, "en", "Dean Xu")
        await api.say(coordinator, "/summary")
        summary = await api.reply(COORDINATOR, 0, "Learners")
        assert "Learners: <b>3</b>" in summary.text
        assert f"Answers: <b>{total}</b> ({total} in the last 7 d)" in summary.text
        chart = await api.wait_for(
            lambda: next((s for s in api.to(COORDINATOR, ("sendPhoto",))), None)
        )
        assert chart.data.startswith(b"\x89PNG")

        await api.say(coordinator, "/export")
        sent = await api.wait_for(
            lambda: next((s for s in api.to(COORDINATOR, ("sendDocument",))), None)
        )
        assert sent.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(sent.data.decode("utf-8-sig"))))
        for column in ("user_id", "name", "attempts", "last_active", "LO1", "LO6", "at_risk"):
            assert column in rows[0]
        with sqlite3.connect(bot.db) as db:
            stored = dict(
                db.execute("SELECT outcome_id, value FROM mastery WHERE user_id = 7101").fetchall()
            )
        by_id = {int(r["user_id"]): r for r in rows}
        assert sorted(by_id) == sorted(STUDENTS)
        assert {uid: int(by_id[uid]["attempts"]) for uid in STUDENTS} == made
        assert by_id[7102]["name"] == "王芳"
        for outcome, value in stored.items():
            assert float(by_id[7101][outcome]) == pytest.approx(100 * value, abs=0.05)
        assert by_id[7103]["last_active"] == ""

        await api.say(coordinator, "/export xlsx")
        book = await api.wait_for(
            lambda: next(
                (s for s in api.to(COORDINATOR, ("sendDocument",)) if s.data[:2] == b"PK"), None
            )
        )
        sheet = openpyxl.load_workbook(io.BytesIO(book.data))["Learners"]
        assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
            STUDENTS
        )

        student = users[7101]
        before = len(api.to(7101))
        for n, command in enumerate(("/summary", "/export", "/atrisk", "/learner 7102")):
            await api.say(student, command)
            assert "don't have access" in (await api.reply(7101, before + n)).text
        assert not api.to(7101, ("sendPhoto", "sendDocument"))
