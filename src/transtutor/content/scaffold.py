"""`transtutor init DIR`: a small, valid, commented starter course to edit.

It is a complete course directory: course.yaml with two outcomes, one exercise set per
exercise type and a rubric in `rubrics/`, so `check DIR` accepts it and `try --course DIR`
runs it at once. The texts are original and deliberately short.
"""

from __future__ import annotations

import re
from pathlib import Path

from transtutor.errors import TranstutorError


class ScaffoldRefused(TranstutorError):
    """One line: why the starter course was not written, and what to do instead."""


COURSE = """\
# The course: its id, title and learning outcomes. Every exercise and every rubric criterion
# gives evidence for outcomes; a learner earns the course by mastering all of them.
# Full reference: docs/content.md. Check your edits with: transtutor check {dir}
id: {id}                         # letters, digits, - _ . ; one database holds one course
title: {{en: "{name}: starter course", zh: {name}入门课程}}
mastery_threshold: 0.8           # an outcome counts as mastered at this level (0..1]
min_attempts: 3                  # pieces of evidence needed before it can be mastered
outcomes:                        # add more; never rename one learners have practised
  - id: T1
    title: {{en: Translate accurately and completely, zh: 准确完整地翻译}}
  - id: T2
    title: {{en: Use terminology correctly, zh: 正确使用术语}}

# The bundled default rubrics (zh-en-default, en-zh-default, project-review) work with this
# course too. Their criteria give evidence to each exercise's own outcomes, unless you map
# them here (criterion id: outcome, or a list of outcomes):
criteria_outcomes:
  terminology: T2
  numbers: T1
"""

RUBRIC = """\
# A rubric of your own: the checks run on every answer, what failing each costs and which
# outcomes it gives evidence for. Sets choose it with `rubric: {id}-zh-en`.
# Checks and their params: docs/content.md ("Rubrics").
id: {id}-zh-en
title: {{en: "{name}: Chinese to English", zh: {name}汉译英评分标准}}
language_pair: zh-en
criteria:
  - id: key-terms
    check: glossary                # the exercise's glossary terms must be used
    weight: 0.2                    # failing it fully takes 20% off the score
    outcomes: [T2]
    title: {{en: Key terms, zh: 关键术语}}
    feedback:
      en: "Use the glossary terms: expected {{items}}."
      zh: "请使用术语表中的译法：应为 {{items}}。"
  - id: figures
    check: numbers                 # numbers, dates and units must be kept
    weight: 0.25
    outcomes: [T1]
    title: {{en: Figures, zh: 数字}}
    feedback:
      en: "Check the figures: {{items}}."
      zh: "请核对数字：{{items}}。"
  - id: complete
    check: untranslated            # Chinese left in the English answer
    weight: 0.5
    outcomes: [T1]
    params: {{max_share: 0.15}}
    title: {{en: Completeness, zh: 完整翻译}}
    feedback:
      en: "Chinese text was left untranslated: {{items}}."
      zh: "有中文未翻译：{{items}}。"
  - id: mt-fixed
    check: mt_unchanged            # post_edit: the annotated MT errors must be gone
    weight: 0.4
    outcomes: [T1]
    title: {{en: MT errors corrected, zh: 机器译文错误已修正}}
    feedback:
      en: "The machine translation's error is still there: {{items}}."
      zh: "机器译文中的错误未修正：{{items}}。"
  - id: error-type
    check: error_category          # error_spot: the category chosen for each error found
    weight: 0.3
    outcomes: [T1]
    title: {{en: Error category, zh: 错误类别}}
    feedback:
      en: "Category: you chose {{items}}."
      zh: "错误类别：你的选择 → 正确答案：{{items}}。"
"""

