"""Credentials through the real dispatcher: earned by mastery, sent by /credential, checked
by `transtutor verify`'s checks, revoked by a coordinator, emptied by /forget."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile

from tests.chat import ChatClient
from tests.cli_process import run
from tests.conftest import Built
from tests.own_course import REFERENCES, write_course
from transtutor_bot.config import Settings
from transtutor_bot.credential_archive import StoreArchive
from transtutor_bot.credential_commands import verify_file

COORDINATOR, LI, WANG = 5, 987654321, 11
PUBLIC = "https://bot.example.edu"
COURSE = """\
id: own
title: {en: Own course, zh: 自己的课程}
description: {en: Accurate translation with the right terms, zh: 术语正确的准确翻译}
mastery_threshold: 0.6
min_attempts: 1
outcomes:
  - id: T1
    title: {en: Accuracy, zh: 准确}
    level: EQF 5
  - id: T2
    title: {en: Terminology, zh: 术语}
    level: EQF 5
credential:
  ects: 1
  assessment: {en: Scored practice, zh: 自动评分练习}
  participation: {en: Online, zh: 线上}
  quality_assurance: {en: Rubrics approved by the board, zh: 评分标准经委员会审定}
  awarding_body: {name: Example University, url: "https://www.example.edu"}
  country: CN
"""


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    course = write_course(tmp_path / "own", COURSE)
    return make_app(
        db=tmp_path / "bot.db",
        exercises=course,
        public_url=PUBLIC,
        coordinators=[COORDINATOR],
    )


def sent_to(app: Built, chat_id: int) -> list[str]:
    return [
        m.text for m in app[1].requests if isinstance(m, SendMessage) and int(m.chat_id) == chat_id
    ]


def checked(app: Built, path: Path) -> tuple[int, str]:
    """`transtutor verify`'s checks, in-process, with the store as the archive."""
    settings = Settings(db=app[0].settings.db, public_url=PUBLIC)
    out = io.StringIO()
    archive = StoreArchive.open(settings.db)
    try:
        code = verify_file(
            str(path), settings, archive, out=out, fetch=lambda lists: lambda url: None
        )
    finally:
        assert archive is not None
        archive.close()
    return code, out.getvalue()


async def answer(client: ChatClient, exercise_id: str) -> list[str]:
    client.open(exercise_id)
    source = {"own-001": "这座城市有三百万人口。", "own-002": "人工智能可以帮助译者提高工作效率。"}
    return await client.send(REFERENCES[source[exercise_id]])


async def test_mastery_earns_badges_then_the_credential_which_verifies(
    app: Built, tmp_path: Path
) -> None:
    li = ChatClient(*app, user_id=LI, name="Li Ming")
    await li.send("/start")
    before = (await li.send("/credential"))[0]
    assert "Still missing" in before and "<b>T1</b> (EQF 5) 0%" in before
    assert not [m for m in app[1].requests if isinstance(m, SendDocument)]

    await answer(li, "own-001")  # T1 only
    assert "Outcome <b>T1</b> mastered: its badge is issued." in sent_to(app, LI)[-1]
    partway = (await li.send("/credential"))[0]
    assert "<b>T2</b> (EQF 5)" in partway and "<b>T1</b>" not in partway.split("Still")[1]
    assert "Outcome badges earned: T1." in partway

    await answer(li, "own-002")  # T1 and T2: the award rule holds
    told = sent_to(app, LI)[-1]
    assert "badge is issued" in told and "You have earned the micro-credential «Own course»" in told
    await li.send("/credential")
    sent = [m for m in app[1].requests if isinstance(m, SendDocument)][-1]
    assert f"{PUBLIC}/credentials/" in (sent.caption or "")
    assert isinstance(sent.document, BufferedInputFile)
    credential = json.loads(sent.document.data)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert len(credential["credentialSubject"]["stackedBadge"]) == 2
    assert str(LI) not in json.dumps(credential) and "Li Ming" not in json.dumps(credential)

    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    code, shown = checked(app, path)
    assert code == 0 and shown.startswith("valid") and "T2" in shown

    tampered = dict(credential, name="Something else")
    path.write_text(json.dumps(tampered), encoding="utf-8")
    assert checked(app, path)[1].startswith("invalid: tampered")

    coordinator = ChatClient(*app, user_id=COORDINATOR)
    listed = (await coordinator.send("/credentials"))[0]
    assert credential["id"] in listed and "Li Ming" in listed
    assert "There is no cohort «Nope»" in (await coordinator.send("/credentials Nope"))[0]
    await coordinator.send(f"/revoke {credential['id']} awarded in error")
    done = sent_to(app, COORDINATOR)[-1]
    assert "Revoked" in done and "could not be told" not in done
    assert "was revoked: awarded in error" in sent_to(app, LI)[-1]
    path.write_text(json.dumps(credential), encoding="utf-8")
    assert checked(app, path)[1].startswith("invalid: revoked")
    again = (await coordinator.send(f"/revoke {credential['id']} twice"))[0]
    assert "already revoked" in again
    unknown = (await coordinator.send("/revoke urn:uuid:00000000-0000-0000-0000-000000000000 x"))[0]
    assert "There is no credential" in unknown
    assert "Usage: /revoke" in (await coordinator.send("/revoke"))[0]


