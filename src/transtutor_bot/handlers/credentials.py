"""Credentials in the chat: /credential (learners), /credentials and /revoke (coordinators),
and the announcement when evidence earns one."""

from __future__ import annotations

import json
import logging

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from transtutor.awards.awarding import Awards
from transtutor.people.records import UserRecord
from transtutor_bot import render_credentials
from transtutor_bot.filters import HasRole
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, reply
from transtutor_bot.sender import Notifier

log = logging.getLogger(__name__)


def _course_title(awards: Awards, language: str) -> str:
    course = awards.course
    if course is None:
        return ""
    return course.title.get(language)


async def announce(awards: Awards, notifier: Notifier, user_id: int, language: str) -> None:
    """Issue what the learner's latest evidence earned and tell them. Never fails the reply
    that came before it: what is due is issued at the next piece of evidence."""
    try:
        issued = await awards.award(user_id)
        if issued:
            t = Translator(language)
            text = render_credentials.announcement(t, issued, _course_title(awards, language))
            await notifier.send(user_id, text)
    except Exception as exc:  # the answer's feedback is already out; log, never the texts
        log.warning("award check for %s failed (%s)", user_id, type(exc).__name__)


async def credential(
    message: Message,
    command: CommandObject,
    me: UserRecord,
    t: Translator,
    awards: Awards,
    notifier: Notifier,
) -> None:
    if awards.course is None:
        await message.answer(t("award.off"))
        return
    words = (command.args or "").split(maxsplit=1)
    if words and words[0].lower() in ("name", "名字"):
        chosen = await awards.name_on_credentials(me.id, words[1] if len(words) > 1 else "")
        text = t("award.name_set", name=quote(chosen)) if chosen else t("award.name_cleared")
        await message.answer(text)
        return
    standing = await awards.standing(me.id)
    issued = standing.course_credential
    if issued is None or standing.credential is None:
        text = render_credentials.missing_text(t, standing)
        if not awards.enabled:
            text = f"{t('award.not_set_up')}\n\n{text}"
        await reply(message, text)
        return
    from transtutor_web import credential_page_url

    link = credential_page_url(awards.issuer.facts, issued.id) if awards.issuer else None
    title = _course_title(awards, t.language)
    caption = render_credentials.file_caption(t, issued, title, link, notifier.zone)
    data = json.dumps(standing.credential, ensure_ascii=False, indent=2).encode("utf-8")
    name = f"{awards.course.id}-credential.json"
    await message.answer_document(BufferedInputFile(data, name), caption=caption)


async def issued(
    message: Message, command: CommandObject, t: Translator, awards: Awards, notifier: Notifier
) -> None:
    found = await awards.issued(command.args or "")
    await reply(message, render_credentials.issued_list(t, found, notifier.zone))


async def revoke(
    message: Message,
    command: CommandObject,
    me: UserRecord,
    t: Translator,
    awards: Awards,
    notifier: Notifier,
) -> None:
    revoked = await awards.revoke(command.args or "", me.id)
    told = False
    if revoked.user_id is not None:
        learner_language = revoked.language
        their = Translator(learner_language)
        text = their(
            "award.revoked_told",
            course=quote(_course_title(awards, learner_language)),
            credential=quote(revoked.id),
            reason=quote(revoked.revoked_reason or ""),
        )
        try:
            told = await notifier.send(revoked.user_id, text)
        except Exception as exc:  # network: the revocation stands; say it was not told
            log.warning("revocation not told to %s (%s)", revoked.user_id, type(exc).__name__)
    await message.answer(
        t(
            "award.revoked",
            credential=quote(revoked.id),
            name=quote(revoked.name or "—"),
            told="" if told else t("award.revoked_not_told"),
        )
    )


def router() -> Router:
    r = Router(name="credentials")
    r.message.filter(F.chat.type == "private")
    r.message.register(credential, Command("credential"))
    r.message.register(issued, Command("credentials"), HasRole("coordinator"))
    r.message.register(revoke, Command("revoke"), HasRole("coordinator"))
    return r
