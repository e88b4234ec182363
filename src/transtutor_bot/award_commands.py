"""`transtutor issue` and `transtutor revoke`: credentials from the command line, through the
same awarding service as the chat."""

from __future__ import annotations

import asyncio

from transtutor.awards.awarding import AwardRejected
from transtutor.errors import CommandFailed
from transtutor_bot.bootstrap import open_awards
from transtutor_bot.config import Settings
from transtutor_bot.error_messages import message_for
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import plain


def issue(settings: Settings, user_id: int) -> int:
    database, awards = open_awards(settings)
    try:
        issued = asyncio.run(awards.award(user_id))
    finally:
        database.close()
    if not issued:
        print(f"nothing to issue for user {user_id} (see /credential for what is missing)")
    for credential in issued:
        what = credential.outcome_id or "course credential"
        print(f"✓ issued {credential.id} ({what}) to user {user_id}")
    return 0


def revoke(settings: Settings, text: str) -> int:
    database, awards = open_awards(settings)
    try:
        revoked = asyncio.run(awards.revoke(text, 0))
    except AwardRejected as exc:
        raise CommandFailed(plain(message_for(exc, Translator("en")) or str(exc))) from None
    finally:
        database.close()
    print(f"✓ revoked {revoked.id}: verifiers now see it as revoked")
    return 0
