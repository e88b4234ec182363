"""Roles, cohorts and invitations: who may do what, and how people join.

A user without a role is a student. Roles come from two places: the configuration
(TRANSTUTOR_ADMINS, ...), which is applied at every start and wins while it names a user, and
the chat, where admins grant roles (`grant`) or hand out one-time role invitations that expire.
Instructors create cohorts whose join code goes into a Telegram deep link.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from transtutor.clock import utcnow
from transtutor.errors import Rejected, TranstutorError
from transtutor.infra.executors import Runner
from transtutor.people.ports import AccessStores
from transtutor.people.records import InviteRecord, RoleHolder

ROLES = ("student", "instructor", "coordinator", "admin")
ROLE_INVITE_PREFIX = "r-"
INVITE_DAYS = 7
UTC_ZONE = ZoneInfo("UTC")
MAX_COHORT_NAME = 64


class AccessRejected(Rejected):
    """A request about roles or cohorts that cannot be done."""

    prefix = "access"


class UnknownCode(TranstutorError):
    pass


@dataclass(frozen=True)
class Redeemed:
    kind: Literal["role", "cohort"]
    value: str  # the role given or the cohort's name


def _new_code() -> str:
    return secrets.token_urlsafe(8).replace("-", "x").replace("_", "y")


class Access:
    def __init__(
        self,
        runner: Runner,
        store: AccessStores,
        on_user_changed: Callable[[int], None] = lambda user_id: None,
        clock: Callable[[], datetime] = utcnow,
        invite_days: int = INVITE_DAYS,
        zone: ZoneInfo = UTC_ZONE,
    ) -> None:
        self.runner = runner
        self.store = store
        self.on_user_changed = on_user_changed
        self.clock = clock
        self.invite_ttl = timedelta(days=invite_days)
        self.zone = zone  # the course time zone, for showing when invitations expire

    async def grant(self, user_id_text: str, role: str) -> tuple[int, str]:
        """Give `role` to the user with this Telegram id (digits); returns the id and the role
        now in force, which stays the configured one for a user the configuration names."""
        if not re.fullmatch(r"\d{1,15}", user_id_text.strip()):
            raise AccessRejected("bad_user_id", value=user_id_text.strip()[:32])
        wanted = role.strip().lower()
        if wanted not in ROLES:
            raise AccessRejected("bad_role", value=role.strip()[:32], roles=", ".join(ROLES))
        user_id = int(user_id_text)
        in_force = await self.runner.db(self.store.learners.set_role, user_id, wanted, self.clock())
        self.on_user_changed(user_id)
        return user_id, in_force

    async def holders(self) -> list[RoleHolder]:
        """Everyone with a role, and where it came from (configuration or chat)."""
        return await self.runner.db(self.store.learners.role_holders)

    async def new_cohort(self, name: str, created_by: int) -> str:
        """Create a cohort; returns its join code."""
        cleaned = " ".join(name.split())
        if not cleaned:
            raise AccessRejected("cohort_name_missing")
        if len(cleaned) > MAX_COHORT_NAME:
            raise AccessRejected("cohort_name_long", limit=str(MAX_COHORT_NAME))
        code = _new_code()
        await self.runner.db(
            self.store.learners.create_cohort, cleaned, code, created_by, self.clock()
        )
        return code

    async def new_invite(self, role: str, created_by: int) -> str:
        """A one-time code that gives `role` to whoever opens it first."""
        wanted = role.strip().lower()
        if wanted not in ROLES or wanted == "student":
            raise AccessRejected(
                "bad_role",
                value=role.strip()[:32],
                roles=", ".join(r for r in ROLES if r != "student"),
            )
        code = ROLE_INVITE_PREFIX + _new_code()
        now = self.clock()
        await self.runner.db(
            self.store.learners.create_invite,
            code,
            wanted,
            None,
            created_by,
            now,
            now + self.invite_ttl,
        )
        return code

    async def open_invites(self) -> list[InviteRecord]:
        return await self.runner.db(self.store.learners.open_invites, self.clock())

    async def cancel_invite(self, code_text: str) -> str:
        """Cancel an open role invitation, named by its code or the link that carries it."""
        code = code_text.strip().rsplit("start=", 1)[-1].strip()
        if not code:
            raise AccessRejected("cancel_usage")
        if not await self.runner.db(self.store.learners.cancel_invite, code, self.clock()):
            raise AccessRejected("no_such_invite", code=code[:64])
        return code

    async def redeem(self, user_id: int, code: str) -> Redeemed:
        """Use a code from a /start link: a role invitation or a cohort's join code."""
        code = code.strip()
        if code.startswith(ROLE_INVITE_PREFIX):
            role = await self.runner.db(
                self.store.learners.redeem_invite, code, user_id, self.clock()
            )
            if role is None:
                raise UnknownCode(code)
            self.on_user_changed(user_id)
            return Redeemed("role", role)
        cohort = await self.runner.db(self.store.learners.cohort_by_code, code)
        if cohort is None:
            raise UnknownCode(code)
        await self.runner.db(self.store.learners.join_cohort, user_id, cohort[0])
        self.on_user_changed(user_id)
        return Redeemed("cohort", cohort[1])
