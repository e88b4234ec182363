"""Shared facts for the credential tests: a two-outcome course, a learner who mastered it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transtutor.credentials import (
    Bilingual,
    Course,
    Issuer,
    Learner,
    MicroCredentialElements,
    Outcome,
    OutcomeRecord,
    ProjectRecord,
    ProjectRequirement,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ISSUER = Issuer(public_url="https://bot.example.edu", name="ITIC micro-credential programme")

COURSE = Course(
    id="itic",
    title=Bilingual(
        "Intelligent Translation and International Communication", "智能翻译与国际传播"
    ),
    description=Bilingual(
        "Chinese-English translation with AI tools: accuracy, terminology, post-editing.",
        "借助人工智能工具的汉英翻译：准确性、术语、译后编辑。",
    ),
    outcomes=(
        Outcome(
            "LO1", Bilingual("Translate specialised texts accurately", "准确翻译专业文本"), "EQF 6"
        ),
        Outcome(
            "LO2",
            Bilingual("Use domain terminology consistently", "一致地使用领域术语"),
            "EQF 6",
            Bilingual("Terminology is correct and consistent.", "术语正确且一致。"),
        ),
    ),
    elements=MicroCredentialElements(
        ects=2.0,
        assessment=Bilingual(
            "Automatically scored exercises and reviewed projects", "自动评分练习与评审项目"
        ),
        participation=Bilingual("Online, self-paced", "在线，自定进度"),
        quality_assurance=Bilingual(
            "Internal QA of the School of Translation", "翻译学院内部质量保证"
        ),
        awarding_body_name="Example University",
        awarding_body_url="https://www.example.edu",
        country="CN",
        eqf_level=6,
    ),
    required_projects=(
        ProjectRequirement("P1", Bilingual("Localisation project", "本地化项目"), 60),
    ),
    valid_for=timedelta(days=365 * 5),
)

LEARNER = Learner(
    recipient_key="learner-3f9c1a2b7d",
    outcomes=(OutcomeRecord("LO1", 0.86, 12), OutcomeRecord("LO2", 0.91, 9)),
    projects=(ProjectRecord("P1", 78, ("instructor", "peer")),),
)
