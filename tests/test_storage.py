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
