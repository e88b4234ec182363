"""A course as the credential states it: `course.yaml`'s texts and credential terms in the
shape the credentials core takes."""

from __future__ import annotations

from datetime import timedelta

from transtutor import credentials as vc
from transtutor.content.models import Course, Localized


def _both(text: Localized) -> vc.Bilingual:
    return vc.Bilingual(en=text.en, zh=text.zh)


def credential_course(course: Course) -> vc.Course | None:
    """None when the course awards no credential (no `credential:` section)."""
    terms = course.credential
    if terms is None:
        return None
    return vc.Course(
        id=course.id,
        title=_both(course.title),
        description=_both(course.description or course.title),
        outcomes=tuple(
            vc.Outcome(
                o.id,
                _both(o.title),
                o.level or "",
                _both(o.description) if o.description else None,
            )
            for o in course.outcomes
        ),
        elements=vc.MicroCredentialElements(
            ects=terms.ects,
            assessment=_both(terms.assessment),
            participation=_both(terms.participation),
            quality_assurance=_both(terms.quality_assurance),
            awarding_body_name=terms.awarding_body.name,
            awarding_body_url=terms.awarding_body.url,
            country=terms.country,
            eqf_level=terms.eqf_level,
        ),
        mastery_threshold=course.mastery_threshold,
        min_attempts=course.min_attempts,
        required_projects=tuple(
            vc.ProjectRequirement(p.id, _both(p.title), p.pass_mark)
            for p in terms.required_projects
        ),
        valid_for=timedelta(days=365 * terms.valid_years) if terms.valid_years else None,
    )