TRANSLATE = """\
# One file is one exercise set. Re-importing it with changes stores a new version; learners'
# history keeps the version they answered.
id: translate-zh-en
title: {{en: "Everyday texts (zh→en)", zh: 日常文本（汉译英）}}
language_pair: zh-en             # zh-en or en-zh
rubric: {id}-zh-en                # omit to use the bundled zh-en-default rubric
outcomes: [T1]                   # for exercises that name none
exercises:
  - id: tr-001
    type: translate
    source: 这座城市有三百万人口。
    references:                  # one or more acceptable translations
      - The city has a population of three million.
      - This city has three million people.
    difficulty: 1                # 1 (easy) .. 5 (hard)
  - id: tr-002
    source: 我们公司明年将开设两家新工厂。
    references: [Our company will open two new factories next year.]
    hint: {{en: "明年 = next year", zh: 注意时间表达。}}
  - id: tr-003
    source: 人工智能可以帮助译者提高工作效率。
    references: [Artificial intelligence can help translators work more efficiently.]
    glossary: {{人工智能: artificial intelligence|AI}}   # source term: expected target term(s)
    outcomes: [T1, T2]
    difficulty: 2
"""

POST_EDIT = """\
# post_edit: the learner corrects a machine translation (mt). Annotated errors must be fixed.
id: post-edit-zh-en
title: {{en: "Correct the MT (zh→en)", zh: 机器译文译后编辑（汉译英）}}
language_pair: zh-en
rubric: {id}-zh-en
outcomes: [T1]
exercises:
  - id: pe-001
    type: post_edit
    source: 会议将于下周三上午十点开始。
    mt: The meeting will start at 10 a.m. next Tuesday.
    references: [The meeting will start at 10 a.m. next Wednesday.]
    errors:
      - {{span: Tuesday, category: Accuracy/Mistranslation, severity: major}}
  - id: pe-002
    type: post_edit
    source: 请在截止日期前提交申请表。
    mt: Please submit the application form after the deadline.
    references: [Please submit the application form before the deadline.]
    errors:
      - {{span: after, category: Accuracy/Mistranslation, severity: critical}}
"""

ERROR_SPOT = """\
# error_spot: the learner marks the wrong words of the MT, then picks category and severity.
id: error-spot-zh-en
title: {{en: "Find the MT error (zh→en)", zh: 找出机器译文错误（汉译英）}}
language_pair: zh-en
rubric: {id}-zh-en
outcomes: [T1]
exercises:
  - id: es-001
    type: error_spot
    source: 该项目的预算为五十万元。
    mt: The project's budget is 50,000 yuan.
    errors:                      # each span must occur in mt exactly
      - {{span: "50,000", category: Accuracy/Mistranslation, severity: critical}}
    references: [The project's budget is 500,000 yuan.]
  - id: es-002
    type: error_spot
    source: 绿色能源是未来发展的重点。
    mt: Green energy is the focus of past development.
    errors:
      - {{span: past, category: Accuracy/Mistranslation, severity: major}}
    references: [Green energy is the focus of future development.]
"""


def course_id_for(directory: Path) -> str:
    """A course id from the folder name (`My Course` -> `My-Course`), else `my-course`."""
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", directory.resolve().name).strip("-._")[:40]
    return slug if slug and slug[0].isalnum() else "my-course"


def write_starter(directory: Path) -> list[Path]:
    """Write the starter course into `directory` (new or empty); return the files written."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ScaffoldRefused(
            f"{directory}: already exists and is not empty; init writes a new course into a "
            f"new or empty folder (choose another name, e.g. transtutor init {directory}-2)"
        )
    course_id = course_id_for(directory)
    fields = {"id": course_id, "name": course_id, "dir": directory}
    files = {
        directory / "course.yaml": COURSE,
        directory / "translate-zh-en.yaml": TRANSLATE,
        directory / "post-edit-zh-en.yaml": POST_EDIT,
        directory / "error-spot-zh-en.yaml": ERROR_SPOT,
        directory / "rubrics" / f"{course_id}-zh-en.yaml": RUBRIC,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**fields), encoding="utf-8")
    return list(files)
