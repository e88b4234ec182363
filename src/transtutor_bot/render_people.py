"""What /roles and /invites look like."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from transtutor.people.records import InviteRecord, RoleHolder
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, when


def roles_text(t: Translator, holders: list[RoleHolder]) -> str:
    """/roles: who has which role, and whether configuration or the chat gave it."""
    if not holders:
        return t("roles.none")
    lines = [t("roles.header")]
    for h in holders:
        name = f" {quote(h.name)}" if h.name else ""
        source = t("roles.from_config" if h.source == "config" else "roles.from_chat")
        lines.append(f"• <code>{h.user_id}</code>{name} — {h.role} ({source})")
    lines.append(t("roles.footer"))
    return "\n".join(lines)


def invites_text(t: Translator, invites: list[InviteRecord], zone: ZoneInfo) -> str:
    """/invites: the role invitations still open, with their codes to cancel them."""
    if not invites:
        return t("invites.none")
    lines = [t("invites.header")]
    for i in invites:
        until = when(i.expires_at, zone) if i.expires_at else "—"
        lines.append(t("invites.line", code=quote(i.code), role=i.role, until=until))
    lines.append(t("invites.footer"))
    return "\n".join(lines)
