"""Errors a translation teacher marks, found and priced by severity, in both directions: the
learner sees the words quoted, what was expected, and a score that agrees with the feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from transtutor.content.library import Library
from transtutor.content.models import (
    ErrorAnnotation,
    Exercise,
    ExerciseSet,
    ExerciseType,
    Rubric,
)
from transtutor.scoring.batch import BatchItem, score_lines
from transtutor.scoring.checks import Attempt, ErrorMark
from transtutor.scoring.scorer import Scorer, ScoreResult

GOLDEN = Path(__file__).resolve().parents[1] / "benchmarks" / "golden"


def score(
    scorer: Scorer,
    source: str,
    candidate: str,
    references: list[str],
    **extra: object,
) -> ScoreResult:
    item = BatchItem.model_validate(
        {"id": 1, "source": source, "candidate": candidate, "references": references, **extra}
    )
    attempt = item.attempt()
    rubric = scorer.rubric(None, f"{attempt.source_lang}-{attempt.target_lang}")
    return scorer.score(attempt, rubric, ["LO1"])


def kinds(result: ScoreResult) -> list[tuple[str, str]]:
    return [(e["kind"], e["severity"]) for e in result.errors]


def test_profit_that_rose_instead_of_fell_is_critical_and_quoted(scorer: Scorer) -> None:
    result = score(
        scorer,
        "该公司去年的净利润下降了12%。",
        "The company's net profit rose by 12% last year.",
        ["The company's net profit fell by 12% last year."],
    )
    assert result.score < 70
    assert ("antonym", "critical") in kinds(result)
    line = result.feedback("en")[0]
    assert "«rose»" in line and "下降" in line and "fell" in line
    assert "«rose»" in result.feedback("zh")[0]


def test_inspection_that_found_serious_problems_instead_of_none_is_critical(
    scorer: Scorer,
) -> None:
    result = score(
        scorer,
        "核电站的安全检查没有发现任何问题。",
        "The safety inspection of the nuclear power plant found serious problems.",
        ["The safety inspection of the nuclear power plant found no problems."],
    )
    assert result.score < 70
    assert ("polarity", "critical") in kinds(result)
    assert "«serious problems»" in result.feedback("en")[0]
    assert "no problems" in result.feedback("en")[0]


def test_correct_answers_worded_differently_keep_a_good_score(scorer: Scorer) -> None:
    paraphrase = score(
        scorer,
        "核电站的安全检查没有发现任何问题。",
        "The safety inspection at the nuclear plant did not find any problems.",
        ["The safety inspection of the nuclear power plant found no problems."],
    )
    assert paraphrase.errors == []
    assert paraphrase.score >= 80


# (direction, source, answer, references, expected error kind, severity)
DETECTED = [
    (
        "zh-en",
        "请在一天之内回复。",
        "Please reply within one week.",
        ["Please reply within one day."],
        "number_wrong",
        "critical",
    ),
    (
        "zh-en",
        "想象一下，十亿年前两个黑洞相撞了。",
        "Imagine that two billion years ago, two black holes collided.",
        ["Imagine this: two black holes collided a billion years ago."],
        "number_wrong",
        "critical",
    ),
    # Opposites of technology and banking, also in forms lemminflect does not know.
    (
        "zh-en",
        "数据已加密。",
        "The data has been decrypted.",
        ["The data has been encrypted."],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "The data has been encrypted.",
        "数据已被解密。",
        ["数据已加密。"],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "资本流入增加了。",
        "Capital outflows increased.",
        ["Capital inflows increased."],
        "antonym",
        "critical",
    ),
    # The opposite where the reference has its word, though "like" there means "similar".
    (
        "zh-en",
        "这两种方法的结果很不同，就像白天和黑夜。",
        "The results of the two methods are very similar, like day and night.",
        ["The two methods give very different results, like day and night."],
        "antonym",
        "critical",
    ),
    # A time in the wrong half of the day: "p.m." says the opposite of 上午 / "a.m.".
    (
        "zh-en",
        "会议将于上午9点开始。",
        "The meeting will start at 9 p.m.",
        ["The meeting will begin at 9:00 in the morning."],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "会议将于上午9点开始。",
        "The meeting will start at 9 p.m.",
        ["The meeting will begin at 9 a.m."],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "The meeting starts at 9 a.m.",
        "会议晚上九点开始。",
        ["会议上午9点开始。"],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "该套餐每月收费500元。",
        "The plan costs 5,000 yuan a month.",
        ["The plan costs 500 yuan per month."],
        "number_wrong",
        "critical",
    ),
    (
        "zh-en",
        "该套餐每月收费500元。",
        "The plan costs yuan a month.",
        ["The plan costs 500 yuan per month."],
        "number_missing",
        "major",
    ),
    (
        "zh-en",
        "深圳的风电场将提供清洁电力。",
        "The wind farm in Guangzhou will supply clean power.",
        ["The wind farm in Shenzhen will supply clean electricity."],
        "entity",
        "critical",
    ),
    (
        "zh-en",
        "该公司去年的净利润下降了12%。",
        "The company's net profit fell by 12% last year, which shocked investors around the world.",
        ["The company's net profit fell by 12% last year."],
        "addition",
        "major",
    ),
    (
        "en-zh",
        "The company's net profit fell by 12% last year.",
        "该公司去年的净利润上升了12%。",
        ["该公司去年的净利润下降了12%。"],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "The company's net profit fell by 12% last year.",
        "该公司去年的净利润没有下降12%。",
        ["该公司去年的净利润下降了12%。"],
        "polarity",
        "critical",
    ),
    (
        "en-zh",
        "The wind farm in Shenzhen will supply clean electricity.",
        "广州的风电场将提供清洁电力。",
        ["深圳的风电场将提供清洁电力。"],
        "entity",
        "critical",
    ),
    (
        "zh-en",
        "大语言模型可以在几秒钟内生成一篇新闻稿的初稿。",
        "A large language model can produce a first draft of a press release in a few minutes.",
        ["A large language model can produce a first draft of a press release in a few seconds."],
        "unit_wrong",
        "critical",
    ),
    (
        "en-zh",
        "The new battery can be charged to 80% in just 15 minutes.",
        "这款新电池只需15小时即可充电至80%。",
        ["这款新电池只需15分钟即可充电至80%。"],
        "unit_wrong",
        "critical",
    ),
    (
        "zh-en",
        "跨境支付的结算时间从三天缩短到几秒钟。",
        "The time to settle cross-border payments has risen from three days to a few seconds.",
        [
            "Settlement time for cross-border payments has been cut from three days to a few seconds."
        ],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "请在设置中打开“自动更新”，以便及时获得安全补丁。",
        'Switch off "Automatic updates" in Settings to get security patches promptly.',
        ['Turn on "Automatic updates" in Settings to get security patches promptly.'],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "该电站去年的装机容量达到250万千瓦。",
        "The plant's installed capacity reached 2.5 megawatts last year.",
        ["The plant's installed capacity reached 2.5 gigawatts last year."],
        "number_wrong",
        "critical",
    ),
    (
        "en-zh",
        "The new battery can be charged to 80% in just 15 minutes.",
        "这款新电池只需15分钟即可至80%。",
        ["这款新电池只需15分钟即可充电至80%。"],
        "omission",
        "major",
    ),
    (
        "zh-en",
        "但如果你在宇宙中度假时听到这个声音，我建议你赶快跑。",
        "But if you hear this sound while on holiday in space, I suggest you run.",
        ["But if you hear this sound while on holiday in space, I suggest you run immediately."],
        "omission",
        "major",
    ),
    (
        "en-zh",
        "The museum's online exhibition has attracted 2 million visitors from abroad.",
        "该博物馆的线下展览已吸引了200万名海外观众。",
        ["该博物馆的线上展览已吸引了200万名海外观众。"],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "Electric vehicles made up more than half of new car sales in 2025.",
        "2025年电动汽车在新车销售中的占比低于一半。",
        ["2025年，电动汽车占新车销量的一半以上。"],
        "antonym",
        "critical",
    ),
    # Everyday opposites beyond markets and numbers, and a Chinese opposite that starts
    # with 不 (不同 is a word of its own, not a negation).
    (
        "zh-en",
        "这种错误在机器翻译中很常见。",
        "This kind of error is rarely seen in machine translation.",
        ["This kind of error is very common in machine translation."],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "她记得每位学生的名字。",
        "She forgets the name of every student.",
        ["She remembers every student's name."],
        "antonym",
        "critical",
    ),
    # A name one reference gives inside a compound ("Chinese-English") is given by it.
    (
        "zh-en",
        "这家公司发布了支持中英双语的开源模型。",
        "The company has launched an open-source model that supports both Chinese and French.",
        [
            "The company released an open-source model that supports both Chinese and English.",
            "The company has released a bilingual Chinese-English open-source model.",
        ],
        "entity",
        "critical",
    ),
    # Opposites WordNet knows and our list does not: against the reference's word, and
    # against a source word of two characters with an entry of its own (吸收: absorb).
    (
        "zh-en",
        "长期加班会损害心理健康。",
        "Working overtime for a long time harms physical health.",
        ["Long hours of overtime damage mental health."],
        "antonym",
        "critical",
    ),
    (
        "zh-en",
        "这种植物能吸收大量二氧化碳。",
        "This plant can emit large amounts of carbon dioxide.",
        ["This plant can absorb large amounts of carbon dioxide."],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "The two versions of the contract are the same.",
        "合同的两个版本不同。",
        ["合同的两个版本相同。"],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "Our main advantage is speed.",
        "我们的主要劣势是速度。",
        ["我们的主要优势是速度。"],
        "antonym",
        "critical",
    ),
    # "always" where the reference has "never" is the negation dropped: not cancelled as if
    # an opposite had said it ("not cheap" / "expensive").
    (
        "zh-en",
        "我们从未见过这样的产品。",
        "We have always seen a product like this.",
        ["We have never seen a product like this."],
        "polarity",
        "critical",
    ),
    # 不停 is "non-stop", not a negation: the source does not excuse an added "nobody".
    (
        "zh-en",
        "他不停地告诉大家这个好消息。",
        "He kept telling nobody the good news.",
        ["He kept telling everyone the good news."],
        "polarity",
        "critical",
    ),
    # CC-CEDICT glosses 不少 "many; a lot; not few": "few" is what the source denies (and
    # not one of its meanings), though the reference has no word opposite to it.
    (
        "zh-en",
        "不少用户已经开始使用这项服务。",
        "Few users have started using the service.",
        ["A lot of users have started using the service."],
        "antonym",
        "critical",
    ),
    (
        "en-zh",
        "The wind farm will supply clean electricity to about 300,000 households.",
        "该风电场将为约30万户家庭提供清洁电力，这一消息令许多观察人士感到意外。",
        ["该风电场将为约30万户家庭提供清洁电力。"],
        "addition",
        "major",
    ),
]


@pytest.mark.parametrize(("pair", "source", "answer", "references", "kind", "severity"), DETECTED)
def test_each_kind_of_error_is_found_with_its_severity(
    scorer: Scorer,
    pair: str,
    source: str,
    answer: str,
    references: list[str],
    kind: str,
    severity: str,
) -> None:
    source_lang = pair.split("-")[0]
    clean = score(scorer, source, references[0], references, source_lang=source_lang)
    result = score(scorer, source, answer, references, source_lang=source_lang)
    assert (kind, severity) in kinds(result), result.errors
    drop = clean.score - result.score
    assert drop >= (20 if severity == "critical" else 8)
    assert result.feedback("en") and result.feedback("zh")


# Correct renderings that once read as errors: an opposite said with a negation, a negation
# said with a prefix, "not until", abbreviations and possessives of names, a common word
# capitalised in a name and rendered by its near-synonym.
NOT_ERRORS = [
    # A negation said by a prefix the references do not use; an idiom with "without".
    (
        "在家里听的时候，觉得这声音有些不给力。",
        "When I listened to it at home, the sound felt a little unsatisfactory.",
        "When listening to it at home, I thought the sound was not strong enough.",
    ),
    ("我们不可能逃离。", "It is impossible for us to escape.", "We can't escape."),
    (
        "毋庸置疑，价格会上涨。",
        "It goes without saying that prices will rise.",
        "Undoubtedly, prices will rise.",
    ),
    (
        "这家店的咖啡不便宜。",
        "The coffee in this shop is expensive.",
        "The coffee in this shop is not cheap.",
    ),
    (
        "毫无疑问，价格会上涨。",
        "There is no doubt that prices will rise.",
        "Undoubtedly, prices will rise.",
    ),
    (
        "直到2010年这项法律才改变。",
        "It was not until 2010 that the law changed.",
        "The law only changed in 2010.",
    ),
    (
        "美国国家航空航天局完成了这项测试。",
        "NASA ran the test.",
        "The National Aeronautics and Space Administration ran the test.",
    ),
    ("他们住在加州长滩。", "They live in Long Beach, CA.", "They live in Long Beach, California."),
    (
        "他们降低了价格，延长了营业时间。",
        "They lowered prices and lengthened opening hours.",
        "They cut prices and extended opening hours.",
    ),
    (
        "请在设置中打开“自动更新”。",
        'Please turn "Automatic updates" on in Settings.',
        'Turn on "Automatic updates" in Settings.',
    ),
    (
        "那家店开在哈德逊大街上。",
        "The shop is on Hudson Avenue.",
        "The shop opened on Hudson Street.",
    ),
    # What a source word's entry denies, said with a negation: 不同 "not the same", 不久
    # "not long"; and 不停 ("non-stop") is not a negation the answer must keep.
    (
        "这两种方法的结果不同。",
        "The two methods do not give the same results.",
        "The two methods give different results.",
    ),
    (
        "不久以后，他们搬到了上海。",
        "Not long after, they moved to Shanghai.",
        "Soon afterwards, they moved to Shanghai.",
    ),
    (
        "雨不停地下了三天。",
        "It rained constantly for three days.",
        "It rained non-stop for three days.",
    ),
    # WordNet's early / middle / late are opposites, and 在 glosses "in the middle of": a
    # loose WordNet pair never takes its evidence from a one-character word of the source.
    (
        "一百年过去了，这首歌仍然萦绕在人们心中。",
        "A century has passed, and the song still stays with people.",
        "A hundred years later, the song still haunts people.",
    ),
]


# A reference word said by a near-synonym (through the lexicon): the answer means what the
# reference says, word for word.
NEAR_SYNONYMS = [
    (
        "这条链由许多元素组成。",
        "The chain is made up of many components.",
        "The chain is made up of many elements.",
    ),
    (
        "他们去年购买了一套新房子。",
        "Last year they purchased a new house.",
        "Last year they bought a new house.",
    ),
    # British spelling against an American reference: the same words.
    (
        "该组织意识到，这个项目的中心问题是员工的行为。",
        "The organisation realised that the centre of the programme's problems was staff behaviour.",
        "The organization realized that the center of the program's problems was staff behavior.",
    ),
]


@pytest.mark.parametrize(("source", "answer", "reference"), NEAR_SYNONYMS)
def test_a_near_synonym_of_a_reference_word_costs_nothing(
    scorer: Scorer, source: str, answer: str, reference: str
) -> None:
    exact = score(scorer, source, reference, [reference])
    result = score(scorer, source, answer, [reference])
    assert result.score >= exact.score - 1, result.metrics
    assert not result.errors
    # The metrics shown are still sacrebleu's on the answer as written.
    assert result.metrics["chrf"] < 80


# The same quantity in another unit of its kind, or a time unit left implicit.
SAME_QUANTITY = [
    (
        "en-zh",
        "The plant's installed capacity reached 2.5 gigawatts last year.",
        "该电站的装机容量去年达到250万千瓦。",
        "去年，该电站装机容量达到2.5吉瓦。",
    ),
    (
        "zh-en",
        "该电站去年的装机容量达到250万千瓦。",
        "The plant reached 2,500 megawatts of installed capacity last year.",
        "The plant's installed capacity reached 2.5 gigawatts last year.",
    ),
    (
        "zh-en",
        "他们每年检查一次设备。",
        "They inspect the equipment annually.",
        "They inspect the equipment once a year.",
    ),
    ("en-zh", "The route is 3 kilometres long.", "这条路线长3000米。", "这条路线长3公里。"),
    ("en-zh", "The meeting lasted 30 minutes.", "会议持续了半个小时。", "会议持续了30分钟。"),
    (
        "zh-en",
        "过去十年里，价格翻了一番。",
        "Prices doubled over the past decade.",
        "Prices have doubled in the past ten years.",
    ),
    (
        "en-zh",
        "Prices rose by 5% in three days.",
        "三天内价格上涨了百分之五。",
        "价格在3天内上涨了5%。",
    ),
    # Money, scales and times as business English writes them.
    (
        "zh-en",
        "公司营收达到12亿元。",
        "Revenue reached RMB1.2bn.",
        "Revenue reached 1.2 billion yuan.",
    ),
    (
        "zh-en",
        "他们投资了5000万美元，建造了250万个零件。",
        "They invested US$50m and built two and a half million parts.",
        "They invested 50 million US dollars and built 2.5 million parts.",
    ),
    (
        "zh-en",
        "该套餐每月收费500元。",
        "The plan costs ¥500 a month.",
        "The plan costs 500 yuan per month.",
    ),
    (
        "zh-en",
        "会议于上午九点开始。",
        "The meeting starts at 9:00 am.",
        "The meeting starts at 9 a.m.",
    ),
    # A share as a fraction or in per cent.
    (
        "zh-en",
        "大约一半的学生参加了。",
        "About 50% of the students took part.",
        "About half of the students took part.",
    ),
    ("en-zh", "A quarter of the users pay.", "25%的用户付费。", "四分之一的用户付费。"),
    # "a million" is one million; "millions of" says a million roughly.
    (
        "zh-en",
        "相当于地球质量一百万倍的物质。",
        "Matter with a million times the mass of the Earth.",
        "Matter with one million times the mass of the Earth.",
    ),
    (
        "zh-en",
        "摩天大楼有50万至上百万个零件。",
        "A skyscraper has 500,000 to millions of parts.",
        "A skyscraper has 500,000 to a million parts.",
    ),
    # "half a million"; "one-dimensional" is 1D; a unit written against its number (6km).
    (
        "zh-en",
        "摩天大楼有50万至100万个零件。",
        "A skyscraper has half a million to a million parts.",
        "A skyscraper has 500,000 to 1,000,000 parts.",
    ),
    (
        "zh-en",
        "你可以在一维或二维空间编程。",
        "You can program in one-dimensional or two-dimensional space.",
        "You can program in 1D or 2D space.",
    ),
    (
        "zh-en",
        "把太阳压缩成直径6公里的球。",
        "Compress the sun into a ball 6km in diameter.",
        "Compress the sun into a ball six kilometres in diameter.",
    ),
    # A reference that says another number than the source: the answer may follow the source.
    (
        "zh-en",
        "有些冰超过十万年。",
        "Some ice is over a hundred thousand years old.",
        "Some ice is more than ten thousand years old.",
    ),
    # A unit joined to its number by a hyphen ("a 6-kilometre ball", "a 500-MW plant").
    (
        "zh-en",
        "把太阳压缩成直径6公里的球。",
        "Compress the sun into a 6-kilometre-diameter ball.",
        "Compress the sun into a ball six kilometers in diameter.",
    ),
    (
        "en-zh",
        "They built a 500-MW solar plant.",
        "他们建了一座500兆瓦的太阳能电站。",
        "他们建成了一座50万千瓦的太阳能电站。",
    ),
    # A deadline of a day is 24 hours.
    ("zh-en", "请在24小时内回复。", "Please reply within a day.", "Please reply within 24 hours."),
    ("en-zh", "Please reply within 24 hours.", "请在一天之内回复。", "请在24小时内回复。"),
    # Times of day: a.m. is the morning (上午), 下午三点 is 3 p.m. and 15:00, 九点 is 9.
    (
        "zh-en",
        "会议将于上午9点开始。",
        "The meeting will start at 9 a.m.",
        "The meeting will begin at 9:00 in the morning.",
    ),
    ("en-zh", "The meeting starts at 9 a.m.", "会议早上九点开始。", "会议上午9点开始。"),
    ("en-zh", "The meeting starts at 3 p.m.", "会议下午三点开始。", "会议于下午3点开始。"),
    ("en-zh", "The meeting starts at 3 p.m.", "会议15点开始。", "会议于下午3点开始。"),
    (
        "zh-en",
        "会议于下午三点半开始。",
        "The meeting starts at 15:30.",
        "The meeting starts at 3:30 p.m.",
    ),
    # Dimensions: 3D is three-dimensional, 三维 (and 二维码 is a QR code, not a number).
    (
        "zh-en",
        "然后它会在三维空间中给出输出。",
        "Then it gives the output in three-dimensional space.",
        "Then it gives an output in 3D space.",
    ),
    ("en-zh", "Scan the QR code to print in 3D.", "扫描二维码进行三维打印。", "扫码进行3D打印。"),
    # A date written the British way, with an ordinal day.
    (
        "zh-en",
        "会议将于2026年3月5日举行。",
        "The meeting will be held on 5th March, 2026.",
        "The meeting will be held on March 5, 2026.",
    ),
]


@pytest.mark.parametrize(("pair", "source", "answer", "reference"), SAME_QUANTITY)
def test_the_same_quantity_said_another_way_is_no_error(
    scorer: Scorer, pair: str, source: str, answer: str, reference: str
) -> None:
    result = score(scorer, source, answer, [reference], source_lang=pair.split("-")[0])
    assert not result.errors, result.errors


@pytest.mark.parametrize(
    ("pair", "source", "answer", "reference"),
    [
        (
            "zh-en",
            "会议将于上午9点开始。",
            "The meeting will start at 9 p.m.",
            "The meeting starts at 9 a.m.",
        ),
        ("en-zh", "The meeting starts at 9 a.m.", "会议晚上九点开始。", "会议上午9点开始。"),
    ],
)
def test_a_time_in_the_wrong_half_of_the_day_is_one_critical_error(
    scorer: Scorer, pair: str, source: str, answer: str, reference: str
) -> None:
    result = score(scorer, source, answer, [reference], source_lang=pair.split("-")[0])
    assert [e["severity"] for e in result.errors] == ["critical"], result.errors
    assert result.score < 70


@pytest.mark.parametrize(
    ("source", "answer", "reference"),
    [
        (
            "这可能是我们现在的自动化系统中最有前途的例子。",
            "This may be the most promising example of the automation systems we have now.",
            "This is probably the most promising example in our current automation systems.",
        ),
    ],
)
def test_a_source_word_rendered_by_a_function_word_is_not_omitted(
    scorer: Scorer, source: str, answer: str, reference: str
) -> None:
    result = score(scorer, source, answer, [reference])
    assert not [e for e in result.errors if e["kind"] in ("omission", "mistranslation")], (
        result.errors
    )


@pytest.mark.parametrize(
    ("source", "answer", "reference", "word"),
    [
        (
            "质量小的黑洞下落得更快。",
            "Low-mass black holes fall faster.",
            "Black holes with a small mass fall faster.",
            "mass",
        ),
        (
            "他研究相对论的时间膨胀效应。",
            "He studies the relativistic effect of time dilation.",
            "He studies the time dilation effect of relativity.",
            "relativity",
        ),
    ],
)
def test_a_source_word_said_inside_a_compound_or_by_its_adjective_is_not_omitted(
    scorer: Scorer, source: str, answer: str, reference: str, word: str
) -> None:
    result = score(scorer, source, answer, [reference])
    assert word not in {e["expected"] for e in result.errors}, result.errors


@pytest.mark.parametrize(
    ("answer", "reversed_"),
    [
        ("这款应用可以实时翻译语音，不联网也能用。", False),
        ("这款应用可以实时翻译语音，但不能离线使用。", True),
    ],
)
def test_references_that_differ_in_negation_let_the_answer_follow_either(
    scorer: Scorer, answer: str, reversed_: bool
) -> None:
    references = [
        "该应用可以实时翻译语音，并且支持离线使用。",
        "这款应用能实时翻译语音，无需联网也可使用。",
    ]
    source = "The app translates speech in real time and works offline."
    result = score(scorer, source, answer, references, source_lang="en")
    assert (("polarity", "critical") in kinds(result)) is reversed_, result.errors


def test_a_light_head_noun_left_implicit_is_a_minor_omission(scorer: Scorer) -> None:
    result = score(
        scorer,
        "我们已经为您开通了国际漫游服务。",
        "We have turned on international roaming for you.",
        ["We have activated the international roaming service for you."],
    )
    assert [(e["kind"], e["severity"]) for e in result.errors] == [("omission", "minor")]
    assert result.score >= 80


def test_a_wrong_unit_quotes_the_unit_and_the_expected_one(scorer: Scorer) -> None:
    result = score(
        scorer,
        "大语言模型可以在几秒钟内生成一篇新闻稿的初稿。",
        "Large language models can generate a news draft in several minutes.",
        ["A large language model can produce a first draft of a press release in a few seconds."],
    )
    assert result.score < 70
    assert result.feedback("en")[0] == "[critical] «minutes» — should be `seconds`: a wrong unit."
    assert result.feedback("zh")[0] == "【严重】«minutes» —— 应为 `seconds`：单位有误。"


def test_a_name_every_reference_gives_is_expected(library: Library, scorer: Scorer) -> None:
    # The lexicon cannot say that 中外 names China; both references do.
    exercises = {e.id: (e, s) for s in library.sets.values() for e in s.exercises}
    exercise, exercise_set = exercises["icz-007"]
    answer = "Panda diplomacy has played a special part in promoting friendship between Brazil and the rest of the world."
    result = scorer.score_exercise(exercise, exercise_set, answer)
    assert ("entity", "critical") in kinds(result) and result.score < 70
    assert "«Brazil»" in result.feedback("en")[0] and "China" in result.feedback("en")[0]


def test_not_with_a_number_is_less_than_and_not_a_negation(scorer: Scorer) -> None:
    less = score(
        scorer,
        "Electric vehicles made up less than half of new car sales in 2025.",
        "2025年，电动汽车占新车销量不到一半。",
        ["2025年，电动汽车占新车销量的一半以下。"],
        source_lang="en",
    )
    assert less.errors == [] and less.score >= 90
    more = score(
        scorer,
        "Electric vehicles made up more than half of new car sales in 2025.",
        "2025年，电动汽车占新车销量不到一半。",
        ["2025年，电动汽车占新车销量的一半以上。"],
        source_lang="en",
    )
    assert ("antonym", "critical") in kinds(more)
    # 不良贷款 is "non-performing loans", not a negation of the source.
    flipped = score(
        scorer,
        "该银行去年的不良贷款率下降至1.2%。",
        "Last year, the bank's NPL ratio did not drop to 1.2 percent.",
        ["The bank's non-performing loan ratio fell to 1.2% last year."],
    )
    assert ("polarity", "critical") in kinds(flipped)


def test_a_dropped_unit_is_one_major_error(scorer: Scorer) -> None:
    result = score(
        scorer,
        "The plant's installed capacity reached 2.5 gigawatts last year.",
        "该电站的装机容量去年达到2.5。",
        ["去年，该电站装机容量达到2.5吉瓦。"],
        source_lang="en",
    )
    assert kinds(result) == [("unit", "major")]
    assert "吉瓦" in result.feedback("en")[0] and "2.5吉瓦" not in result.feedback("en")[0]


def test_an_opposite_found_against_the_reference_names_the_reference(scorer: Scorer) -> None:
    result = score(
        scorer,
        "移动支付让小商户也能以极低的成本接受付款。",
        "Mobile payments let small merchants accept payments at a high cost.",
        ["Mobile payments allow even small merchants to accept payments at very low cost."],
    )
    line = result.feedback("en")[0]
    assert line == "[critical] «high» — the reference has «low»: the opposite meaning.", line


def test_a_missed_glossary_term_is_one_line_naming_the_source_term(scorer: Scorer) -> None:
    result = score(
        scorer,
        "大语言模型可以在几秒钟内生成一篇新闻稿的初稿。",
        "LLMs can write the first draft of a news release within seconds.",
        ["A large language model can produce a first draft of a press release in a few seconds."],
        glossary={"大语言模型": "large language model"},
    )
    assert result.feedback("en") == [
        "[major] Use the glossary term `large language model` (the source has 大语言模型)."
    ], result.feedback("en")


def test_a_misspelt_word_is_a_minor_spelling_error_naming_the_word(scorer: Scorer) -> None:
    source, reference = "我们已收到您的付款。", "We have received your payment."
    result = score(scorer, source, "We have recieved your paymnet.", [reference])
    assert result.feedback("en") == [
        "[minor] «recieved» is misspelt: «received».",
        "[minor] «paymnet» is misspelt: «payment».",
    ]
    assert result.feedback("zh")[0] == "【轻微】«recieved» 拼写有误，应为 «received»。"
    assert {e["category"] for e in result.errors} == {"Fluency/Spelling"}
    assert result.score >= 85  # minor: the meaning is all there
    # Words written as one or with a hyphen, names and words the lexicon knows are no typos.
    for answer in ("We have received your payment via PayPall.", "We've received your payment."):
        assert not score(scorer, source, answer, [reference]).errors


def test_a_glossary_term_spelled_the_british_way_is_the_term(scorer: Scorer) -> None:
    source, reference = "新的数据中心明年投入使用。", "The new data center opens next year."
    glossary = {"数据中心": "data center"}
    british = score(
        scorer, source, "The new data centre opens next year.", [reference], glossary=glossary
    )
    assert not british.errors and british.score >= 99, british.feedback("en")
    other = score(
        scorer, source, "The new data hub opens next year.", [reference], glossary=glossary
    )
    assert any("`data center`" in line for line in other.feedback("en"))


@pytest.mark.parametrize(("source", "answer", "reference"), NOT_ERRORS)
def test_correct_renderings_are_not_critical_errors(
    scorer: Scorer, source: str, answer: str, reference: str
) -> None:
    result = score(scorer, source, answer, [reference])
    assert not [e for e in result.errors if e["severity"] == "critical"], result.errors


def test_contractions_and_compounds_are_not_unlicensed_words() -> None:
    from transtutor.scoring import detect as dt
    from transtutor.scoring import lexicon as lx

    c = dt.Comparison(
        "我们在卖节能灯。",
        "We're selling energy-saving lamps.",
        ["We sell lamps that save energy."],
        "zh",
        "en",
    )
    words = {t.text: t for t in c.cand}
    assert not lx.is_content(words["We're"], "en")
    assert c.licensed(words["energy-saving"])


def test_english_divergence_counts_by_the_length_of_the_references(scorer: Scorer) -> None:
    """MQM sums errors: as far from its reference as a short answer, a long one holds more
    of them and scores lower; an exact match keeps 100."""
    from transtutor.scoring import severity as sv

    assert sv.divergence(100.0, 30) == 0
    assert sv.divergence(80.0, 30) == pytest.approx(3 * sv.divergence(80.0, 10))
    exact = score(
        scorer,
        "该公司去年的净利润下降了12%。",
        "The company's net profit fell by 12% last year.",
        ["The company's net profit fell by 12% last year."],
    )
    assert exact.score == 100


def test_most_severe_error_comes_first(scorer: Scorer) -> None:
    result = score(
        scorer,
        "该公司去年的净利润下降了12%。",
        "The company's net profit rose by 21% last year, which shocked investors everywhere.",
        ["The company's net profit fell by 12% last year."],
    )
    order = {"critical": 0, "major": 1, "minor": 2}
    ranks = [order[e["severity"]] for e in result.errors]
    assert ranks == sorted(ranks) and ranks[0] == 0


def golden(library: Library, pair: str) -> list[tuple[dict[str, str], Exercise, ExerciseSet]]:
    """The golden paraphrases of one direction with their exercises (each worded unlike every
    reference of its exercise)."""
    rows = yaml.safe_load((GOLDEN / f"{pair}-paraphrases.yaml").read_text(encoding="utf-8"))
    assert len(rows) >= 30
    target = pair.split("-")[1]
    exercises = {
        e.id: (e, s) for s in library.sets.values() for e in s.exercises if s.target_lang == target
    }
    found = [(row, *exercises[row["id"]]) for row in rows]
    assert all(row["answer"] not in exercise.references for row, exercise, _ in found)
    return found


def test_golden_chinese_paraphrases_score_well_and_their_critical_errors_do_not(
    library: Library, scorer: Scorer
) -> None:
    for row, exercise, exercise_set in golden(library, "en-zh"):
        good = scorer.score_exercise(exercise, exercise_set, row["answer"])
        bad = scorer.score_exercise(exercise, exercise_set, row["critical"])
        assert good.score >= 80, (row["id"], row["answer"], good.errors)
        assert good.errors == [], (row["id"], good.errors)
        assert bad.score < 70, (row["id"], row["critical"], bad.errors)
        assert any(e["severity"] == "critical" for e in bad.errors)


def test_golden_english_paraphrases_score_well_and_their_critical_errors_do_not(
    library: Library, scorer: Scorer
) -> None:
    rows = golden(library, "zh-en")
    good, caught = [], 0
    for row, exercise, exercise_set in rows:
        result = scorer.score_exercise(exercise, exercise_set, row["answer"])
        assert not [e for e in result.errors if e["severity"] != "minor"], (row, result.errors)
        good.append(result.score)
        bad = scorer.score_exercise(exercise, exercise_set, row["critical"])
        caught += bad.score < 70 and any(e["severity"] == "critical" for e in bad.errors)
    good.sort()
    assert good[len(good) // 2] >= 85 and good[len(good) // 10] >= 70, good
    # What it misses is of a kind no rule targets: "French" for 英 in 中英双语.
    assert caught >= 0.9 * len(rows), caught


def test_an_answer_in_the_source_language_gets_one_line_saying_so(scorer: Scorer) -> None:
    source = "We are looking into the issue. Thank you for your patience."
    result = score(scorer, source, source, ["我们正在调查此事，感谢您的耐心。"])
    assert result.score < 10
    assert kinds(result) == [("wrong_language", "critical")]
    assert len(result.feedback("en")) == 1 and "not a translation" in result.feedback("en")[0]
    assert "不是译文" in result.feedback("zh")[0]


def test_an_unrelated_answer_is_not_a_translation(scorer: Scorer) -> None:
    result = score(
        scorer,
        "该公司去年的净利润下降了12%。",
        "I really enjoy hiking in the mountains with my dog.",
        ["The company's net profit fell by 12% last year."],
    )
    assert result.score < 20
    assert kinds(result) == [("unrelated", "critical")]


def _post_edit(mt: str, references: list[str]) -> tuple[Exercise, ExerciseSet]:
    exercise = Exercise(
        id="pe-ok",
        type=ExerciseType.post_edit,
        source="央行表示，将继续稳妥推进数字人民币研发。",
        mt=mt,
        references=references,
        outcomes=["LO4"],
    )
    exercise_set = ExerciseSet(
        id="pe-set",
        title={"en": "Post-editing", "zh": "译后编辑"},
        language_pair="zh-en",
        outcomes=["LO4"],
        exercises=[exercise],
    )
    return exercise, exercise_set


def test_an_adequate_mt_accepted_unchanged_passes(scorer: Scorer) -> None:
    mt = (
        "The central bank said it will continue to steadily advance e-CNY research and development."
    )
    exercise, exercise_set = _post_edit(
        mt,
        [
            "The central bank said it would continue to advance e-CNY research and development "
            "in a steady and prudent manner.",
            "The central bank said it will keep steadily advancing research and development of "
            "the e-CNY.",
        ],
    )
    accepted = scorer.score_exercise(exercise, exercise_set, mt)
    assert accepted.score >= 70
    assert accepted.errors == []
    assert not any("still there" in line for line in accepted.feedback("en"))
    rewritten = scorer.score_exercise(
        exercise,
        exercise_set,
        "According to the central bank, research on and development of the e-CNY is going to "
        "be pushed forward steadily and prudently from now on.",
    )
    # Rewriting a good MT heavily is over-editing (effort), not an error.
    assert "edit-economy" in {c.id for c in rewritten.failed}
    assert all(e["severity"] != "critical" for e in rewritten.errors)


def test_an_mt_with_an_undeclared_error_left_unchanged_fails(scorer: Scorer) -> None:
    mt = "The central bank said it will stop advancing e-CNY research and development."
    exercise, exercise_set = _post_edit(
        mt,
        ["The central bank said it will keep steadily advancing e-CNY research and development."],
    )
    result = scorer.score_exercise(exercise, exercise_set, mt)
    assert result.score < 70
    assert "mt-errors-fixed" in {c.id for c in result.failed}


def _spot(scorer: Scorer, mark: str) -> ScoreResult:
    return scorer.score(
        Attempt(
            type=ExerciseType.error_spot,
            source="任何一方均须提前30天书面通知对方方可终止本协议。",
            candidate="",
            references=[],
            source_lang="zh",
            target_lang="en",
            mt="Either party may terminate this agreement with 30 days' written notice.",
            errors=[
                # the annotated error: 须 (must) rendered as "may"
                ErrorAnnotation(span="may", category="Accuracy/Mistranslation", severity="major")
            ],
            marks=[ErrorMark(mark, "Accuracy/Mistranslation", "major")],
        ),
        scorer.rubric(None, "zh-en"),
        ["LO5"],
    )


def test_error_spot_gives_credit_for_a_mark_close_around_the_error(scorer: Scorer) -> None:
    exact, close, wide, elsewhere = (
        _spot(scorer, "may"),
        _spot(scorer, "Either party may"),
        _spot(scorer, "Either party may terminate this agreement with 30 days' written notice."),
        _spot(scorer, "written notice"),
    )
    assert exact.score == 100
    assert 75 <= close.score < exact.score
    assert wide.score < close.score
    assert elsewhere.score == 0


def test_terminology_errors_are_evidence_against_terminology_not_accuracy(
    library: Library, scorer: Scorer
) -> None:
    exercise_set = next(s for s in library.sets.values() if s.id == "fintech-zh-en")
    exercise = next(e for e in exercise_set.exercises if e.id == "fin-001")
    result = scorer.score_exercise(
        exercise, exercise_set, "The digital RMB pilot has been expanded to 26 cities."
    )
    assert ("terminology", "major") in kinds(result)
    assert result.evidence["LO2"] < result.evidence["LO1"]


def test_score_batch_goes_on_past_a_line_the_scorer_fails_on(
    scorer: Scorer, caplog: pytest.LogCaptureFixture
) -> None:
    class Failing(Scorer):  # a fault of the scorer's on one answer, injected
        def score(self, attempt: Attempt, rubric: Rubric, outcomes: list[str]) -> ScoreResult:
            if attempt.candidate == "boom":
                raise KeyError("Thousands")
            return super().score(attempt, rubric, outcomes)

    lines = [
        json.dumps({"id": i, "source": "你好。", "candidate": text, "references": ["Hello."]})
        for i, text in enumerate(["Hello.", "boom", "Hi."])
    ]
    out = list(score_lines(lines, Failing(scorer.rubrics)))
    assert [o["id"] for o in out] == [0, 1, 2]
    assert out[1] == {"id": 1, "line": 2, "error": "internal error: KeyError"}
    assert out[0]["score"] == 100 and out[2]["score"] > 0
    assert "could not be scored" in caplog.text and "boom" not in caplog.text


def test_score_batch_writes_the_detected_errors(scorer: Scorer) -> None:
    line = json.dumps(
        {
            "id": "a",
            "source": "该公司去年的净利润下降了12%。",
            "candidate": "The company's net profit rose by 12% last year.",
            "references": ["The company's net profit fell by 12% last year."],
        }
    )
    (out,) = list(score_lines([line], scorer))
    assert {"id", "score", "metrics", "checks", "errors"} <= set(out)
    error = out["errors"][0]
    assert error["severity"] == "critical" and error["found"] == "rose"
    assert error["weight"] == 25 and "«rose»" in error["feedback"]
