"""What coordinator reports look like in chat: summary, at-risk list, one learner, digest."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from transtutor.reports.digest import Digest
from transtutor.reports.snapshot import (
    AtRisk,
    LearnerDetail,
    ProjectSummary,
    Reason,
    RiskRules,
    Snapshot,
    Summary,
)
from transtutor_bot.i18n import Translator
from transtutor_bot.render_practice import bar, outcome_lines
from transtutor_bot.render_text import day, quote, when

AT_RISK_SHOWN = 40
COHORTS_SHOWN = 15
DIGEST_AT_RISK_SHOWN = 5
STATE_MARKS = {"reviewed": "✅", "submitted": "📤", "late": "📤", "missing": "⚠️", "open": "⏳"}


def percent(value: float) -> int:
    return round(100 * value)


def scope(t: Translator, cohort: str | None) -> str:
    return t("report.scope_cohort", cohort=quote(cohort)) if cohort else t("report.scope_all")


def project_line(t: Translator, p: ProjectSummary, zone: ZoneInfo) -> str:
    grade = "" if p.mean_grade is None else t("report.mean_grade", grade=round(p.mean_grade))
    return t(
        "report.project_line",
        project_id=p.project.id,
        title=quote(p.project.title),
        deadline=when(p.project.deadline, zone),
        submitted=p.submitted,
        learners=p.learners,
        late=p.late,
        reviewed=p.reviewed,
        missing=p.missing,
        grade=grade,
    )


def summary_body(t: Translator, s: Summary) -> list[str]:
    lines = [
        t(
            "report.summary_header",
            course=quote(s.course.title.get(t.language)),
            scope=scope(t, s.cohort),
            learners=s.learners,
            active=s.active,
            days=s.window_days,
            attempts=s.attempts,
            recent=s.recent_attempts,
            completed=s.completed,
        ),
        "",
        t(
            "report.outcomes_header",
            threshold=percent(s.course.mastery_threshold),
            min=s.course.min_attempts,
        ),
    ]
    for o in s.outcomes:
        lines.append(
            t(
                "report.outcome_line",
                outcome=o.outcome,
                bar=bar(o.mean),
                mean=percent(o.mean),
                mastered=o.mastered,
                learners=s.learners,
                share=percent(o.share),
                title=quote(o.title.get(t.language, o.outcome)),
            )
        )
    return lines


def summary_text(t: Translator, s: Summary, zone: ZoneInfo) -> str:
    if s.learners == 0:
        return t("report.no_learners", scope=scope(t, s.cohort))
    lines = summary_body(t, s)
    if s.cohorts:
        listed = ", ".join(f"{quote(c.name)} ({c.learners})" for c in s.cohorts[:COHORTS_SHOWN])
        more = len(s.cohorts) - COHORTS_SHOWN
        lines += ["", t("report.cohorts", cohorts=listed + (f", … +{more}" if more > 0 else ""))]
    if s.projects:
        lines += ["", t("report.projects_header", zone=zone.key)]
        lines += [project_line(t, p, zone) for p in s.projects]
    lines += [
        "",
        t("report.at_risk_count", count=s.at_risk) if s.at_risk else t("report.at_risk_nobody"),
    ]
    return "\n".join(lines)


def reason(t: Translator, r: Reason, zone: ZoneInfo) -> str:
    if r.kind == "missed":
        deadline = when(r.deadline, zone) if r.deadline else ""
        return t("report.reason_missed", project_id=r.project, deadline=deadline)
    if r.kind == "below":
        return t("report.reason_below", mean=percent(r.mean), outcome=r.weakest)
    return t(f"report.reason_{r.kind}", days=r.days)


def learner_name(t: Translator, name: str) -> str:
    return quote(name) if name.strip() else t("report.unnamed")


def at_risk_line(t: Translator, entry: AtRisk, zone: ZoneInfo) -> str:
    learner = entry.learner
    return t(
        "report.at_risk_line",
        name=learner_name(t, learner.name),
        user_id=learner.id,
        cohort=f" · {quote(learner.cohort)}" if learner.cohort else "",
        reasons="; ".join(reason(t, r, zone) for r in entry.reasons),
    )


def at_risk_text(
    t: Translator,
    snapshot: Snapshot,
    rules: RiskRules,
    found: list[AtRisk],
    zone: ZoneInfo,
    cli: bool = False,
) -> str:
    """`cli`: the hint on changing the rules names `transtutor summary`'s options."""
    cohort = snapshot.cohort.name if snapshot.cohort else None
    rule_line = t(
        "report.rules_cli" if cli else "report.rules",
        inactive=rules.inactive_days,
        below=percent(rules.below),
        after=rules.after_days,
    )
    if not found:
        return "\n".join([t("report.at_risk_none", scope=scope(t, cohort)), rule_line])
    lines = [
        t(
            "report.at_risk_header",
            scope=scope(t, cohort),
            count=len(found),
            learners=len(snapshot.learners),
        ),
        rule_line,
        "",
    ]
    lines += [at_risk_line(t, entry, zone) for entry in found[:AT_RISK_SHOWN]]
    if len(found) > AT_RISK_SHOWN:
        lines += ["", t("report.at_risk_more", count=len(found) - AT_RISK_SHOWN)]
    return "\n".join(lines)


