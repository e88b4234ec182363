"""Roles: configuration is authoritative at every start, chat grants are kept, invitations expire."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from tests.chat import ChatClient
from transtutor.store import Store
from transtutor.store.migrations import MIGRATIONS
from transtutor_bot.app import App, build_app
from transtutor_bot.config import Settings
from transtutor_bot.terminal_session import OfflineSession

ADMIN, OLD_ADMIN, HELPER, STUDENT = 1, 2, 3, 4
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def start(db: Path, **roles: list[int]) -> tuple[App, OfflineSession]:
    session = OfflineSession()
    return build_app(Settings(db=db, **roles), session=session), session


def role_of(db: Path, user_id: int) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT role FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row else None


async def test_a_role_removed_from_configuration_is_revoked_at_the_next_start(
    tmp_path: Path,
) -> None:
    db = tmp_path / "roles.db"
    app = start(db, admins=[ADMIN, OLD_ADMIN])
    old_admin = ChatClient(*app, user_id=OLD_ADMIN)
    assert "is now instructor" in (await old_admin.send(f"/grant {HELPER} instructor"))[0]
    app[0].close()

    app = start(db, admins=[ADMIN])
    try:
        assert role_of(db, OLD_ADMIN) == "student"
        assert role_of(db, HELPER) == "instructor"  # given in chat: kept
        old_admin = ChatClient(*app, user_id=OLD_ADMIN)
        refused = (await old_admin.send(f"/grant {STUDENT} admin"))[0]
        assert refused == "⛔ You don't have access to this command."
        assert role_of(db, STUDENT) is None
        listed = (await ChatClient(*app, user_id=ADMIN).send("/roles"))[0]
        assert f"<code>{ADMIN}</code>" in listed and "admin (configuration)" in listed
        assert f"<code>{HELPER}</code>" in listed and "instructor (given in chat)" in listed
        assert f"<code>{OLD_ADMIN}</code>" not in listed
    finally:
        app[0].close()


async def test_a_configured_role_wins_over_a_grant_until_it_is_unconfigured(
    tmp_path: Path,
) -> None:
    db = tmp_path / "roles.db"
    app = start(db, admins=[ADMIN], instructors=[HELPER])
    reply = (await ChatClient(*app, user_id=ADMIN).send(f"/grant {HELPER} coordinator"))[0]
    assert "stays instructor while the configuration" in reply
    assert role_of(db, HELPER) == "instructor"
    app[0].close()
    app = start(db, admins=[ADMIN])  # no longer configured: the role given in chat takes over
    assert role_of(db, HELPER) == "coordinator"
    app[0].close()


async def test_role_invitations_are_listed_cancelled_and_expire(tmp_path: Path) -> None:
    db = tmp_path / "roles.db"
    app = start(db, admins=[ADMIN])
    try:
        admin = ChatClient(*app, user_id=ADMIN)
        made = (await admin.send("/invite instructor"))[0]
        assert "valid for 7 days" in made
        code = made.split("start=")[1].split()[0]
        listed = (await admin.send("/invites"))[0]
        assert f"<code>{code}</code> — instructor, until " in listed
        assert "cancelled" in (await admin.send(f"/invite_cancel {code}"))[0]
        assert "No role invitations are open" in (await admin.send("/invites"))[0]
        again = (await admin.send(f"/invite_cancel {code}"))[0]
        assert "No open invitation has the code" in again
        # A cancelled invitation gives nothing.
        await ChatClient(*app, user_id=STUDENT).send(f"/start {code}")
        assert role_of(db, STUDENT) == "student"
    finally:
        app[0].close()


def test_an_expired_invitation_gives_no_role(store: Store) -> None:
    learners = store.learners
    learners.create_invite("r-old", "admin", None, ADMIN, NOW, NOW + timedelta(days=7))
    assert learners.open_invites(NOW + timedelta(days=6))[0].code == "r-old"
    assert learners.redeem_invite("r-old", STUDENT, NOW + timedelta(days=7, seconds=1)) is None
    assert learners.open_invites(NOW + timedelta(days=8)) == []
    assert learners.redeem_invite("r-old", STUDENT, NOW + timedelta(days=6)) == "admin"


def test_roles_from_before_sources_were_kept_are_sorted_out_at_the_first_start(
    db_path: Path,
) -> None:
    db = sqlite_utils.Database(db_path)
    for migration in MIGRATIONS[:7]:
        with db.conn:
            migration(db)
    db.execute("PRAGMA user_version = 7")
    for user_id, role in ((ADMIN, "admin"), (OLD_ADMIN, "admin"), (HELPER, "instructor")):
        db.execute(
            "INSERT INTO users (id, name, language, role, created_at) VALUES (?, '', 'en', ?, ?)",
            [user_id, role, NOW.isoformat()],
        )
    db.execute(
        "INSERT INTO invites (code, role, created_at) VALUES ('r-x', 'admin', ?)",
        [NOW.isoformat()],
    )
    db.conn.commit()
    db.close()
    store = Store.open(db_path)
    learners = store.learners
    # ADMIN is configured (its role was copied from configuration); the others are not, and
    # nothing says whether they were given in chat: they are kept, and reported.
    changes = learners.apply_configured_roles({ADMIN: "admin"}, NOW)
    assert changes.revoked == []
    assert sorted(changes.kept) == [(OLD_ADMIN, "admin"), (HELPER, "instructor")]
    assert [(h.user_id, h.source) for h in learners.role_holders()] == [
        (ADMIN, "config"),
        (OLD_ADMIN, "chat"),
        (HELPER, "chat"),
    ]
    # Now that ADMIN's role is known to come from configuration, it goes with it.
    assert learners.apply_configured_roles({}, NOW).revoked == [(ADMIN, "admin", "student")]
    # An invitation from before expiry dates gets the default week.
    assert learners.open_invites(NOW + timedelta(days=6))[0].code == "r-x"
    assert learners.open_invites(NOW + timedelta(days=8)) == []
    store.close()
