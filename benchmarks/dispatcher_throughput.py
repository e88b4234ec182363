"""Submissions per second through the real dispatcher, with scoring and SQLite persistence,
next to an echo handler on the same dispatcher machinery in the same run.

Many students each have an open exercise and submit at once (as aiogram's polling does: every
update of a batch becomes a task). Telegram is replaced by the offline session, so what is
measured is our code: middleware, handler, scoring, storage.

    python benchmarks/dispatcher_throughput.py [--students 2000] [--concurrency 100]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiogram import Dispatcher, Router
from aiogram.types import Message, Update

from transtutor.clock import utcnow
from transtutor.content.models import ExerciseType
from transtutor_bot.app import build_app
from transtutor_bot.config import Settings
from transtutor_bot.terminal_session import OfflineSession, OfflineUser

from machine import describe


def update(user_id: int, text: str) -> Update:
    return OfflineUser(user_id, f"S{user_id}").message(text=text)


async def drive(
    dispatcher: Dispatcher, bot: object, updates: list[Update], concurrency: int
) -> tuple[float, list[float]]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(item: Update) -> None:
        async with gate:
            started = time.perf_counter()
            await dispatcher.feed_update(bot, item)  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - started)

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(u) for u in updates))
    cpu = time.process_time() - cpu_started
    return time.perf_counter() - started, latencies, cpu


def report(name: str, count: int, elapsed: float, latencies: list[float], cpu: float) -> float:
    """Wall-clock rate and latency, and CPU time per update (less sensitive to neighbours)."""
    rate = count / elapsed
    p50 = statistics.median(latencies) * 1000
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    print(f"{name:<44}{rate:>10.0f}{p50:>10.1f}{p95:>10.1f}{cpu / count * 1000:>10.2f}")
    return rate


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(describe())

    print(
        f"{args.students} students, {args.concurrency} updates in flight, {args.rounds} rounds "
        "(this machine is shared: compare within a round)\n"
    )
    print(f"{'':<44}{'updates/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'CPU ms':>10}")
    rates: list[float] = []
    ratios: list[float] = []
    for round_number in range(1, args.rounds + 1):
        echo_rate, rate, complete = await one_round(args.students, args.concurrency, round_number)
        rates.append(rate)
        ratios.append(rate / echo_rate)
        if not complete:
            return 1
    print(
        f"\nsubmissions/s: median {statistics.median(rates):.0f}, best {max(rates):.0f}; "
        f"submissions / echo: median {statistics.median(ratios):.3f}"
    )
    return 0


async def one_round(
    students: int, concurrency: int, round_number: int
) -> tuple[float, float, bool]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        app = build_app(Settings(db=db), session=OfflineSession())
        exercises = [
            (s, e)
            for s in app.core.library.sets.values()
            for e in s.exercises
            if e.type is not ExerciseType.error_spot
        ]
        answers: list[Update] = []
        now = utcnow()
        for n in range(students):
            user_id = 10_000 + n
            exercise_set, exercise = exercises[n % len(exercises)]
            app.runner.db_sync(app.store.learners.touch_user, user_id, f"S{user_id}", "en", now)
            app.runner.db_sync(
                app.store.practice.open_exercise, user_id, exercise_set.id, 1, exercise.id, now
            )
            reference = exercise.references[n % len(exercise.references)]
            answers.append(update(user_id, reference if n % 3 else reference.split(" ", 1)[-1]))

        echo = Dispatcher()
        echo_router = Router()

        @echo_router.message()
        async def echo_handler(message: Message) -> None:
            await message.answer(message.text or "")

        echo.include_router(echo_router)
        echoes = [update(20_000 + n, f"hello {n}") for n in range(students)]
        echo_rate = report(
            f"round {round_number}: echo handler (baseline)",
            len(echoes),
            *await drive(echo, app.bot, echoes, concurrency),
        )
        rate = report(
            f"round {round_number}: submission (score+persist+reply)",
            len(answers),
            *await drive(app.dispatcher, app.bot, answers, concurrency),
        )
        app.close()
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
        if stored != len(answers):
            print(f"only {stored} of {len(answers)} attempts were stored")
        return echo_rate, rate, stored == len(answers)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(asyncio.run(main()))
