"""The HTML the web server answers with: plain, bilingual (English, then Chinese), no
scripts, no external assets. Every value that comes from a credential or a request goes
through :func:`e`; the rest is fixed text in this module.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from transtutor.credentials import Certification, Reason, Verdict

STYLE = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.8rem}
.verdict{border:3px solid;padding:.6rem 1rem;margin:1rem 0}
.valid{border-color:#1b6e20}.invalid{border-color:#a31515}
.verdict p{margin:.3rem 0}
ul.checks{list-style:none;padding-left:0}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3rem .5rem;
text-align:left;vertical-align:top}
textarea{width:100%;font-family:monospace}
label{font-weight:600}
fieldset{margin:1rem 0}
"""


def e(value: object) -> str:
    """``value`` as HTML text: every <, >, &, and both quotes escaped."""
    return html.escape(str(value), quote=True)


def both(en: str, zh: str, tag: str = "p") -> str:
    """One fixed sentence in both languages, each marked with its language."""
    return f'<{tag}>{e(en)}</{tag}>\n<{tag} lang="zh">{e(zh)}</{tag}>'


def layout(title_en: str, title_zh: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{e(title_en)} · {e(title_zh)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body>\n<main>\n<h1>{e(title_en)} <span lang="zh">{e(title_zh)}</span></h1>\n'
        f"{body}\n</main>\n</body>\n</html>\n"
    )


# -- the four things an employer wants to know ---------------------------------------------

CHECKS = (
    ("authentic", "Authentic: signed with one of the issuer's keys", "真实：由发证机构的密钥签名"),
    ("unaltered", "Unaltered since it was signed", "签发后未被修改"),
    ("in_validity", "Within its validity period", "在有效期内"),
    ("not_revoked", "Not revoked by its issuer", "未被发证机构撤销"),
)
MARKS = {
    "pass": ("✓", "yes", "是"),
    "fail": ("✗", "no", "否"),
    "open": ("?", "could not be checked", "无法检查"),
    "skipped": ("–", "not checked", "未检查"),
}
# Where verification stopped: the checks before the failing one passed, the rest did not run.
_FAILS_AT = {
    Reason.UNKNOWN_ISSUER_KEY: ("authentic", "fail"),
    Reason.BAD_SIGNATURE: ("authentic", "fail"),
    Reason.TAMPERED: ("unaltered", "fail"),
    Reason.NOT_YET_VALID: ("in_validity", "fail"),
    Reason.EXPIRED: ("in_validity", "fail"),
    Reason.REVOKED: ("not_revoked", "fail"),
    Reason.STATUS_UNAVAILABLE: ("not_revoked", "open"),
}


def check_marks(verdict: Verdict) -> dict[str, str]:
    """Each of CHECKS as pass, fail, open (could not be checked) or skipped."""
    names = [name for name, _, _ in CHECKS]
    if verdict.valid:
        return dict.fromkeys(names, "pass")
    stop = _FAILS_AT.get(verdict.reason)
    if stop is None:  # not JSON, malformed, not a credential: nothing could be checked
        return dict.fromkeys(names, "skipped")
    at = names.index(stop[0])
    marks = dict.fromkeys(names[:at], "pass") | {stop[0]: stop[1]}
    return marks | dict.fromkeys(names[at + 1 :], "skipped")


def verdict_section(verdict: Verdict) -> str:
    cls, en, zh = ("valid", "Valid", "有效") if verdict.valid else ("invalid", "Not valid", "无效")
    mark = "✓" if verdict.valid else "✗"
    marks = check_marks(verdict)
    items = []
    for name, label_en, label_zh in CHECKS:
        symbol, word_en, word_zh = MARKS[marks[name]]
        items.append(
            f'<li data-check="{e(name)}" data-result="{e(marks[name])}">'
            f'<span aria-hidden="true">{e(symbol)}</span> {e(label_en)}: {e(word_en)} · '
            f'<span lang="zh">{e(label_zh)}：{e(word_zh)}</span></li>'
        )
    return (
        f'<section class="verdict {cls}" role="status" aria-labelledby="verdict-title" '
        f'data-reason="{e(verdict.reason.value)}">\n'
        f'<h2 id="verdict-title"><span aria-hidden="true">{mark}</span> {e(en)} · '
        f'<span lang="zh">{e(zh)}</span></h2>\n'
        f'<p class="message">{e(verdict.message("en"))}</p>\n'
        f'<p class="message" lang="zh">{e(verdict.message("zh"))}</p>\n'
        f'<p>Reason code <span lang="zh">原因代码</span>: <code>{e(verdict.reason.value)}'
        "</code></p>\n"
        f'<ul class="checks">\n{chr(10).join(items)}\n</ul>\n</section>'
    )


def _rows(rows: Iterable[tuple[str, str, str]]) -> str:
    return "\n".join(
        f'<tr><th scope="row">{e(en)} <span lang="zh">{e(zh)}</span></th><td>{value}</td></tr>'
        for en, zh, value in rows
    )


def certification_section(certification: Certification) -> str:
    """What the credential certifies: name, issuer, holder, validity, ECTS, outcomes."""
    c = certification
    name = e(c.name_en) + (f'<br><span lang="zh">{e(c.name_zh)}</span>' if c.name_zh else "")
    issuer = e(c.issuer_name or c.issuer_id) + (
        f"<br><code>{e(c.issuer_id)}</code>" if c.issuer_name else ""
    )
    rows = [
        ("Credential", "凭证", name),
        ("Type", "类型", e(c.achievement_type or "—")),
        ("Issued by", "发证机构", issuer),
    ]
    if c.holder_name:
        rows.append(("Holder", "持有人", e(c.holder_name)))
    rows += [
        ("Valid from", "生效日期", e(c.valid_from or "—")),
        ("Valid until", "有效期至", e(c.valid_until or "no end date · 无截止日期")),
    ]
    if c.ects is not None:
        rows.append(("Workload (ECTS)", "学分（ECTS）", e(f"{c.ects:g}")))
    rows.append(("Credential id", "凭证编号", f"<code>{e(c.credential_id)}</code>"))
    outcomes = "\n".join(
        f"<tr><td><code>{e(o.id)}</code></td><td>{e(o.title_en)}"
        + (f'<br><span lang="zh">{e(o.title_zh)}</span>' if o.title_zh else "")
        + f"</td><td>{e(o.level or '—')}</td>"
        + f"<td>{e(o.mastery_percent + ' %' if o.mastery_percent else '—')}</td></tr>"
        for o in c.outcomes
    )
    table = (
        '<table>\n<caption>Learning outcomes <span lang="zh">学习成果</span></caption>\n'
        '<tr><th scope="col">Id</th><th scope="col">Outcome <span lang="zh">成果</span></th>'
        '<th scope="col">Level <span lang="zh">级别</span></th>'
        '<th scope="col">Mastery <span lang="zh">掌握程度</span></th></tr>\n'
        f"{outcomes}\n</table>"
        if c.outcomes
        else both("It names no learning outcomes.", "未列出学习成果。")
    )
    return (
        '<section aria-labelledby="certifies-title">\n'
        '<h2 id="certifies-title">What it certifies <span lang="zh">证明内容</span></h2>\n'
        f"<table>\n{_rows(rows)}\n</table>\n{table}\n</section>"
    )


# -- the pages ----------------------------------------------------------------------------


def verify_form(pasted: str = "", max_kib: int = 256) -> str:
    return (
        '<form method="post" action="/verify" enctype="multipart/form-data">\n'
        '<fieldset>\n<legend>Check a credential <span lang="zh">核验凭证</span></legend>\n'
        f'<p><label for="file">Upload the credential file (.json, at most {max_kib} KiB) '
        f'<span lang="zh">上传凭证文件（.json，不超过 {max_kib} KiB）</span></label><br>\n'
        '<input type="file" id="file" name="file" accept=".json,application/json,'
        'application/ld+json"></p>\n'
        '<p><label for="json">or paste its JSON <span lang="zh">或粘贴其 JSON 内容</span>'
        "</label><br>\n"
        f'<textarea id="json" name="json" rows="10" cols="80" spellcheck="false">{e(pasted)}'
        "</textarea></p>\n"
        '<p><button type="submit">Verify · 核验</button></p>\n</fieldset>\n</form>'
    )


def verify_page(
    result: str = "", pasted: str = "", max_kib: int = 256, issuer_name: str = ""
) -> str:
    intro = both(
        "Check a micro-credential"
        + (f" issued by {issuer_name}" if issuer_name else "")
        + ": whether it is authentic, unaltered, not revoked and within its validity, "
        "and what it certifies. Nothing you submit is stored.",
        "核验"
        + (f"由 {issuer_name} 颁发的" if issuer_name else "")
        + "微证书：是否真实、未被篡改、未被撤销、在有效期内，以及它证明的内容。"
        "您提交的内容不会被保存。",
    )
    body = intro + "\n" + (result + "\n" if result else "") + verify_form(pasted, max_kib)
    return layout("Verify a credential", "核验凭证", body)


def input_problem(en: str, zh: str) -> str:
    """A verdict-like section for input that never reached verification (empty, too big)."""
    return (
        '<section class="verdict invalid" role="status" aria-labelledby="verdict-title" '
        'data-reason="input">\n'
        '<h2 id="verdict-title"><span aria-hidden="true">✗</span> Not checked · '
        '<span lang="zh">未核验</span></h2>\n'
        f'<p class="message">{e(en)}</p>\n<p class="message" lang="zh">{e(zh)}</p>\n</section>'
    )


def credential_page(verdict: Verdict, certification: Certification | None) -> str:
    body = [
        both(
            "This page is published by the issuer. The verdict below is checked now, "
            "each time the page is opened.",
            "本页面由发证机构发布。以下结论在每次打开页面时实时核验。",
        ),
        verdict_section(verdict),
    ]
    if certification is not None:
        if not verdict.valid:
            body.append(
                both(
                    "It was issued with the content below, but is not valid now (see above).",
                    "该凭证签发时的内容如下，但目前无效（见上文）。",
                )
            )
        body.append(certification_section(certification))
    body.append('<p><a href="/verify">Verify a credential file · 核验凭证文件</a></p>')
    return layout("Credential", "凭证", "\n".join(body))


def message_page(title_en: str, title_zh: str, en: str, zh: str) -> str:
    """A page with one message: not found, too large, an internal failure."""
    body = both(en, zh) + '\n<p><a href="/verify">Verify a credential · 核验凭证</a></p>'
    return layout(title_en, title_zh, body)


# -- the vocabulary page (<public url>/ns/credentials) -------------------------------------

# What each extension term of the credentials means (their IRIs are <ns>#<term>).
TERMS: dict[str, tuple[str, str]] = {
    "localizedName": (
        "The name in each language, as a JSON-LD language map (schema.org name).",
        "各语言的名称（JSON-LD 语言映射，schema.org 的 name）。",
    ),
    "localizedDescription": (
        "The description in each language, as a JSON-LD language map (schema.org description).",
        "各语言的描述（JSON-LD 语言映射，schema.org 的 description）。",
    ),
    "MicroCredentialElements": (
        "The elements the EU Council Recommendation on micro-credentials (2022) asks for.",
        "欧盟理事会微证书建议（2022）要求的要素。",
    ),
    "microCredential": (
        "An achievement's MicroCredentialElements.",
        "成就所附的微证书要素。",
    ),
    "learningOutcomes": (
        "The ids of the learning outcomes the credential certifies, in order.",
        "凭证所证明的学习成果编号（按顺序）。",
    ),
    "ectsCredits": ("Notional workload in ECTS credits.", "以 ECTS 学分计的名义学习量。"),
    "eqfLevel": ("Level in the European Qualifications Framework.", "欧洲资格框架（EQF）级别。"),
    "assessmentType": ("How learners were assessed, per language.", "评估方式（各语言）。"),
    "formOfParticipation": (
        "Form of participation (online, on site, blended), per language.",
        "参与形式（在线、现场、混合），各语言。",
    ),
    "qualityAssurance": ("Who assures the quality, and how, per language.", "质量保证方及方式。"),
    "awardingBody": ("The body that awards the credential (a Profile).", "颁发机构（Profile）。"),
    "awardingCountry": (
        "The awarding body's country, ISO 3166-1 alpha-2.",
        "颁发机构所在国家（ISO 3166-1 二位代码）。",
    ),
    "outcomeLevel": ("The level an outcome is certified at.", "学习成果的认证级别。"),
    "learningOutcome": ("The outcome a piece of evidence is for.", "证据所对应的学习成果。"),
    "attemptCount": (
        "How many graded exercises the evidence for an outcome rests on.",
        "某一学习成果的证据所依据的已评分练习数量。",
    ),
    "grade": ("A required project's grade, 0 to 100.", "必修项目的成绩（0–100）。"),
    "passMark": ("The grade a required project had to reach.", "必修项目的及格分。"),
    "reviewerRoles": (
        "The roles (not names) of those who reviewed a project.",
        "项目评审人的角色（不含姓名）。",
    ),
    "stackedBadge": (
        "The outcome badges a course credential stacks.",
        "课程凭证所叠加的学习成果徽章。",
    ),
}


def vocabulary_page(namespace: str, terms: Iterable[str]) -> str:
    """The page the extension terms' IRIs (``namespace`` + ``#term``) lead to."""
    items = []
    for term in terms:
        en, zh = TERMS.get(term, ("", ""))
        items.append(
            f'<dt id="{e(term)}"><code>{e(term)}</code></dt>\n'
            f'<dd>{e(en)}<br><span lang="zh">{e(zh)}</span><br>'
            f"<code>{e(namespace + term)}</code></dd>"
        )
    body = (
        both(
            "The terms transtutor's credentials use beyond Open Badges 3.0 and Verifiable "
            "Credentials 2.0. Each credential defines them in its own inline @context; this "
            "page says what they mean.",
            "transtutor 凭证在 Open Badges 3.0 与可验证凭证 2.0 之外使用的术语。"
            "每份凭证都在其内联 @context 中定义了这些术语；本页说明其含义。",
        )
        + f"\n<dl>\n{chr(10).join(items)}\n</dl>"
    )
    return layout("Credential vocabulary", "凭证术语", body)