def learner_text(t: Translator, d: LearnerDetail, zone: ZoneInfo, window_days: int) -> str:
    learner = d.learner
    last = learner.last_active
    lines = [
        t(
            "report.learner_header",
            name=learner_name(t, learner.name),
            user_id=learner.id,
            role=t(f"role.{learner.role}"),
            cohort=f" · {quote(learner.cohort)}" if learner.cohort else "",
            joined=when(learner.joined, zone),
            last=when(last, zone) if last else t("report.never"),
            attempts=learner.attempts,
            recent=learner.recent_attempts,
            days=window_days,
        ),
        "",
        t(
            "report.learner_mastery",
            threshold=percent(d.progress.threshold),
            min=d.progress.min_attempts,
        ),
        *outcome_lines(t, d.progress),
    ]
    if d.work:
        lines += ["", t("report.projects_header", zone=zone.key)]
        for w in d.work:
            grade = "" if w.score is None else t("report.grade", grade=round(w.score))
            lines.append(
                t(
                    "report.work_line",
                    mark=STATE_MARKS[w.state],
                    project_id=w.project.id,
                    state=t(f"report.state_{w.state}"),
                    deadline=when(w.deadline, zone),
                    grade=grade,
                )
            )
    if d.recent:
        lines += ["", t("report.recent_header")]
        lines += [
            t(
                "report.attempt_line",
                at=when(a.at, zone),
                exercise_id=quote(a.exercise_id),
                type=t(f"type.{a.type}"),
                score=round(a.score),
            )
            for a in d.recent
        ]
    if learner.role == "student":
        lines.append("")
        if d.reasons:
            reasons = "; ".join(reason(t, r, zone) for r in d.reasons)
            lines.append(t("report.learner_at_risk", reasons=reasons))
        else:
            lines.append(t("report.learner_fine"))
    return "\n".join(lines)


def digest_text(t: Translator, d: Digest, zone: ZoneInfo) -> str:
    s = d.summary
    lines = [
        t("digest.header", date=day(d.period, zone)),
        "",
    ]
    if s.learners == 0:
        lines.append(t("report.no_learners", scope=scope(t, None)))
    else:
        lines += summary_body(t, s)
    if d.upcoming:
        lines += ["", t("digest.upcoming", zone=zone.key)]
        lines += [project_line(t, p, zone) for p in d.upcoming]
    lines.append("")
    if d.at_risk:
        lines.append(t("digest.at_risk", count=len(d.at_risk)))
        lines += [at_risk_line(t, entry, zone) for entry in d.at_risk[:DIGEST_AT_RISK_SHOWN]]
    else:
        lines.append(t("report.at_risk_nobody"))
    lines += ["", t("digest.footer")]
    return "\n".join(lines)


def export_caption(t: Translator, learners: int, cohort: str | None, zone: ZoneInfo) -> str:
    return t("report.export_caption", learners=learners, scope=scope(t, cohort), zone=zone.key)
