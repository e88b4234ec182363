"""How tests/data/previous-version.sqlite was made: a database as the version before the store
split writes it (schema 9, commit d07bd97), a row in every table and the scheduler's jobs.
tests/test_migration.py opens it with this version and finds every row.

    git worktree add /tmp/prev d07bd97
    PYTHONPATH=/tmp/prev/src python tests/data/make_previous_db.py tests/data/previous-version.sqlite

It runs against that version's code (`transtutor.storage`), not this one.
"""

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from transtutor.content.library import bundled_exercises, bundled_rubrics, load_library
from transtutor.grading import ratings
from transtutor.storage import ProjectRecord, Storage
from transtutor_bot.app import build_app
from transtutor_bot.config import Settings
from transtutor_bot.offline import OfflineSession

path = Path(sys.argv[1])
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
FAR = datetime(2099, 1, 1, tzinfo=UTC)


async def main() -> None:
    app = build_app(Settings(db=path, admins=[1], instructors=[2]), session=OfflineSession())
    await app.dispatcher.emit_startup(bot=app.bot)  # scheduler + digest job + reminder jobs

    def fill(s: Storage) -> None:
        library = load_library(bundled_exercises(), bundled_rubrics())
        rubric = library.review_rubrics["project-review"]
        cohort = s.create_cohort("Autumn 2026", "aut26", 2, NOW)
        s.create_invite("r-open", "instructor", None, 1, NOW, FAR)
        s.create_invite("c-link", None, cohort, 2, NOW)
        for user_id, name, lang in ((10, "Li Ming", "zh"), (11, "Wang Fang", "en")):
            s.touch_user(user_id, name, lang, NOW)
            s.join_cohort(user_id, cohort)
        s.touch_user(2, "Teacher Zhou", "en", NOW)
        opened = s.open_exercise(10, "fintech-zh-en", 1, "fin-001", NOW)
        s.record_attempt(
            10,
            opened,
            "translate",
            "An answer",
            72.5,
            {"score": 72.5},
            {"LO1": 0.7, "LO2": 0.8},
            NOW,
            update_id=500,
        )
        s.owe_feedback(10, 500)
        opened = s.open_exercise(10, "fintech-zh-en", 1, "fin-002", NOW)
        s.skip_exercise(10, opened.token, NOW)
        spotting = s.open_exercise(11, "fintech-zh-en", 1, "fin-010", NOW)
        s.save_state(
            11, spotting.token, {"marks": [{"span": "x", "category": None, "severity": None}]}
        )
        project = ProjectRecord(
            "P1", "Localise a page", FAR, (1440, 60), "project-review", ("LO1",), cohort
        )
        s.create_project(project, 2, NOW)
        submission = s.add_submission("P1", 10, "My work", None, NOW, False, 501)
        s.save_review(submission, 2, ratings(rubric, [3, 3, 3, 3, 3]), "Good", NOW)
        s.add_submission("P1", 11, None, ("file-id-1", "wang.docx"), NOW, True, 502)
        s.extend("P1", 11, FAR + timedelta(days=1), 2)
        s.set_input(2, "review", "2", {"levels": [3], "stage": "rate", "comment": ""}, NOW)
        s.finish_wave("P1", 0, 1440, NOW)
        s.claim_delivery("reminder:P1:1440", 10, NOW)
        s.confirm_delivery("reminder:P1:1440", 10, NOW)
        s.receive_updates([(600, 10, '{"update_id": 600}'), (601, 11, '{"update_id": 601}')], NOW)
        s.finish_update(600, NOW)
        s.skip_updates([(602, "unreadable")], NOW)

    app.runner.db_sync(fill)
    await app.reminders.rebuild()  # reminder jobs for P1 and the extension
    await app.dispatcher.emit_shutdown(bot=app.bot)
    app.close()


asyncio.run(main())
