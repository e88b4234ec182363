"""The SQLite storage: migrations, durability, versions, attempts and mastery."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from transtutor.content.library import Library, install
from transtutor.storage import MIGRATIONS, OpenExercise, Storage

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_open_creates_the_latest_schema_in_wal_mode(db_path: Path) -> None:
    storage = Storage.open(db_path)
    assert storage.schema_version == len(MIGRATIONS)
    assert storage.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    storage.close()
    again = Storage.open(db_path)  # reopening migrates nothing and loses nothing
    assert again.schema_version == len(MIGRATIONS)
    again.close()


def test_attempt_survives_reopen_and_is_recorded_once(db_path: Path, library: Library) -> None:
    storage = Storage.open(db_path)
    install(storage, library)
    storage.touch_user(5, "Lin", "en", NOW)
    opened = storage.open_exercise(5, "fintech-zh-en", 1, "fin-001", NOW)
    first = storage.record_attempt(5, opened, "translate", "answer", 80.0, {}, {"LO1": 0.8}, NOW, 1)
    assert first == ({"LO1": 0.0}, {"LO1": 0.8})
    assert (
        storage.record_attempt(5, opened, "translate", "again", 90.0, {}, {"LO1": 0.9}, NOW, 2)
        is None
    )
    storage.close()
    reopened = Storage.open(db_path)
    assert [a.score for a in reopened.attempts_of(5)] == [80.0]
    assert reopened.mastery(5)["LO1"].attempts == 1
    assert reopened.open_exercise_of(5) is None
    reopened.close()


def test_tokens_grow_so_old_buttons_go_stale(storage: Storage, library: Library) -> None:
    install(storage, library)
    storage.touch_user(6, "Ana", "zh", NOW)
    first = storage.open_exercise(6, "fintech-zh-en", 1, "fin-010", NOW)
    second = storage.open_exercise(6, "fintech-zh-en", 1, "fin-011", NOW)
    assert second.token > first.token
    assert not storage.save_state(6, first.token, {"marks": []})
    assert storage.save_state(6, second.token, {"marks": [{"span": "x"}]})
    stale = OpenExercise(first.token, "fintech-zh-en", 1, "fin-010", {})
    assert storage.record_attempt(6, stale, "error_spot", "x", 1.0, {}, {}, NOW) is None


def test_set_listing_and_retiring(storage: Storage, library: Library) -> None:
    install(storage, library)
    listed = {s.id: s for s in storage.sets()}
    assert set(listed) == set(library.sets) and listed["fintech-zh-en"].exercise_count == 11
    assert storage.retire_set("fintech-zh-en")
    assert not storage.retire_set("fintech-zh-en")
    assert "fintech-zh-en" not in {s.id for s in storage.sets()}
    assert "fintech-zh-en" in {s.id for s in storage.sets(include_retired=True)}


def test_a_delivery_is_claimed_once_and_a_dead_runs_claim_is_taken_over(db_path: Path) -> None:
    first = Storage.open(db_path)
    assert first.claim_delivery("reminder:P1:60", 7, NOW)
    assert not first.claim_delivery("reminder:P1:60", 7, NOW)  # held: not twice at once
    first.close()  # killed before the send was confirmed

    second = Storage.open(db_path)  # the next run
    assert second.claim_delivery("reminder:P1:60", 7, NOW)  # unconfirmed: sent again
    second.confirm_delivery("reminder:P1:60", 7, NOW)
    second.release_delivery("reminder:P1:60", 7)  # a confirmed one is never released
    second.close()

    third = Storage.open(db_path)
    assert not third.claim_delivery("reminder:P1:60", 7, NOW)  # confirmed: never again
    assert third.claim_delivery("reminder:P1:60", 8, NOW)
    third.release_delivery("reminder:P1:60", 8)
    assert third.claim_delivery("reminder:P1:60", 8, NOW)  # released: sendable again
    third.close()


def test_sent_reminders_and_digests_move_to_deliveries(db_path: Path) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    for migration in MIGRATIONS[:6]:
        with db.conn:
            migration(db)
    db.execute("PRAGMA user_version = 6")
    db.execute("INSERT INTO reminders_sent VALUES ('P1', 7, 60, '2026-11-20T00:00:00+00:00')")
    db.execute("INSERT INTO digests_sent VALUES ('2026-11-23T09:00', 3, '2026-11-23T01:00:00')")
    db.conn.commit()
    db.close()
    storage = Storage.open(db_path)
    rows = storage.db.execute("SELECT key, user_id, sent_at IS NOT NULL FROM deliveries").fetchall()
    assert sorted(rows) == [("digest:2026-11-23T09:00", 3, 1), ("reminder:P1:60", 7, 1)]
    assert not storage.claim_delivery("reminder:P1:60", 7, NOW)
    storage.close()
