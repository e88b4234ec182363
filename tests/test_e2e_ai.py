"""End to end with AI: the real `transtutor run` process, the Bot API emulator and the loopback
stand-in provider. Drafts are fetched at start, before the bot polls; a learner post-edits the
draft, gets feedback, the notice, a second opinion and /explain; the key never hits the log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.ai_standin import Recorded, Reply, StandIn
from tests.bot_process import running_bot
from tests.own_course import COURSE, write_course

pytestmark = pytest.mark.e2e

KEY = "sk-e2e-0123456789abcdef"
DRAFT = "AI can help translators to improve their work efficiency."
EXPLANATION = "The draft was fine; 'work efficiency' reads better as 'work more efficiently'."
SET = """\
id: own-zh-en
title: Own set
language_pair: zh-en
outcomes: [T1]
exercises:
  - id: pe-001
    type: post_edit
    source: 人工智能可以帮助译者提高工作效率。
    references: [Artificial intelligence can help translators work more efficiently.]
"""
ANSWER = "Artificial intelligence can help translators work more efficiently."


def answer_for(request: Recorded) -> Reply:
    system = request.body["messages"][0]["content"]
    if "machine translation engine" in system:
        return Reply(DRAFT)
    if "MQM" in system:
        return Reply(json.dumps({"errors": []}))
    return Reply(EXPLANATION)


async def test_drafts_feedback_second_opinion_and_explain(tmp_path: Path) -> None:
    course = write_course(tmp_path / "course", COURSE, SET)
    async with StandIn(answer_for) as standin:
        env = {
            "TRANSTUTOR_EXERCISES": str(course),
            "TRANSTUTOR_AI_URL": standin.url,
            "TRANSTUTOR_AI_MODEL": "e2e-model",
            "TRANSTUTOR_AI_KEY": KEY,
            "TRANSTUTOR_AI_JUDGE": "on",
            "TRANSTUTOR_LOG_LEVEL": "DEBUG",
        }
        async with running_bot(tmp_path, **env) as (api, bot):
            drafts = [r for r in standin.requests if r.body["temperature"] == 0]
            assert len(drafts) >= 1  # fetched at start, before the bot polled
            student = api.user(601, "en", "Mei Ling")
            chat = student["id"]
            await api.say(student, "/next")
            exercise = await api.reply(chat, 0, "Source")
            assert DRAFT in exercise.text and "MT draft by" in exercise.text
            assert "e2e-model" in exercise.text

            await api.say(student, ANSWER)
            feedback = await api.reply(chat, 1, "/100")
            assert int(re.search(r"(\d+)/100", feedback.text)[1]) >= 80  # type: ignore[index]
            notice = await api.reply(chat, 2, "About AI assistance")
            assert "never sent" in notice.text

            await api.say(student, "/next")
            await api.reply(chat, 3, "Source")
            await api.say(student, ANSWER)
            await api.reply(chat, 4, "/100")
            opinion = await api.reply(chat, 5, "Second opinion")
            assert "no errors found" in opinion.text

            await api.say(student, "/explain")
            explained = await api.reply(chat, 6, "AI-generated")
            assert EXPLANATION in explained.text
            for request in standin.requests:
                assert request.headers["authorization"] == f"Bearer {KEY}"
                assert request.body["model"] == "e2e-model"
                assert "Mei Ling" not in request.text and "601" not in request.text
        log = bot.log.read_text(encoding="utf-8", errors="replace")
        assert KEY not in log
        assert ANSWER not in log
        assert "ai draft ok" in log and "ai explain ok" in log
