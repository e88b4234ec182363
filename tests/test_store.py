"""The SQLite store: migrations, durability, versions, attempts and mastery."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from transtutor.content.library import Library, install
from transtutor.learning.practice import record_attempt
from transtutor.learning.records import NewAttempt
from transtutor.store import Store
from transtutor.store.migrations import MIGRATIONS

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def answer(user_id: int, text: str, score: float, update_id: int | None = None) -> NewAttempt:
    return NewAttempt(
        user_id, "fintech-zh-en", 1, "fin-001", "translate", text, score, {}, NOW, update_id
    )


def test_open_creates_the_latest_schema_in_wal_mode(db_path: Path) -> None:
    store = Store.open(db_path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    again = Store.open(db_path)  # reopening migrates nothing and loses nothing
    assert again.schema_version == len(MIGRATIONS)
    again.close()


def test_attempt_survives_reopen_and_is_recorded_once(db_path: Path, library: Library) -> None:
    store = Store.open(db_path)
    install(store.content, library)
    store.learners.touch_user(5, "Lin", "en", NOW)
    opened = store.practice.open_exercise(5, "fintech-zh-en", 1, "fin-001", NOW)
    first = record_attempt(store, opened.token, answer(5, "answer", 80.0, 1), {"LO1": 0.8})
    assert first is not None and (first.before, first.after) == ({"LO1": 0.0}, {"LO1": 0.8})
    again = record_attempt(store, opened.token, answer(5, "again", 90.0, 2), {"LO1": 0.9})
    assert again is None
    store.close()
    reopened = Store.open(db_path)
    assert [a.score for a in reopened.practice.attempts_of(5)] == [80.0]
    assert reopened.practice.mastery(5)["LO1"].attempts == 1
    assert reopened.practice.open_exercise_of(5) is None
    reopened.close()


def test_tokens_grow_so_old_buttons_go_stale(store: Store, library: Library) -> None:
    install(store.content, library)
    store.learners.touch_user(6, "Ana", "zh", NOW)
    first = store.practice.open_exercise(6, "fintech-zh-en", 1, "fin-010", NOW)
    second = store.practice.open_exercise(6, "fintech-zh-en", 1, "fin-011", NOW)
    assert second.token > first.token
    assert not store.practice.save_state(6, first.token, {"marks": []})
    assert store.practice.save_state(6, second.token, {"marks": [{"span": "x"}]})
    assert record_attempt(store, first.token, answer(6, "x", 1.0), {}) is None
    assert store.count("attempts") == 0


def test_set_listing_and_retiring(store: Store, library: Library) -> None:
    install(store.content, library)
    listed = {s.id: s for s in store.content.sets()}
    assert set(listed) == set(library.sets) and listed["fintech-zh-en"].exercise_count == 11
    assert store.content.retire_set("fintech-zh-en")
    assert not store.content.retire_set("fintech-zh-en")
    assert "fintech-zh-en" not in {s.id for s in store.content.sets()}
    assert "fintech-zh-en" in {s.id for s in store.content.sets(include_retired=True)}


def test_a_delivery_is_claimed_once_and_a_dead_runs_claim_is_taken_over(db_path: Path) -> None:
    first = Store.open(db_path)
    assert first.reminders.claim_delivery("reminder:P1:60", 7, NOW)
    assert not first.reminders.claim_delivery("reminder:P1:60", 7, NOW)  # held: not twice
    first.close()  # killed before the send was confirmed

    second = Store.open(db_path).reminders  # the next run
    assert second.claim_delivery("reminder:P1:60", 7, NOW)  # unconfirmed: sent again
    second.confirm_delivery("reminder:P1:60", 7, NOW)
    second.release_delivery("reminder:P1:60", 7)  # a confirmed one is never released
    second.db.close()

    third = Store.open(db_path).reminders
    assert not third.claim_delivery("reminder:P1:60", 7, NOW)  # confirmed: never again
    assert third.claim_delivery("reminder:P1:60", 8, NOW)
    third.release_delivery("reminder:P1:60", 8)
    assert third.claim_delivery("reminder:P1:60", 8, NOW)  # released: sendable again
    third.db.close()


def test_sent_reminders_and_digests_move_to_deliveries(db_path: Path) -> None:
    db = sqlite_utils.Database(db_path)
    for migration in MIGRATIONS[:6]:
        with db.conn:
            migration(db)
    db.execute("PRAGMA user_version = 6")
    db.execute("INSERT INTO reminders_sent VALUES ('P1', 7, 60, '2026-11-20T00:00:00+00:00')")
    db.execute("INSERT INTO digests_sent VALUES ('2026-11-23T09:00', 3, '2026-11-23T01:00:00')")
    db.conn.commit()
    db.close()
    store = Store.open(db_path)
    rows = store.db.execute("SELECT key, user_id, sent_at IS NOT NULL FROM deliveries").fetchall()
    assert sorted(rows) == [("digest:2026-11-23T09:00", 3, 1), ("reminder:P1:60", 7, 1)]
    assert not store.reminders.claim_delivery("reminder:P1:60", 7, NOW)
    store.close()
