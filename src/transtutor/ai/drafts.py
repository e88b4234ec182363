"""MT drafts for post-editing: the provider translates an exercise's source once, at import,
and every learner post-edits that same stored draft."""

from __future__ import annotations

import re
from dataclasses import dataclass

from transtutor.ai.client import Message, Provider
from transtutor.ai.outcome import AiUnavailable, Reason
from transtutor.ai.text import clip, language, unfence

# Labels some models put before the translation despite being told not to.
LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:translation|english translation|chinese translation|译文|翻译|英文译文|"
    r"中文译文)(?:\*\*)?\s*[:：]\s*",
    re.I,
)
NOTE = re.compile(r"\n\s*\n\s*(?:\(?note|注[：:]|说明[：:]|备注)", re.I)
QUOTES = (('"', '"'), ("“", "”"), ("「", "」"), ("'", "'"))


@dataclass(frozen=True)
class Draft:
    text: str
    engine: str  # the model that translated, to be named in the exercise message


def draft_prompt(source: str, source_lang: str, target_lang: str) -> list[Message]:
    """The messages asking for a plain translation: the source text only, nothing else."""
    src, tgt = language(source_lang), language(target_lang)
    return [
        {
            "role": "system",
            "content": (
                f"You are a machine translation engine. Translate the user's {src} text into "
                f"{tgt}. Reply with the translation only: no notes, no quotation marks, no "
                "explanation, no transliteration. Keep numbers, names and line breaks."
            ),
        },
        {"role": "user", "content": clip(source)},
    ]


def parse_draft(answer: str, source: str) -> str | None:
    """The translation out of a model's answer, or None when there is none."""
    text = unfence(answer)
    text = LABEL.sub("", text, count=1).strip()
    if "\n" not in source.strip():
        note = NOTE.search(text)
        if note:
            text = text[: note.start()].strip()
    for left, right in QUOTES:
        if (
            len(text) > 2
            and text.startswith(left)
            and text.endswith(right)
            and not source.strip().startswith(left)
        ):
            text = text[1:-1].strip()
    return text or None


async def draft(provider: Provider, source: str, *, source_lang: str, target_lang: str) -> Draft:
    """An MT draft of `source` for a post_edit exercise (no learner: import-time work, not
    counted against anyone's limit). Raises AiUnavailable; a draft equal to the source (the
    model did not translate) is bad_response."""
    completion = await provider.complete(
        draft_prompt(source, source_lang, target_lang),
        purpose="draft",
        temperature=0.0,  # every re-fetch as close as the provider allows to the same draft
        max_tokens=max(256, 4 * len(source)),
    )
    text = parse_draft(completion.text, source)
    if text is None or text.strip() == source.strip():
        raise AiUnavailable(Reason.bad_response, "no translation in the answer")
    return Draft(text, completion.model)
