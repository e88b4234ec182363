"""An instructor's own course, as files on disk: outcome ids T1/T2 (not the bundled LO1..LO6)
and a set that names no rubric, so the bundled zh-en-default rubric scores it."""

from __future__ import annotations

from pathlib import Path

COURSE = """\
id: own
title: {en: Own course, zh: 自己的课程}
outcomes:
  - id: T1
    title: {en: Accuracy, zh: 准确}
  - id: T2
    title: {en: Terminology, zh: 术语}
"""

SET = """\
id: own-zh-en
title: Own set
language_pair: zh-en
outcomes: [T1]
exercises:
  - id: own-001
    source: 这座城市有三百万人口。
    references: [The city has a population of three million.]
  - id: own-002
    source: 人工智能可以帮助译者提高工作效率。
    references: [Artificial intelligence can help translators work more efficiently.]
    glossary: {人工智能: artificial intelligence}
    outcomes: [T1, T2]
"""

REFERENCES = {
    "这座城市有三百万人口。": "The city has a population of three million.",
    "人工智能可以帮助译者提高工作效率。": (
        "Artificial intelligence can help translators work more efficiently."
    ),
}


def write_course(directory: Path, course: str = COURSE, exercise_set: str = SET) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "course.yaml").write_text(course, encoding="utf-8")
    (directory / "own-zh-en.yaml").write_text(exercise_set, encoding="utf-8")
    return directory