async def test_students_cannot_list_or_revoke(app: Built) -> None:
    li = ChatClient(*app, user_id=LI)
    for command in ("/credentials", "/revoke urn:uuid:x because"):
        assert (await li.send(command))[0] == "⛔ You don't have access to this command."


async def test_forget_keeps_the_status_entry_and_nothing_that_links_it(app: Built) -> None:
    wang = ChatClient(*app, user_id=WANG)
    await wang.send("/start")
    await answer(wang, "own-002")
    data = app[0].settings.db
    with sqlite3.connect(data) as db:
        [(credential_id, index)] = db.execute(
            "SELECT id, status_index FROM credentials WHERE kind = 'course'"
        ).fetchall()
    mine = await wang.send("/mydata")
    assert mine is not None
    exported = [m for m in app[1].requests if isinstance(m, SendDocument)][-1]
    assert isinstance(exported.document, BufferedInputFile)
    assert credential_id in exported.document.data.decode("utf-8")

    await wang.send("/forget")
    await wang.click("🗑 Yes, delete everything")
    with sqlite3.connect(data) as db:
        rows = db.execute("SELECT user_id, json, status_index FROM credentials").fetchall()
        keys = db.execute("SELECT COUNT(*) FROM recipients").fetchone()[0]
    assert rows and all(user is None and text is None for user, text, _ in rows)
    assert index in {i for _, _, i in rows} and keys == 0


async def test_the_credential_file_is_dated_in_the_course_time_zone(app: Built) -> None:
    li = ChatClient(*app, user_id=LI)
    await li.send("/start")
    await answer(li, "own-002")
    # Issued at 20:00 UTC on 1 December: already 2 December in Shanghai, the course's zone.
    with sqlite3.connect(app[0].settings.db) as db:
        db.execute("UPDATE credentials SET issued_at = '2026-12-01T20:00:00+00:00'")
    await li.send("/credential")
    sent = [m for m in app[1].requests if isinstance(m, SendDocument)][-1]
    assert "issued 2026-12-02." in (sent.caption or "")


async def test_issue_and_revoke_from_the_command_line(
    make_app: Callable[..., Built], tmp_path: Path
) -> None:
    course = write_course(tmp_path / "own", COURSE)
    db = tmp_path / "offline.db"
    app = make_app(db=db, exercises=course)  # no public URL: mastery, but nothing issued
    li = ChatClient(*app, user_id=LI)
    await li.send("/start")
    await answer(li, "own-002")
    assert "not issued on this bot yet" in (await li.send("/credential"))[0]
    app[0].close()

    env = {"TRANSTUTOR_EXERCISES": str(course), "TRANSTUTOR_PUBLIC_URL": PUBLIC}
    issued = run("issue", str(LI), db=db, env=env)
    assert issued.returncode == 0, issued.stderr
    ids = re.findall(r"issued (urn:uuid:[0-9a-f-]+) \((\w+| course credential)", issued.stdout)
    assert len(issued.stdout.splitlines()) == 3  # two badges and the course credential
    assert "nothing to issue" in run("issue", str(LI), db=db, env=env).stdout
    course_id = re.search(r"issued (urn:uuid:\S+) \(course credential\)", issued.stdout)
    assert course_id and ids
    revoked = run("revoke", course_id[1], "awarded", "in", "error", db=db, env=env)
    assert revoked.returncode == 0 and "verifiers now see it as revoked" in revoked.stdout
    again = run("revoke", course_id[1], "twice", db=db, env=env)
    assert again.returncode == 1 and "already revoked" in again.stderr
    no_url = run("issue", str(LI), db=db, env={"TRANSTUTOR_EXERCISES": str(course)})
    assert no_url.returncode == 2 and "TRANSTUTOR_PUBLIC_URL" in no_url.stderr


async def test_a_learner_may_put_a_name_on_the_credential(app: Built) -> None:
    li = ChatClient(*app, user_id=LI)
    await li.send("/start")
    assert "Usage: /credential name" in (await li.send("/credential name"))[0]
    assert "at most 80" in (await li.send("/credential name " + "x" * 81))[0]
    assert "«Li Ming»" in (await li.send("/credential name  Li   Ming "))[0]
    await answer(li, "own-002")
    await li.send("/credential")
    sent = [m for m in app[1].requests if isinstance(m, SendDocument)][-1]
    assert isinstance(sent.document, BufferedInputFile)
    identities = json.loads(sent.document.data)["credentialSubject"]["identifier"]
    assert {"identityType": "name", "identityHash": "Li Ming"}.items() <= identities[-1].items()
    assert any(i.get("hashed") for i in identities)  # the hashed identifier stays
    assert "no name" in (await li.send("/credential name -"))[0]
