"""Users and their roles, invitations and cohorts."""

from __future__ import annotations

from datetime import datetime

from transtutor.clock import utcnow
from transtutor.people.records import InviteRecord, Recipient, RoleChanges, RoleHolder, UserRecord
from transtutor.store.connection import Rows, iso, maybe_moment, moment


class LearnerStore(Rows):
    def touch_user(
        self, user_id: int, name: str, language: str, now: datetime, role: str = "student"
    ) -> UserRecord:
        """Register a new user (with the given language and role) or note that they were seen."""
        with self.db.atomic():
            row = self._row(
                "SELECT language, role, cohort_id, EXISTS (SELECT 1 FROM attempts "
                "WHERE user_id = users.id AND feedback_owed = 1) AS owed FROM users WHERE id = ?",
                [user_id],
            )
            if row is None:
                self.db.execute(
                    "INSERT INTO users (id, name, language, role, created_at, last_seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [user_id, name, language, role, iso(now), iso(now)],
                )
                return UserRecord(user_id, name, language, role, None, created=True)
            # A user registered before writing (a role given by id) gets their language now.
            self.db.execute(
                "UPDATE users SET name = ?, last_seen_at = ?, language = COALESCE(language, ?) "
                "WHERE id = ?",
                [name, iso(now), language, user_id],
            )
        return UserRecord(
            user_id,
            name,
            row["language"] or language,
            row["role"],
            row["cohort_id"],
            False,
            bool(row["owed"]),
        )

    def user(self, user_id: int) -> UserRecord | None:
        row = self._row(
            "SELECT id, COALESCE(name, '') AS name, COALESCE(language, 'en') AS language, role, "
            "cohort_id FROM users WHERE id = ?",
            [user_id],
        )
        if row is None:
            return None
        return UserRecord(row["id"], row["name"], row["language"], row["role"], row["cohort_id"])

    def set_language(self, user_id: int, language: str) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])

    def staff(self, roles: tuple[str, ...]) -> list[Recipient]:
        marks = ", ".join("?" for _ in roles)
        rows = self._rows(
            "SELECT id, COALESCE(name, '') AS name, COALESCE(language, 'en') AS language "
            f"FROM users WHERE role IN ({marks}) ORDER BY id",
            list(roles),
        )
        return [Recipient(r["id"], r["name"], r["language"]) for r in rows]

    # -- roles -------------------------------------------------------------------------------

    def set_role(self, user_id: int, role: str, now: datetime | None = None) -> str:
        """Give a user a role in chat (/grant, an invitation); a user who never wrote to the
        bot is registered for it. A role from configuration stays in force while configured
        (the chat role takes over when it is not); returns the role in force."""
        chat_role = None if role == "student" else role
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO users (id, name, language, role, role_source, chat_role, created_at) "
                "VALUES (:id, '', NULL, :role, :source, :chat_role, :now) "
                "ON CONFLICT(id) DO UPDATE SET chat_role = :chat_role, "
                "role = CASE WHEN role_source = 'config' THEN role ELSE :role END, "
                "role_source = CASE WHEN role_source = 'config' THEN 'config' ELSE :source END",
                {
                    "id": user_id,
                    "role": role,
                    "source": "chat" if chat_role else None,
                    "chat_role": chat_role,
                    "now": iso(now or utcnow()),
                },
            )
            in_force = self._value("SELECT role FROM users WHERE id = ?", [user_id])
        return str(in_force)

    def apply_configured_roles(self, configured: dict[int, str], now: datetime) -> RoleChanges:
        """Make the database agree with the configured roles: configured users get their role;
        a role that came from configuration and is configured no more is revoked (the user
        falls back to a role given in chat, or student). Roles from before role sources were
        recorded count as configuration when configured, and as given in chat otherwise."""
        changes = RoleChanges()
        with self.db.atomic():
            rows = self._rows(
                "SELECT id, role, role_source, chat_role FROM users "
                "WHERE role_source IN ('config', 'legacy')"
            )
            for r in rows:
                user_id, role, chat_role = r["id"], r["role"], r["chat_role"]
                if r["role_source"] == "legacy":
                    if user_id in configured:
                        chat_role = None  # it was copied from configuration
                        self.db.execute("UPDATE users SET chat_role = NULL WHERE id = ?", [user_id])
                    else:
                        self.db.execute(
                            "UPDATE users SET role_source = 'chat' WHERE id = ?", [user_id]
                        )
                        changes.kept.append((user_id, role))
                        continue
                if user_id not in configured:
                    fallback = chat_role or "student"
                    self.db.execute(
                        "UPDATE users SET role = ?, role_source = ? WHERE id = ?",
                        [fallback, "chat" if chat_role else None, user_id],
                    )
                    changes.revoked.append((user_id, role, fallback))
            for user_id, role in configured.items():
                self.db.execute(
                    "INSERT INTO users (id, name, language, role, role_source, created_at) "
                    "VALUES (?, '', NULL, ?, 'config', ?) ON CONFLICT(id) DO UPDATE SET "
                    "role = excluded.role, role_source = 'config'",
                    [user_id, role, iso(now)],
                )
        return changes

    def role_holders(self) -> list[RoleHolder]:
        """Everyone with a role other than student, strongest role first."""
        rows = self._rows(
            "SELECT id, name, role, role_source FROM users WHERE role != 'student' "
            "ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'coordinator' THEN 1 ELSE 2 END, id"
        )
        return [
            RoleHolder(r["id"], r["name"] or "", r["role"], r["role_source"] or "chat")
            for r in rows
        ]

    # -- invitations -------------------------------------------------------------------------

    def create_invite(
        self,
        code: str,
        role: str | None,
        cohort_id: int | None,
        created_by: int | None,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO invites (code, role, cohort_id, created_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [code, role, cohort_id, created_by, iso(now), expires_at and iso(expires_at)],
            )

    def redeem_invite(self, code: str, user_id: int, now: datetime) -> str | None:
        """Use a one-time role invite: the role it gave, or None if unknown, already used,
        cancelled or expired."""
        with self.db.atomic():
            role = self._value(
                "SELECT role FROM invites WHERE code = ? AND used_by IS NULL AND role IS NOT NULL "
                "AND (expires_at IS NULL OR expires_at > ?)",
                [code, iso(now)],
            )
            if role is None:
                return None
            self.db.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ?",
                [user_id, iso(now), code],
            )
            self.set_role(user_id, role, now)
        return str(role)

    def open_invites(self, now: datetime) -> list[InviteRecord]:
        """Role invitations not used, cancelled or expired, oldest first."""
        rows = self._rows(
            "SELECT code, role, created_by, created_at, expires_at FROM invites "
            "WHERE role IS NOT NULL AND used_by IS NULL AND (expires_at IS NULL OR expires_at > ?) "
            "ORDER BY created_at",
            [iso(now)],
        )
        return [
            InviteRecord(
                r["code"],
                r["role"],
                r["created_by"],
                moment(r["created_at"]),
                maybe_moment(r["expires_at"]),
            )
            for r in rows
        ]

    def cancel_invite(self, code: str, now: datetime) -> bool:
        """End an open role invitation at once (it expires now); False if none is open."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE invites SET expires_at = ? WHERE code = ? AND role IS NOT NULL "
                "AND used_by IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                [iso(now), code, iso(now)],
            )
        return cursor.rowcount == 1

    # -- cohorts -----------------------------------------------------------------------------

    def cohort_by_code(self, code: str) -> tuple[int, str] | None:
        row = self._row("SELECT id, name FROM cohorts WHERE code = ?", [code])
        return (row["id"], row["name"]) if row else None

    def create_cohort(self, name: str, code: str, created_by: int | None, now: datetime) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO cohorts (name, code, created_by, created_at) VALUES (?, ?, ?, ?)",
                [name, code, created_by, iso(now)],
            )
        return int(cursor.lastrowid or 0)

    def join_cohort(self, user_id: int, cohort_id: int) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET cohort_id = ? WHERE id = ?", [cohort_id, user_id])
