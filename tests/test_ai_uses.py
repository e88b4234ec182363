"""The three uses over the loopback stand-in: MT drafts, /explain and the second opinion —
what goes into the prompt (texts only, never who the learner is) and what comes back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tests.ai_standin import Raw, Reply, StandIn
from transtutor.ai import (
    AiSettings,
    AiUnavailable,
    Provider,
    Reason,
    agreement,
    draft,
    explain,
    labelled,
    parse_draft,
    second_opinion,
)
from transtutor.ai.text import TELEGRAM_LIMIT, fit, units
from transtutor.scoring import severity as sv
from transtutor.scoring.comparison import DetectedError

SOURCE = "数字人民币试点已扩展到26个城市。"
ANSWER = "The digital RMB test has expanded to 36 cities."
REFERENCE = "The e-CNY pilot has been expanded to 26 cities."
LEARNER = 987654321  # a Telegram-like id: it must never reach the provider
ERRORS = [
    sv.as_record(DetectedError("number_wrong", "Accuracy/Mistranslation", "critical", "36", "26")),
    sv.as_record(DetectedError("terminology", "Terminology/Glossary", "major", "", "e-CNY")),
]


async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        yield server


def provider(standin: StandIn, judge: bool = False) -> Provider:
    settings = AiSettings(
        url=standin.url, model="gpt-4o-mini", key=SecretStr("k"), timeout=2, judge=judge
    )
    return Provider(settings, sleep=no_sleep)


def sent(standin: StandIn) -> str:
    return "\n".join(m["content"] for m in standin.requests[-1].body["messages"])


async def test_a_draft_is_the_translation_and_names_its_engine(standin: StandIn) -> None:
    standin.script(
        Reply("The e-CNY pilot has been extended to 26 cities.", model="gpt-4o-mini-2024-07-18")
    )
    async with provider(standin) as client:
        result = await draft(client, SOURCE, source_lang="zh", target_lang="en")
    assert result.text == "The e-CNY pilot has been extended to 26 cities."
    assert result.engine == "gpt-4o-mini-2024-07-18"
    body = standin.requests[0].body
    assert body["temperature"] == 0.0
    assert body["messages"][-1]["content"] == SOURCE  # the source, nothing else
    assert "Simplified Chinese" in sent(standin) and "English" in sent(standin)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Translation: The pilot grew.", "The pilot grew."),
        ("```\nThe pilot grew.\n```", "The pilot grew."),
        ('"The pilot grew."', "The pilot grew."),
        ("“试点扩大了。”", "试点扩大了。"),
        ("译文：试点扩大了。", "试点扩大了。"),
        ("The pilot grew.\n\nNote: 数字人民币 is usually e-CNY.", "The pilot grew."),
        ("   ", None),
    ],
)
def test_a_draft_is_read_out_of_what_models_add(answer: str, expected: str | None) -> None:
    assert parse_draft(answer, SOURCE) == expected


@pytest.mark.parametrize("answer", [SOURCE, "```\n\n```"])
async def test_no_translation_in_the_answer_is_a_bad_response(
    standin: StandIn, answer: str
) -> None:
    standin.script(Reply(answer))
    async with provider(standin) as client:
        with pytest.raises(AiUnavailable) as caught:
            await draft(client, SOURCE, source_lang="zh", target_lang="en")
    assert caught.value.reason is Reason.bad_response


@pytest.mark.parametrize(
    ("lang", "label", "language"),
    [
        ("en", "AI-generated", "Write in English"),
        ("zh", "由 AI 生成", "Write in Simplified Chinese"),
    ],
)
async def test_explain_relays_the_models_text_labelled(
    standin: StandIn, lang: str, label: str, language: str
) -> None:
    standin.script(Reply("36 should be 26: a wrong number changes the fact."))
    async with provider(standin) as client:
        result = await explain(
            client,
            source=SOURCE,
            answer=ANSWER,
            references=[REFERENCE],
            errors=ERRORS,
            lang=lang,
            source_lang="zh",
            target_lang="en",
            learner=LEARNER,
        )
    assert label in result.text.splitlines()[0] and "gpt-4o-mini" in result.text.splitlines()[0]
    assert result.text.endswith("36 should be 26: a wrong number changes the fact.")
    assert not result.cut
    prompt = sent(standin)
    for text in (
        SOURCE,
        ANSWER,
        REFERENCE,
        "[critical] Accuracy/Mistranslation",
        "«36»",
        "«26»",
        "«e-CNY»",
        language,
    ):
        assert text in prompt
    assert str(LEARNER) not in standin.requests[0].text  # no id anywhere in the request


async def test_a_long_explanation_fits_one_telegram_message(standin: StandIn) -> None:
    paragraph = "这里的数字有误😀，原文是二十六。" * 40
    standin.script(Reply("\n\n".join([paragraph] * 10)))  # ~6,800 characters, emoji among them
    async with provider(standin) as client:
        result = await explain(
            client,
            source=SOURCE,
            answer=ANSWER,
            references=[REFERENCE],
            errors=[],
            lang="zh",
            source_lang="zh",
            target_lang="en",
        )
    assert result.cut and result.text.endswith("…")
    assert units(result.text) <= TELEGRAM_LIMIT
    assert units(result.text) > TELEGRAM_LIMIT - len(paragraph) - 10  # cut near the limit
    assert "(none: explain what is good" in sent(standin)


@pytest.mark.parametrize("body", ["word " * 2000, "x" * 9000, "🤖" * 5000, "句。" * 3000])
def test_labelled_never_exceeds_the_limit(body: str) -> None:
    for limit in (TELEGRAM_LIMIT, 200):
        message = labelled(body, "m" * 500, "en", limit)
        assert units(message.text) <= limit and message.cut


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=3000), st.integers(min_value=0, max_value=5000), st.sampled_from(["en", "zh"])
)
def test_fit_and_labelled_always_keep_within_the_budget(body: str, limit: int, lang: str) -> None:
    assert units(fit(body, limit)) <= max(limit, 0)
    if limit >= 200:
        message = labelled(body, "gpt-4o-mini", lang, limit)
        assert units(message.text) <= limit
        assert message.cut == (message.body != body.strip())


async def test_the_second_opinion_is_parsed_and_compared(standin: StandIn) -> None:
    standin.script(
        Reply(
            'Here is my annotation:\n```json\n{"errors": [{"span": "36", "category": "Accuracy/Mistranslation",'
            ' "severity": "critical"}, {"span": "digital RMB", "category": "terminology/inappropriate for context",'
            ' "severity": "major"}]}\n```'
        )
    )
    async with provider(standin, judge=True) as client:
        result = await second_opinion(
            client,
            source=SOURCE,
            answer=ANSWER,
            source_lang="zh",
            target_lang="en",
            references=[REFERENCE],
            learner=LEARNER,
        )
    assert [(e.span, e.category, e.severity) for e in result.errors] == [
        ("36", "Accuracy/Mistranslation", "critical"),
        ("digital RMB", "Terminology/Inappropriate", "major"),
    ]
    assert result.model == "gpt-4o-mini" and result.penalty == 30.0
    measure = agreement(result.errors, ERRORS)
    # The number error is found by both; the offline glossary error quotes nothing and is of
    # another subcategory than the model's, so they are not taken for the same error.
    assert (measure.matched, measure.ai_only, measure.offline_only, measure.dice) == (1, 1, 1, 0.5)
    assert str(LEARNER) not in standin.requests[0].text


async def test_a_second_opinion_without_an_annotation_is_a_bad_response(standin: StandIn) -> None:
    standin.script(Reply("The translation looks good to me!"))
    async with provider(standin, judge=True) as client:
        with pytest.raises(AiUnavailable) as caught:
            await second_opinion(
                client, source=SOURCE, answer=ANSWER, source_lang="zh", target_lang="en"
            )
    assert caught.value.reason is Reason.bad_response


async def test_the_judge_switched_off_sends_nothing(standin: StandIn) -> None:
    async with provider(standin, judge=False) as client:
        with pytest.raises(AiUnavailable) as caught:
            await second_opinion(
                client, source=SOURCE, answer=ANSWER, source_lang="zh", target_lang="en"
            )
    assert caught.value.reason is Reason.not_configured and "JUDGE" in caught.value.detail
    assert standin.requests == []


async def test_a_provider_failure_in_a_use_is_the_same_one_reason(standin: StandIn) -> None:
    standin.script(Raw("{"))
    async with provider(standin) as client:
        with pytest.raises(AiUnavailable) as caught:
            await explain(
                client,
                source=SOURCE,
                answer=ANSWER,
                references=[REFERENCE],
                errors=ERRORS,
                lang="en",
                source_lang="zh",
                target_lang="en",
            )
    assert caught.value.reason is Reason.bad_response
    assert caught.value.line("zh") == "AI 服务返回的内容无法使用，请稍后再试。"
