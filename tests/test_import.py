"""Content import: every malformed file gets a precise error and imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transtutor.content.importer import Catalog, parse_caption, parse_set
from transtutor.content.library import bundled_exercises, load_library, set_files
from transtutor.content.models import MAX_EXERCISES_PER_SET, MAX_FILE_BYTES, MAX_TEXT_CHARS
from transtutor.errors import ImportRejected, Problem
from transtutor.store import Store

META = {"id": "demo", "title": "Demo", "language_pair": "zh-en", "outcomes": ["LO1"]}

GOOD_YAML = """\
id: demo-set
title: Demo set
language_pair: zh-en
outcomes: [LO1]
exercises:
  - id: d-001
    source: 数字人民币试点已扩展到26个城市。
    references: [The e-CNY pilot has been expanded to 26 cities.]
  - id: d-002
    type: post_edit
    source: 该银行去年的不良贷款率下降至1.2%。
    mt: The bank's bad loan rate fell to 12% last year.
    references: [The bank's non-performing loan ratio fell to 1.2% last year.]
"""


def problems_of(
    data: bytes, name: str, catalog: Catalog, meta: dict | None = None
) -> list[Problem]:
    with pytest.raises(ImportRejected) as caught:
        parse_set(data, name, catalog, meta)
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_bundled_course_is_valid_and_large_enough(library) -> None:  # type: ignore[no-untyped-def]
    exercises = [e for s in library.sets.values() for e in s.exercises]
    assert len(exercises) >= 60
    assert len(library.course.outcomes) >= 5
    assert {s.language_pair for s in library.sets.values()} == {"zh-en", "en-zh"}
    assert {e.type.value for e in exercises} == {
        "translate",
        "post_edit",
        "error_spot",
        "ai_critique",
    }
    assert sum(e.type.value == "ai_critique" for e in exercises) >= 6
    used = {o for s in library.sets.values() for e in s.exercises for o in s.outcomes_of(e)}
    assert used == set(library.course.outcome_ids)
    for exercise_set in library.sets.values():
        assert exercise_set.rubric in library.rubrics


def test_good_yaml_parses(catalog: Catalog) -> None:
    parsed = parse_set(GOOD_YAML.encode(), "demo.yaml", catalog)
    assert parsed.exercise_set.id == "demo-set"
    assert parsed.exercise_set.rubric == "zh-en-default"  # the default for the pair
    assert len(parsed.exercise_set.exercises) == 2


def test_bad_yaml_names_the_line(catalog: Catalog) -> None:
    problem = only(problems_of(b"id: x\nexercises: [\n  - id: 1\n", "bad.yaml", catalog))
    assert problem.file == "bad.yaml" and problem.where.startswith("line ")
    assert "invalid YAML" in problem.reason


def test_wrong_encoding_is_refused_not_guessed(catalog: Catalog) -> None:
    latin1 = GOOD_YAML.replace("Demo set", "Démo sèt ñ").encode("utf-8").decode("utf-8")
    data = latin1.replace("数字人民币试点已扩展到26个城市。", "x").encode(
        "latin-1", errors="replace"
    )
    data = data.replace(b"x", b"\xe9\xe8\xff\xfe\xfa")
    problem = only(problems_of(data, "latin.yaml", catalog))
    assert "UTF-8" in problem.reason and "GB18030" in problem.reason


def test_gb18030_and_bom_files_are_read(catalog: Catalog) -> None:
    gb = parse_set(GOOD_YAML.encode("gb18030"), "gbk.yaml", catalog)
    assert gb.encoding == "GB18030"
    assert gb.exercise_set.exercises[0].source == "数字人民币试点已扩展到26个城市。"
    bom = parse_set(b"\xef\xbb\xbf" + GOOD_YAML.encode(), "bom.yaml", catalog)
    assert bom.encoding == "UTF-8 (BOM)"


def test_duplicate_ids_name_both_places(catalog: Catalog) -> None:
    data = GOOD_YAML.replace("id: d-002", "id: d-001").encode()
    problem = only(problems_of(data, "dup.yaml", catalog))
    assert problem.field == "id" and "d-001" in problem.reason and "first at" in problem.reason


def test_unknown_outcome_and_rubric(catalog: Catalog) -> None:
    data = GOOD_YAML.replace("outcomes: [LO1]", "outcomes: [LO9]\nrubric: nope").encode()
    problems = problems_of(data, "unknown.yaml", catalog)
    reasons = " | ".join(p.reason for p in problems)
    assert "unknown outcome 'LO9'" in reasons and "unknown rubric 'nope'" in reasons


def test_missing_references_and_empty_source(catalog: Catalog) -> None:
    data = (
        GOOD_YAML.replace("    references: [The e-CNY pilot has been expanded to 26 cities.]\n", "")
        .replace("source: 该银行去年的不良贷款率下降至1.2%。", 'source: "   "')
        .encode()
    )
    problems = problems_of(data, "missing.yaml", catalog)
    assert any(p.where == "exercise d-001" and "reference" in p.reason for p in problems)
    assert any(
        p.where == "exercise d-002" and p.field == "source" and "empty" in p.reason
        for p in problems
    )


def test_over_long_text(catalog: Catalog) -> None:
    data = GOOD_YAML.replace(
        "数字人民币试点已扩展到26个城市。", "长" * (MAX_TEXT_CHARS + 1)
    ).encode()
    problem = only(problems_of(data, "long.yaml", catalog))
    assert problem.field == "source" and str(MAX_TEXT_CHARS) in problem.reason


def test_file_and_count_limits(catalog: Catalog) -> None:
    big = b"#" * (MAX_FILE_BYTES + 1)
    assert "limit" in only(problems_of(big, "big.yaml", catalog)).reason
    many = {
        "id": "many",
        "title": "t",
        "language_pair": "zh-en",
        "outcomes": ["LO1"],
        "exercises": [
            {"id": f"e{i}", "source": "你好", "references": ["Hello"]}
            for i in range(MAX_EXERCISES_PER_SET + 1)
        ],
    }
    problem = only(problems_of(json.dumps(many).encode(), "many.json", catalog))
    assert str(MAX_EXERCISES_PER_SET) in problem.reason


def test_csv_with_missing_column(catalog: Catalog) -> None:
    data = b"id,references\nc-1,Hello\n"
    problem = only(problems_of(data, "set.csv", catalog, META))
    assert problem.field == "source" and problem.reason == "missing column"


def test_csv_rows_are_located(catalog: Catalog) -> None:
    data = "id,source,references,difficulty\nc-1,你好,Hello,2\nc-2,再见,Goodbye,9\n".encode()
    problem = only(problems_of(data, "set.csv", catalog, META))
    assert problem.where == "row 3" and problem.field == "difficulty"


def test_tsv_set_with_lists(catalog: Catalog) -> None:
    data = (
        "id\ttype\tsource\treferences\tglossary\toutcomes\n"
        "t-1\ttranslate\t移动支付很方便。\tMobile payment is convenient.|Mobile payments are handy.\t"
        "移动支付=mobile payment\tLO1|LO2\n"
    ).encode()
    parsed = parse_set(data, "set.tsv", catalog, META)
    exercise = parsed.exercise_set.exercises[0]
    assert len(exercise.references) == 2 and exercise.outcomes == ["LO1", "LO2"]
    assert exercise.glossary_pairs() == [("移动支付", ["mobile payment"])]


XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="demo" source-language="zh-CN" target-language="en-US" datatype="plaintext"><body>
  <trans-unit id="u1"><source>数字人民币试点已扩展到26个城市。</source><target>The e-CNY pilot has been expanded to 26 cities.</target></trans-unit>
  <trans-unit id="u2"><source>移动支付很方便。</source>{target}</trans-unit>
 </body></file></xliff>"""

XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh">
 <file id="f1">
  <unit id="x1"><segment><source>Solar power is cheap.</source><target>太阳能发电很便宜。</target></segment></unit>
 </file></xliff>"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" adminlang="en" datatype="plaintext" segtype="sentence"
 o-tmf="none" creationtool="test" creationtoolversion="1"/><body>
 <tu tuid="t1"><tuv xml:lang="en"><seg>Wind power is growing.</seg></tuv><tuv xml:lang="zh-CN"><seg>风电正在增长。</seg></tuv></tu>
</body></tmx>"""

SET_META = {"id": "bilingual", "title": "Bilingual", "outcomes": ["LO1"]}


def test_xliff_12_and_2_and_tmx_import(catalog: Catalog) -> None:
    target = "<target>Mobile payment is convenient.</target>"
    v12 = parse_set(XLIFF12.format(target=target).encode(), "demo.xlf", catalog, SET_META)
    assert v12.exercise_set.language_pair == "zh-en"
    assert [e.id for e in v12.exercise_set.exercises] == ["u1", "u2"]
    v2 = parse_set(XLIFF2.encode(), "demo.xliff", catalog, SET_META)
    assert v2.exercise_set.language_pair == "en-zh"
    assert v2.exercise_set.exercises[0].references == ["太阳能发电很便宜。"]
    tmx = parse_set(TMX.encode(), "demo.tmx", catalog, SET_META)
    assert tmx.exercise_set.language_pair == "en-zh"
    assert tmx.exercise_set.exercises[0].references == ["风电正在增长。"]


def test_xliff_without_targets_names_the_unit(catalog: Catalog) -> None:
    problem = only(problems_of(XLIFF12.format(target="").encode(), "demo.xlf", catalog, SET_META))
    assert problem.where == "unit u2" and "reference" in problem.reason


def test_malformed_xml(catalog: Catalog) -> None:
    problem = only(problems_of(b"<xliff><file>", "broken.xlf", catalog, SET_META))
    assert "invalid XML" in problem.reason


def test_bilingual_file_without_set_metadata(catalog: Catalog) -> None:
    target = "<target>Mobile payment is convenient.</target>"
    problems = problems_of(XLIFF12.format(target=target).encode(), "demo.xlf", catalog)
    assert {p.field for p in problems} >= {"id", "title"}
    assert all("caption" in p.reason for p in problems if p.field in ("id", "title"))


def test_wrong_file_type_and_binary(catalog: Catalog) -> None:
    assert (
        "unsupported file type (.docx)"
        in only(problems_of(b"PK\x03\x04", "essay.docx", catalog)).reason
    )
    assert "binary" in only(problems_of(b"\x00\x01\x02id", "x.yaml", catalog)).reason


def test_error_spot_span_must_be_in_mt(catalog: Catalog) -> None:
    data = GOOD_YAML.replace(
        "    type: post_edit\n",
        "    type: error_spot\n    errors: [{span: banana, category: Omission}]\n",
    ).encode()
    problem = only(problems_of(data, "spot.yaml", catalog))
    assert problem.where == "exercise d-002" and "banana" in problem.reason


def test_unknown_error_category_lists_known_ones(catalog: Catalog) -> None:
    data = GOOD_YAML.replace(
        "    type: post_edit\n",
        "    type: error_spot\n    errors: [{span: bad loan, category: Vibes}]\n",
    ).encode()
    problem = only(problems_of(data, "spot.yaml", catalog))
    assert "Vibes" in problem.reason and "Accuracy/Mistranslation" in problem.reason


def test_caption_metadata() -> None:
    meta = parse_caption(
        'id=fin-2 pair=zh-en title="Fintech two" outcomes=LO1,LO2 rubric=zh-en-default'
    )
    assert meta == {
        "id": "fin-2",
        "language_pair": "zh-en",
        "title": "Fintech two",
        "outcomes": ["LO1", "LO2"],
        "rubric": "zh-en-default",
    }


def test_rejected_import_writes_nothing_and_reimport_versions(
    catalog: Catalog, store: Store
) -> None:
    storage = store.content
    good = parse_set(GOOD_YAML.encode(), "demo.yaml", catalog)
    first = storage.import_set(good.exercise_set)
    assert (first.version, first.unchanged) == (1, False)
    assert storage.import_set(good.exercise_set).unchanged
    with pytest.raises(ImportRejected):
        parse_set(GOOD_YAML.replace("id: d-002", "id: d-001").encode(), "demo.yaml", catalog)
    assert storage.set_versions("demo-set") == [1]
    changed = parse_set(
        GOOD_YAML.replace("26 cities", "twenty-six cities").encode(), "demo.yaml", catalog
    )
    assert storage.import_set(changed.exercise_set).version == 2
    assert storage.exercise_set("demo-set", 1).exercises[0].references == [  # type: ignore[union-attr]
        "The e-CNY pilot has been expanded to 26 cities."
    ]
    assert store.count("exercises") == 4


def test_every_bundled_file_is_found() -> None:
    names = {p.name for p in set_files([bundled_exercises()])}
    assert "course.yaml" not in names and not any(n.endswith(".set.yaml") for n in names)
    assert "tech-ai-en-zh.csv" in names


def test_library_reports_all_broken_files(tmp_path: Path) -> None:
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    (exercises / "course.yaml").write_bytes((bundled_exercises() / "course.yaml").read_bytes())
    (exercises / "a.yaml").write_text("id: [", encoding="utf-8")
    (exercises / "b.yaml").write_text(GOOD_YAML.replace("id: d-002", "id: d-001"), encoding="utf-8")
    rubrics = bundled_exercises().parent / "rubrics"
    with pytest.raises(ImportRejected) as caught:
        load_library(exercises, rubrics)
    assert {p.file for p in caught.value.problems} == {"a.yaml", "b.yaml"}
