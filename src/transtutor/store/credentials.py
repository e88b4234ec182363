"""Issued credentials, the learners' recipient keys, and the revocation status lists.

Rows are kept for ever: a status index is never given twice, and a verifier asking about a
credential whose learner was forgotten still gets an answer (its bit), with nothing that
links it back to the person.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from transtutor.awards.records import STATUS_LIST, IssuedCredential, NewCredential
from transtutor.store.connection import Rows, iso, maybe_moment, moment, to_json

# A credential with what coordinators' lists and the learner's messages need of its learner.
_SELECT = (
    "SELECT c.id, c.user_id, c.kind, c.outcome_id, c.status_index, c.issued_at, c.revoked_at, "
    "c.revoked_reason, COALESCE(u.name, '') AS name, u.cohort_id, "
    "COALESCE(u.language, 'en') AS language "
    "FROM credentials c LEFT JOIN users u ON u.id = c.user_id "
)


class CredentialStore(Rows):
    def recipient_key(self, user_id: int, now: datetime) -> str:
        """The learner's opaque key (their credentials' identifier is its salted hash)."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO recipients (user_id, recipient_key, created_at) "
                "VALUES (?, ?, ?)",
                [user_id, secrets.token_urlsafe(16), iso(now)],
            )
            return str(
                self._value("SELECT recipient_key FROM recipients WHERE user_id = ?", [user_id])
            )

    def display_name(self, user_id: int) -> str | None:
        value = self._value("SELECT display_name FROM recipients WHERE user_id = ?", [user_id])
        return str(value) if value else None

    def set_display_name(self, user_id: int, name: str | None, now: datetime) -> None:
        """The name the learner chose to put on credentials issued from now on (None: none)."""
        self.recipient_key(user_id, now)
        with self.db.atomic():
            self.db.execute(
                "UPDATE recipients SET display_name = ? WHERE user_id = ?", [name, user_id]
            )

    def reserve_index(
        self, credential_id: str, user_id: int, kind: str, outcome_id: str | None, now: datetime
    ) -> int:
        """Take the next status index for a credential about to be signed."""
        with self.db.atomic():
            index = int(
                self._value(
                    "SELECT COALESCE(MAX(status_index) + 1, 0) FROM credentials WHERE list_id = ?",
                    [STATUS_LIST],
                )
            )
            self.db.execute(
                "INSERT INTO credentials (id, user_id, kind, outcome_id, list_id, status_index, "
                "issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [credential_id, user_id, kind, outcome_id, STATUS_LIST, index, iso(now)],
            )
        return index

    def save_credential(self, credential: NewCredential) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE credentials SET json = ? WHERE id = ? AND user_id = ?",
                [to_json(credential.document), credential.id, credential.user_id],
            )

    def drop_unsigned(self, credential_id: str) -> None:
        """A reserved credential that could not be signed: its row goes (index unused)."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM credentials WHERE id = ? AND json IS NULL", [credential_id]
            )

    def issued_to(self, user_id: int) -> list[IssuedCredential]:
        """The learner's signed credentials, oldest first."""
        rows = self._rows(
            _SELECT
            + "WHERE c.user_id = ? AND c.json IS NOT NULL ORDER BY c.issued_at, c.status_index",
            [user_id],
        )
        return [_issued(r) for r in rows]

    def issued(self, cohort_id: int | None = None) -> list[IssuedCredential]:
        """Every signed course credential (of one cohort's learners), newest first."""
        rows = self._rows(
            _SELECT + "WHERE c.kind = 'course' AND c.json IS NOT NULL "
            "AND (:cohort IS NULL OR u.cohort_id = :cohort) "
            "ORDER BY c.issued_at DESC, c.status_index DESC",
            {"cohort": cohort_id},
        )
        return [_issued(r) for r in rows]

    def credential(self, credential_id: str) -> IssuedCredential | None:
        row = self._row(
            _SELECT + "WHERE c.id = ?",
            [credential_id],
        )
        return _issued(row) if row else None

    def document(self, credential_id: str) -> dict[str, Any] | None:
        """The issued JSON (None if unknown, not signed, or its learner was forgotten)."""
        text = self._value("SELECT json FROM credentials WHERE id = ?", [credential_id])
        return json.loads(text) if text else None

    def revoke(self, credential_id: str, reason: str, by: int | None, now: datetime) -> bool:
        """Mark it revoked (the caller sets its status bit); False if unknown or revoked."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE credentials SET revoked_at = ?, revoked_reason = ?, revoked_by = ? "
                "WHERE id = ? AND revoked_at IS NULL",
                [iso(now), reason, by, credential_id],
            )
        return cursor.rowcount == 1

    # -- status lists ------------------------------------------------------------------------

    def encoded_status_list(self, list_id: str) -> str | None:
        value = self._value("SELECT encoded FROM status_lists WHERE id = ?", [list_id])
        return str(value) if value is not None else None

    def save_status_list(self, list_id: str, encoded: str, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO status_lists (id, encoded, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET encoded = excluded.encoded, "
                "updated_at = excluded.updated_at",
                [list_id, encoded, iso(now)],
            )


def _issued(row: Any) -> IssuedCredential:
    return IssuedCredential(
        row["id"],
        row["user_id"],
        row["kind"],
        row["outcome_id"],
        row["status_index"],
        moment(row["issued_at"]),
        maybe_moment(row["revoked_at"]),
        row["revoked_reason"],
        row["name"],
        row["cohort_id"],
        row["language"],
    )
