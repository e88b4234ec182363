"""What project messages look like: deadlines, receipts, reminders, review cards and grades."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from transtutor.content.models import REVIEW_LEVELS
from transtutor.projects.projects import Receipt, Standing
from transtutor.projects.records import ProjectRecord
from transtutor.projects.reminders import Reminder
from transtutor.projects.review import Graded, Reviewing
from transtutor.reports.snapshot import ProjectSummary
from transtutor_bot.i18n import Translator
from transtutor_bot.render_practice import mastery_line
from transtutor_bot.render_text import quote, when


def duration(t: Translator, span: timedelta) -> str:
    """'2 d 3 h', '5 h 20 min', '12 min': the two largest units."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [t(key, n=n) for key, n in (("duration.days", days), ("duration.hours", hours)) if n]
    if minutes or not parts:
        parts.append(t("duration.minutes", n=minutes))
    return " ".join(parts[:2])


def leads(t: Translator, minutes: tuple[int, ...]) -> str:
    return ", ".join(duration(t, timedelta(minutes=m)) for m in minutes)


def created(t: Translator, project: ProjectRecord, zone: ZoneInfo, rubric_title: str) -> str:
    return t(
        "project.created",
        project_id=project.id,
        title=quote(project.title),
        deadline=when(project.deadline, zone),
        zone=zone.key,
        leads=leads(t, project.leads),
        rubric=quote(rubric_title),
    )


def project_list(t: Translator, summaries: list[ProjectSummary], zone: ZoneInfo) -> str:
    if not summaries:
        return t("project.none")
    lines = [t("project.list_header", zone=zone.key), ""]
    for o in summaries:
        lines.append(
            t(
                "project.list_line",
                project_id=o.project.id,
                title=quote(o.project.title),
                deadline=when(o.project.deadline, zone),
                submitted=o.submitted,
                students=o.learners,
                reviewed=o.reviewed,
            )
        )
    return "\n".join(lines)


def standings(t: Translator, found: list[Standing], zone: ZoneInfo, now: datetime) -> str:
    if not found:
        return t("deadlines.none")
    lines = [t("deadlines.header", zone=zone.key), ""]
    for s in found:
        pid = s.project.id
        if s.submission is None:
            mark = "⏳" if now < s.deadline else "⚠️"
            status = (
                t("deadlines.open", left=duration(t, s.deadline - now), project_id=pid)
                if now < s.deadline
                else t("deadlines.overdue", project_id=pid)
            )
        else:
            late = t("deadlines.late_mark") if s.submission.late else ""
            at = when(s.submission.submitted_at, zone)
            if s.grade is None:
                mark, status = "📤", t("deadlines.submitted", at=at, late=late)
            else:
                mark = "✅"
                status = t(
                    "deadlines.graded",
                    at=at,
                    late=late,
                    score=round(s.grade.score),
                    reviews=s.grade.reviews,
                )
        lines.append(
            t(
                "deadlines.line",
                mark=mark,
                project_id=pid,
                title=quote(s.project.title),
                deadline=when(s.deadline, zone),
                extended=t("deadlines.extended") if s.extended else "",
                status=status,
            )
        )
    return "\n".join(lines)


def ask_for_work(t: Translator, standing: Standing, zone: ZoneInfo, now: datetime) -> str:
    project = standing.project
    key = "submit.ask" if now < standing.deadline else "submit.ask_late"
    return t(
        key,
        project_id=project.id,
        title=quote(project.title),
        deadline=when(standing.deadline, zone),
        left=duration(t, standing.deadline - now),
    )


def receipt(t: Translator, r: Receipt, zone: ZoneInfo) -> str:
    return t(
        "submit.received_late" if r.late else "submit.received",
        project_id=r.project.id,
        title=quote(r.project.title),
        at=when(r.at, zone),
        number=r.submission_id,
        late_by=duration(t, r.at - r.deadline),
        deadline=when(r.deadline, zone),
    )


def reminder(t: Translator, r: Reminder, zone: ZoneInfo) -> str:
    return t(
        "reminder.text",
        project_id=r.project.id,
        title=quote(r.project.title),
        deadline=when(r.deadline, zone),
        zone=zone.key,
        left=duration(t, r.left),
    )


# -- reviews ---------------------------------------------------------------------------------


def review_header(t: Translator, r: Reviewing, zone: ZoneInfo) -> str:
    s = r.submission
    lines = [
        t(
            "review.header",
            project_id=r.project.id,
            title=quote(r.project.title),
            student=quote(r.student.name or str(r.student.id)),
            student_id=r.student.id,
            at=when(s.submitted_at, zone),
            timing=t("review.late", deadline=when(r.project.deadline, zone))
            if s.late
            else t("review.on_time"),
        )
    ]
    if r.earlier_reviews:
        lines.append(t("review.other_reviewed"))
    if r.queued:
        lines.append(t("review.queue", count=r.queued))
    return "\n".join(lines)


def rated(t: Translator, r: Reviewing) -> str:
    return "\n".join(
        f"• {quote(c.title.get(t.language))}: {t(f'level.{REVIEW_LEVELS[level]}')}"
        for c, level in zip(r.rubric.criteria, r.levels, strict=False)
    )


def review_card(t: Translator, r: Reviewing, score: float | None = None) -> str:
    """The message with the buttons: the next criterion, the comment step or the summary."""
    if r.stage == "rate":
        criterion = r.rubric.criteria[r.criterion_index]
        text = t(
            "review.criterion",
            number=r.criterion_index + 1,
            total=len(r.rubric.criteria),
            title=quote(criterion.title.get(t.language)),
            outcomes=", ".join(criterion.outcomes),
            guide=quote(criterion.guide.get(t.language)) if criterion.guide else "",
        )
        if r.levels:
            text += f"\n\n{t('review.so_far')}\n{rated(t, r)}"
        return text
    score_text = round(score or 0)
    if r.stage == "comment":
        return t("review.ask_comment", score=score_text, ratings=rated(t, r))
    return t(
        "review.confirm",
        score=score_text,
        ratings=rated(t, r),
        comment=quote(r.comment) if r.comment else t("review.no_comment_given"),
    )


def grade_for_student(t: Translator, graded: Graded, reviewer: str) -> str:
    r = graded.reviewing
    lines = [
        t(
            "grade.student",
            project_id=r.project.id,
            title=quote(r.project.title),
            reviewer=quote(reviewer),
            score=round(graded.score),
            ratings=rated(t, r),
        )
    ]
    if r.comment:
        lines.append(t("grade.comment", comment=quote(r.comment)))
    if graded.combined.reviews > 1:
        lines.append(
            t("grade.combined", score=round(graded.combined.score), reviews=graded.combined.reviews)
        )
    moved = mastery_line(t, graded.mastery_before, graded.mastery_after)
    if moved:
        lines.append(moved)
    return "\n".join(lines)
