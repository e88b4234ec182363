"""What /credential, /credentials, /revoke and the award announcements look like."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from transtutor.awards.awarding import Standing
from transtutor.awards.records import IssuedCredential
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import day, quote


def missing_text(t: Translator, standing: Standing) -> str:
    """Before the award: the outcomes (with their levels, as /progress shows them) and the
    projects still missing, and the badges earned so far."""
    course, gaps, learner = standing.course, standing.gaps, standing.learner
    assert course is not None and gaps is not None and learner is not None
    language = t.language
    lines = [
        t(
            "award.missing_header",
            course=quote(course.title.get(language)),
            threshold=round(100 * course.mastery_threshold),
            min=course.min_attempts,
            projects=t("award.with_projects") if course.required_projects else "",
        )
    ]
    for outcome in gaps.outcomes:
        record = learner.record(outcome.id)
        lines.append(
            t(
                "award.missing_outcome",
                outcome=outcome.id,
                level=f" ({quote(outcome.level)})" if outcome.level else "",
                percent=round(100 * record.mastery) if record else 0,
                attempts=record.attempts if record else 0,
                title=quote(outcome.title.get(language)),
            )
        )
    for project in gaps.projects:
        lines.append(
            t(
                "award.missing_project",
                project=quote(project.id),
                title=quote(project.title.get(language)),
                pass_mark=round(project.pass_mark),
            )
        )
    badges = [c.outcome_id for c in standing.issued if c.kind == "outcome" and c.outcome_id]
    if badges:
        lines += ["", t("award.badges", badges=", ".join(badges))]
    return "\n".join(lines)


def announcement(t: Translator, issued: list[IssuedCredential], course_title: str) -> str:
    lines = [
        t("award.course_issued", course=quote(course_title))
        if c.kind == "course"
        else t("award.badge_issued", outcome=quote(c.outcome_id or ""))
        for c in issued
    ]
    return "\n".join(lines)


def file_caption(
    t: Translator, issued: IssuedCredential, course_title: str, link: str | None, zone: ZoneInfo
) -> str:
    """The caption of the credential file /credential sends: dates in the course time zone."""
    course, date = quote(course_title), day(issued.issued_at, zone)
    caption = (
        t("award.file_caption", course=course, date=date, link=link)
        if link
        else t("award.file_caption_nolink", course=course, date=date)
    )
    if issued.revoked_at is not None:
        caption += "\n" + t(
            "award.revoked_note",
            date=day(issued.revoked_at, zone),
            reason=quote(issued.revoked_reason or ""),
        )
    return caption


def issued_list(t: Translator, issued: list[IssuedCredential], zone: ZoneInfo) -> str:
    if not issued:
        return t("award.list_none")
    lines = [t("award.list_header", count=len(issued))]
    for c in issued:
        revoked = t("award.list_revoked", date=day(c.revoked_at, zone)) if c.revoked_at else ""
        lines.append(
            t(
                "award.list_line",
                credential=quote(c.id),
                name=quote(c.name or "—"),
                user=c.user_id if c.user_id is not None else "—",
                date=day(c.issued_at, zone),
                revoked=revoked,
            )
        )
    return "\n".join(lines)
