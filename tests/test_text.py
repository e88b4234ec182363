"""Numbers, entities and sentences as the rubric checks see them."""

from __future__ import annotations

import pytest

from transtutor.scoring.text import chinese_numeral_value, entities, quantities, sentences, units


def values(text: str) -> set[float]:
    return {q.value for q in quantities(text)}


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("二十六", 26),
        ("十五", 15),
        ("一百零八", 108),
        ("三千五百万", 35_000_000),
        ("二〇二五", 2025),
        ("两万", 20_000),
        ("一亿二千万", 120_000_000),
    ],
)
def test_chinese_numerals(numeral: str, value: float) -> None:
    assert chinese_numeral_value(numeral) == value


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("26万人", "260,000 people"),
        ("3.5亿千瓦", "350 million kW"),
        ("二十六个城市", "26 cities"),
        ("１２３", "123"),
        ("twenty-six cities", "26 cities"),
        ("一刻钟", "15 minutes"),
        ("半个小时", "half an hour"),
        ("over the past decade", "过去十年"),
        ("3D printing", "three-dimensional printing"),
        ("a hundred thousand years", "100,000 years"),
        ("one hundred and twenty thousand", "120,000"),
        ("a million times", "一百万倍"),
        ("三维空间", "3-D space"),
    ],
)
def test_same_quantity_across_writings(a: str, b: str) -> None:
    assert values(a) == values(b)


def test_words_that_are_not_numbers() -> None:
    assert values("they may be heard; 万一 统一 十分 一些; 5G; 扫描二维码") == set()
    assert values("on 3 May 2025") == {3, 5, 2025}


def test_units_have_one_name_per_meaning() -> None:
    assert units("up 12%") == units("up 12 percent")
    assert units("升温2℃") == units("升温2°C")
    assert units("2.5 GW") == units("250万千瓦") == units("2,500 megawatts")


def test_quantities_with_prefixed_units_compare_in_the_base_unit() -> None:
    def keys(text: str) -> set[str]:
        return {q.key for q in quantities(text)}

    assert keys("2.5 gigawatts") == keys("250万千瓦") == keys("2,500 MW")
    assert keys("2.5兆瓦") != keys("2.5吉瓦")
    assert keys("3 km") == keys("3000米")
    assert keys("500 kWh") == keys("500千瓦时") != keys("500 kW")


def test_entities_include_codes_and_placeholders() -> None:
    found = entities("OpenAI 发布了 GPT-4，{user_name} 请访问 https://example.org 或 <b>5G</b>")
    assert {"OpenAI", "GPT-4", "{user_name}", "https://example.org", "<b>", "</b>", "5G"} <= set(
        found
    )


def test_sentences_split_in_both_languages() -> None:
    assert sentences("Hello there. How are you? 我很好。你呢？") == [
        "Hello there.",
        "How are you?",
        "我很好。",
        "你呢？",
    ]
