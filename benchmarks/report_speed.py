"""Coordinator reports at programme scale: 10,000 learners with 100 attempts each.

Builds a SQLite file (WAL, the bot's own schema) with 10,000 students in 20 cohorts, 100
attempts each (1,000,000 rows with realistic result JSON), mastery rows for every outcome,
three projects with submissions, reviews and extensions. Then times, through the same
service the chat uses (`Coordinator`, on its reader connection):

- the summary (all learners, and one cohort), the at-risk list, the CSV and XLSX exports;
- next to a baseline on the same file: the least any report must do, counting each learner's
  attempts (`SELECT user_id, COUNT(*) FROM attempts GROUP BY user_id`, raw sqlite3).

Memory: the peak of Python allocations during each report (tracemalloc, in a separate untimed
run) and the process's peak resident size. Targets: summary < 1 s, export < 5 s.

    python benchmarks/report_speed.py [--learners 10000] [--attempts 100] [--db PATH] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from transtutor.content.library import bundled_exercises, bundled_rubrics, install, load_library
from transtutor.reports.coordinator import Coordinator
from transtutor.reports.snapshot import RiskRules
from transtutor.store import Store
from transtutor.store.threaded import Database

from machine import describe

NOW = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
COHORTS = 20
PROJECTS = ("P1", "P2", "P3")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def build(path: Path, learners: int, attempts: int) -> None:
    library = load_library(bundled_exercises(), bundled_rubrics())
    store = Store.open(path)
    install(store.content, library)
    store.close()
    outcomes = library.course.outcome_ids
    exercises = [
        (s.id, e.id, e.type.value, list(e.outcomes))
        for s in library.sets.values()
        for e in s.exercises
    ]
    rng = random.Random(7)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    with db:
        db.executemany(
            "INSERT INTO cohorts (id, name, code, created_at) VALUES (?, ?, ?, ?)",
            [(c, f"Cohort {c}", f"code{c}", iso(NOW - timedelta(days=90))) for c in range(1, 21)],
        )
        db.executemany(
            "INSERT INTO users (id, name, language, role, cohort_id, created_at, last_seen_at) "
            "VALUES (?, ?, ?, 'student', ?, ?, ?)",
            [
                (
                    100_000 + i,
                    f"Learner {i}" if i % 3 else f"学员{i}",
                    "zh" if i % 2 else "en",
                    1 + i % COHORTS,
                    iso(NOW - timedelta(days=60 + i % 30)),
                    iso(NOW - timedelta(days=i % 20)),
                )
                for i in range(learners)
            ],
        )
        for project_index, project_id in enumerate(PROJECTS):
            db.execute(
                "INSERT INTO projects (id, title, deadline, reminders, rubric, outcomes, "
                "created_at) VALUES (?, ?, ?, '[1440,60]', 'project-review', '[\"LO1\"]', ?)",
                [
                    project_id,
                    f"Project {project_id}",
                    iso(NOW + timedelta(days=14 * project_index - 14)),
                    iso(NOW - timedelta(days=40)),
                ],
            )
    batch: list[tuple[Any, ...]] = []
    for i in range(learners):
        user_id = 100_000 + i
        start = NOW - timedelta(days=60)
        skill = rng.random()
        for n in range(attempts):
            set_id, exercise_id, kind, evidenced = exercises[(i + n) % len(exercises)]
            score = max(0.0, min(100.0, rng.gauss(100 * skill, 15)))
            result = {
                "score": score,
                "metrics": {"chrf": score, "bleu": score * 0.8, "ter": 100 - score},
                "checks": [{"id": "terminology", "status": "pass", "value": 1.0}],
                "evidence": {o: score / 100 for o in evidenced},
            }
            batch.append(
                (
                    user_id,
                    set_id,
                    1,
                    exercise_id,
                    kind,
                    "An answer of about the length students write in practice.",
                    score,
                    json.dumps(result),
                    iso(start + timedelta(minutes=(60 * 24 * 60 // attempts) * n)),
                )
            )
        if len(batch) >= 100_000:
            with db:
                db.executemany(
                    "INSERT INTO attempts (user_id, set_id, set_version, exercise_id, type, "
                    "answer, score, result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    batch,
                )
            batch = []
        # mastery: one row per outcome
    with db:
        if batch:
            db.executemany(
                "INSERT INTO attempts (user_id, set_id, set_version, exercise_id, type, "
                "answer, score, result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
        db.executemany(
            "INSERT INTO mastery (user_id, outcome_id, value, attempts, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (100_000 + i, o, rng.random(), attempts // len(outcomes), iso(NOW))
                for i in range(learners)
                for o in outcomes
            ],
        )
        for project_index, project_id in enumerate(PROJECTS[:2]):
            submitted = [i for i in range(learners) if rng.random() < 0.85]
            db.executemany(
                "INSERT INTO submissions (project_id, user_id, text, submitted_at, late) "
                "VALUES (?, ?, 'work', ?, ?)",
                [
                    (
                        project_id,
                        100_000 + i,
                        iso(NOW - timedelta(days=15 - 14 * project_index)),
                        int(i % 10 == 0),
                    )
                    for i in submitted
                ],
            )
        db.execute(
            "INSERT INTO grades (submission_id, reviewer_id, criteria, score, created_at) "
            "SELECT id, 1, '[]', 60 + (id % 40), ? FROM submissions WHERE id % 2 = 0",
            [iso(NOW)],
        )
        db.executemany(
            "INSERT INTO extensions (project_id, user_id, deadline) VALUES ('P2', ?, ?)",
            [(100_000 + i, iso(NOW + timedelta(days=3))) for i in range(0, learners, 50)],
        )
    db.execute("ANALYZE")
    db.close()


def baseline(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("SELECT user_id, COUNT(*) FROM attempts GROUP BY user_id").fetchall()


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median seconds over `runs`, then the peak of Python allocations (MiB) in one more run
    under tracemalloc (which slows Python down, so it is not timed), and the result."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--attempts", type=int, default=100)
    parser.add_argument("--db", type=Path, help="reuse or keep the generated database here")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "reports.db"
        if not path.exists():
            started = time.perf_counter()
            build(path, args.learners, args.attempts)
            print(
                f"built {args.learners:,} learners x {args.attempts} attempts in "
                f"{time.perf_counter() - started:.0f} s ({path.stat().st_size / 2**20:,.0f} MiB)"
            )
        library = load_library(bundled_exercises(), bundled_rubrics())
        database = Database.open(path)
        coordinator = Coordinator(
            database.runner,
            database.reader,
            library.course,
            RiskRules(),
            ZoneInfo("Asia/Shanghai"),
            lambda: NOW,
        )
        loop = asyncio.new_event_loop()

        def run(make: Callable[[], Awaitable[Any]]) -> Callable[[], Any]:
            return lambda: loop.run_until_complete(make())

        rows = []
        base, base_memory, _ = timed(lambda: baseline(path), args.runs)
        rows.append(("baseline: attempts per learner (SQL)", base, base_memory, ""))
        cases: list[tuple[str, Callable[[], Awaitable[Any]], float]] = [
            ("summary, all learners", lambda: coordinator.summary(), 1.0),
            ("summary, one cohort", lambda: coordinator.summary("Cohort 3"), 1.0),
            ("at-risk list", lambda: coordinator.at_risk(), 1.0),
            ("export CSV", lambda: coordinator.export(), 5.0),
            ("export XLSX", lambda: coordinator.export("xlsx"), 5.0),
        ]
        for name, make, target in cases:
            seconds, memory, result = timed(run(make), args.runs)
            learners = getattr(result, "learners", "")
            size = f"{len(result.data) / 2**20:.1f} MiB file" if hasattr(result, "data") else ""
            verdict = "ok" if seconds < target else "OVER"
            rows.append(
                (name, seconds, memory, f"target < {target:.0f} s: {verdict} {size}".strip())
            )
            if name == "summary, all learners":
                print(f"summary covers {learners:,} learners, {result.attempts:,} attempts")
        loop.close()
        database.close()
        print(f"\n{'report':38} {'median s':>9} {'x base':>7} {'peak MiB':>9}")
        for name, seconds, memory, note in rows:
            print(f"{name:38} {seconds:9.3f} {seconds / base:7.1f} {memory:9.1f}  {note}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak resident size: {rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
