"""Turn an uploaded file's bytes into plain dicts: encoding detection and per-format parsing.

Nothing here judges content; `transtutor.content.importer` validates what these return. Every
raw exercise carries a location ("row 7", "line 12", "unit u3") for error messages.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from transtutor.errors import Problem

SET_FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".tmx": "tmx",
}
LIST_SEPARATOR = "|"
ERROR_FIELD_SEPARATOR = "::"


class ReadError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class RawSet:
    """A parsed but unvalidated exercise set."""

    file: str
    encoding: str
    meta: dict[str, Any]
    exercises: list[tuple[str, Any]] = field(default_factory=list)  # (location, raw dict)


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK; say which.

    GB18030 accepts most byte strings, so it is only chosen when the result reads as Chinese
    text; anything else is refused rather than silently turned into mojibake.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", file), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", file), "UTF-16"
    if b"\x00" in data:
        raise ReadError(Problem(file, "", "", "this is a binary file, not a text file"))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_chinese(text):
        return text, "GB18030"
    raise ReadError(
        Problem(file, "", "", "the file is neither UTF-8 nor GB18030/GBK text; save it as UTF-8")
    )


def _strict(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(
            Problem(file, f"byte {exc.start}", "", f"invalid {encoding.upper()} text")
        ) from exc


def _common(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _looks_chinese(text: str) -> bool:
    """Read as GB18030, does this look like Chinese? Bytes of another encoding (Shift-JIS,
    Big5, Latin-1) decode to rare characters, so nine in ten of the non-ASCII characters must
    be common ones (GB2312: hanzi, CJK and full-width punctuation) or punctuation."""
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return True
    plausible = sum(1 for ch in wide if _common(ch) or unicodedata.category(ch).startswith("P"))
    return plausible / len(wide) >= 0.9


def format_of(file: str) -> str:
    suffix = PurePath(file).suffix.lower()
    if suffix not in SET_FORMATS:
        known = ", ".join(sorted({s.lstrip(".").upper() for s in SET_FORMATS}))
        shown = suffix or "no extension"
        raise ReadError(Problem(file, "", "", f"unsupported file type ({shown}); send {known}"))
    return SET_FORMATS[suffix]


def read_set(data: bytes, file: str, meta: dict[str, Any] | None = None) -> RawSet:
    """Parse an exercise-set file of any supported format into a RawSet.

    `meta` (from an upload's caption or a sidecar file) fills the set fields that tabular and
    bilingual formats cannot carry; keys given in the file itself win for YAML/JSON.
    """
    fmt = format_of(file)
    text, encoding = decode(data, file)
    meta = dict(meta or {})
    if fmt in ("yaml", "json"):
        doc = _load_document(text, file, fmt)
        exercises = doc.pop("exercises", None)
        merged = {**meta, **doc}
        raw = RawSet(file, encoding, merged)
        if exercises is None:
            raise ReadError(Problem(file, "", "exercises", "missing: the set lists no exercises"))
        if not isinstance(exercises, list):
            raise ReadError(Problem(file, "", "exercises", "must be a list of exercises"))
        for index, item in enumerate(exercises, start=1):
            label = item.get("id") if isinstance(item, dict) else None
            raw.exercises.append((f"exercise {label}" if label else f"exercise #{index}", item))
        return raw
    if fmt in ("csv", "tsv"):
        return _read_table(text, file, encoding, meta, "\t" if fmt == "tsv" else ",")
    return _read_bilingual(text, file, encoding, meta, fmt)


def load_document(data: bytes, file: str) -> dict[str, Any]:
    """Read a YAML or JSON mapping (course.yaml, rubrics, sidecars)."""
    text, _ = decode(data, file)
    fmt = "json" if file.lower().endswith(".json") else "yaml"
    return _load_document(text, file, fmt)


def _load_document(text: str, file: str, fmt: str) -> dict[str, Any]:
    try:
        doc = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            Problem(file, f"line {exc.lineno}", "", f"invalid JSON: {exc.msg}")
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ReadError(Problem(file, where, "", f"invalid YAML: {reason}")) from exc
    if not isinstance(doc, dict):
        raise ReadError(
            Problem(file, "", "", "the file must contain a mapping (key: value) at top")
        )
    return doc


TABLE_COLUMNS = {
    "id",
    "type",
    "source",
    "references",
    "reference",
    "mt",
    "glossary",
    "forbidden",
    "outcomes",
    "difficulty",
    "hint",
    "hint_en",
    "hint_zh",
    "errors",
}


def _read_table(
    text: str, file: str, encoding: str, meta: dict[str, Any], delimiter: str
) -> RawSet:
    raw = RawSet(file, encoding, meta)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or []) if h is not None]
    if not header:
        raise ReadError(Problem(file, "line 1", "", "the header row is missing"))
    reader.fieldnames = header
    unknown = [h for h in header if h not in TABLE_COLUMNS]
    if unknown:
        raise ReadError(
            Problem(file, "line 1", unknown[0], f"unknown column; known: {sorted(TABLE_COLUMNS)}")
        )
    for needed in ("id", "source"):
        if needed not in header:
            raise ReadError(Problem(file, "line 1", needed, "missing column"))
    if "references" not in header and "reference" not in header and "mt" not in header:
        raise ReadError(Problem(file, "line 1", "references", "missing column"))
    for row in reader:
        location = f"row {reader.line_num}"
        if None in row:
            raise ReadError(Problem(file, location, "", "more cells than header columns"))
        if not any((v or "").strip() for v in row.values()):
            continue
        raw.exercises.append((location, _row_to_exercise(row, file, location)))
    return raw


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _row_to_exercise(row: dict[str, str | None], file: str, location: str) -> dict[str, Any]:
    cells = {k: (v or "").strip() for k, v in row.items()}
    item: dict[str, Any] = {"id": cells.get("id", ""), "source": cells.get("source", "")}
    if cells.get("type"):
        item["type"] = cells["type"]
    refs = _split(cells.get("references", "")) + _split(cells.get("reference", ""))
    item["references"] = refs
    for key in ("mt", "difficulty"):
        if cells.get(key):
            item[key] = cells[key]
    for key in ("outcomes", "forbidden"):
        if cells.get(key):
            item[key] = _split(cells[key])
    hint = {lang: cells[f"hint_{lang}"] for lang in ("en", "zh") if cells.get(f"hint_{lang}")}
    if cells.get("hint"):
        hint = hint or {"en": cells["hint"], "zh": cells["hint"]}
    if hint:
        item["hint"] = hint
    if cells.get("glossary"):
        glossary: dict[str, list[str]] = {}
        for entry in _split(cells["glossary"]):
            term, sep, target = entry.partition("=")
            if not sep or not term.strip() or not target.strip():
                raise ReadError(
                    Problem(file, location, "glossary", f"entry {entry!r} is not term=translation")
                )
            glossary.setdefault(term.strip(), []).append(target.strip())
        item["glossary"] = glossary
    if cells.get("errors"):
        errors = []
        for entry in _split(cells["errors"]):
            parts = [p.strip() for p in entry.split(ERROR_FIELD_SEPARATOR)]
            if len(parts) not in (2, 3) or not parts[0]:
                raise ReadError(
                    Problem(
                        file,
                        location,
                        "errors",
                        f"entry {entry!r} is not span::category[::severity]",
                    )
                )
            error = {"span": parts[0], "category": parts[1]}
            if len(parts) == 3:
                error["severity"] = parts[2]
            errors.append(error)
        item["errors"] = errors
    return item


def _short_lang(code: str | None) -> str | None:
    return code.split("-")[0].split("_")[0].lower() if code else None


def _read_bilingual(text: str, file: str, encoding: str, meta: dict[str, Any], fmt: str) -> RawSet:
    from lxml import etree
    from translate.storage import tmx, xliff, xliff2  # heavy import, only when needed

    data = text.encode("utf-8")
    if fmt == "tmx":
        parser: Any = tmx.tmxfile
    elif "urn:oasis:names:tc:xliff:document:2" in text:
        parser = xliff2.Xliff2File
    else:
        parser = xliff.xlifffile
    # lxml refuses str input that carries an encoding declaration: re-encode and drop it.
    declaration, closed, rest = text.lstrip().partition("?>")
    if declaration.startswith("<?xml"):
        if not closed:
            raise ReadError(Problem(file, "line 1", "", "invalid XML: unfinished declaration"))
        data = b'<?xml version="1.0" encoding="UTF-8"?>' + rest.encode("utf-8")
    try:
        store = parser.parsestring(data)
    except etree.XMLSyntaxError as exc:
        raise ReadError(Problem(file, f"line {exc.lineno}", "", f"invalid XML: {exc.msg}")) from exc
    except Exception as exc:  # translate-toolkit raises bare ValueError/AttributeError subtypes
        raise ReadError(Problem(file, "", "", f"not a valid {fmt.upper()} file: {exc}")) from exc
    src, tgt = _short_lang(store.getsourcelanguage()), _short_lang(store.gettargetlanguage())
    if fmt == "tmx" and src and not tgt:
        tgt = _tmx_target_language(text, src)
    merged = dict(meta)
    if "language_pair" not in merged and src and tgt:
        merged["language_pair"] = f"{src}-{tgt}"
    raw = RawSet(file, encoding, merged)
    units = [u for u in store.getunits() if not u.isheader() and u.source]
    if not units:
        raise ReadError(Problem(file, "", "", "the file contains no translation units"))
    for index, unit in enumerate(units, start=1):
        unit_id = (unit.getid() or "").split("\x04")[-1] or f"{index:03d}"
        source, target = unit.source, unit.target
        raw.exercises.append(
            (
                f"unit {unit_id}",
                {
                    "id": _slug(unit_id, index),
                    "source": str(source or ""),
                    "references": [str(target)] if target else [],
                },
            )
        )
    return raw


def _slug(unit_id: str, index: int) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in unit_id).strip("-._")
    return cleaned[:64] or f"u{index:03d}"


def _tmx_target_language(text: str, src: str) -> str | None:
    """TMX headers name only the source language; the target is the other tuv language."""
    import re

    for code in re.findall(r'<tuv[^>]*?lang="([^"]+)"', text):
        if _short_lang(code) != src:
            return _short_lang(code)
    return None
