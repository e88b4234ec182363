"""The scorer as a learner meets it: scores, the criteria named, the feedback quoted."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sacrebleu.metrics import BLEU, TER

from transtutor.content.library import Library
from transtutor.content.models import Exercise, ExerciseSet, ExerciseType
from transtutor.scoring.checks import ErrorMark
from transtutor.scoring.metrics import LONG_TOKENS, align_sentences, suite_for
from transtutor.scoring.scorer import CALIBRATION, Scorer, calibrate


def find(library: Library, exercise_id: str) -> tuple[Exercise, ExerciseSet]:
    for exercise_set in library.sets.values():
        for exercise in exercise_set.exercises:
            if exercise.id == exercise_id:
                return exercise, exercise_set
    raise KeyError(exercise_id)


def failed_ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.id for c in result.failed}


def test_every_bundled_reference_scores_at_least_90(library: Library, scorer: Scorer) -> None:
    for exercise_set in library.sets.values():
        for exercise in exercise_set.exercises:
            if exercise.type is ExerciseType.error_spot:
                marks = [ErrorMark(e.span, e.category, e.severity) for e in exercise.errors]
                result = scorer.score_exercise(exercise, exercise_set, "", marks)
                assert result.score >= 99, exercise.id
                continue
            for reference in exercise.references:
                result = scorer.score_exercise(exercise, exercise_set, reference)
                assert result.score >= 90, (exercise.id, reference, result.failed)


def test_exact_chinese_match_is_perfect_on_every_metric() -> None:
    suite = suite_for("zh")
    values = suite.score("数字人民币试点已扩展到26个城市。", ["数字人民币试点已扩展到26个城市。"])
    assert (values.bleu, values.chrf, values.ter) == pytest.approx((100.0, 100.0, 0.0))
    # Without effective order, sentence BLEU of this identical pair is 0: the reason we use it.
    assert BLEU(tokenize="zh").sentence_score("试点", ["试点"]).score == 0
    assert suite.score("试点", ["试点"]).bleu == pytest.approx(100)


def test_chinese_ter_counts_characters_not_whole_sentences() -> None:
    suite = suite_for("zh")
    slip = suite.score("数字人民币试点已扩展到28个城市。", ["数字人民币试点已扩展到26个城市。"])
    assert slip.ter < 10
    plain = TER(asian_support=True).sentence_score(
        "数字人民币试点已扩展到28个城市。", ["数字人民币试点已扩展到26个城市。"]
    )
    assert plain.score == 100.0  # sacrebleu ignores asian_support unless normalized


def test_missing_number_and_glossary_term_are_quoted(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "fin-001")
    result = scorer.score_exercise(
        exercise, exercise_set, "The digital yuan pilot has expanded to many cities."
    )
    assert {"numbers", "terminology"} <= failed_ids(result)
    feedback = "\n".join(result.feedback("en"))
    assert "`26`" in feedback and "`e-CNY`" in feedback
    assert "`26`" in "\n".join(result.feedback("zh"))
    assert result.score < 60


def test_good_paraphrase_scores_well(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "fin-001")
    result = scorer.score_exercise(
        exercise, exercise_set, "The e-CNY pilot has now been extended to 26 cities."
    )
    assert result.score >= 75
    assert not result.failed


def test_empty_off_topic_and_untranslated_answers_score_low(
    library: Library, scorer: Scorer
) -> None:
    exercise, exercise_set = find(library, "fin-004")
    empty = scorer.score_exercise(exercise, exercise_set, "   ")
    off_topic = scorer.score_exercise(
        exercise, exercise_set, "I like to walk my dog in the park on Sundays."
    )
    untranslated = scorer.score_exercise(exercise, exercise_set, exercise.source)
    assert empty.score == 0
    assert off_topic.score < 20
    assert untranslated.score < 10
    assert "untranslated" in failed_ids(untranslated)
    assert "监管机构" in " ".join(untranslated.feedback("en"))


def test_english_words_left_in_chinese_are_named(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "ge-003")
    result = scorer.score_exercise(
        exercise, exercise_set, "实现carbon neutrality既需要减少排放，也需要从大气中清除碳。"
    )
    assert "untranslated" in failed_ids(result)
    assert "carbon" in " ".join(result.feedback("zh"))


def test_half_width_punctuation_in_chinese_is_flagged(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "ge-003")
    result = scorer.score_exercise(
        exercise, exercise_set, "实现碳中和既需要减少排放,也需要从大气中清除碳."
    )
    assert "punctuation" in failed_ids(result)


def test_placeholder_must_survive(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "tae-006")
    result = scorer.score_exercise(exercise, exercise_set, "用户名，安装更新后请重新启动您的设备。")
    assert "names" in failed_ids(result)
    assert "{user_name}" in " ".join(result.feedback("en"))


def test_forbidden_term_is_quoted(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "fin-001")
    banned = exercise.model_copy(update={"forbidden": ["digital RMB"]})
    result = scorer.score_exercise(
        banned, exercise_set, "The digital RMB (e-CNY) pilot has been expanded to 26 cities."
    )
    assert "forbidden" in failed_ids(result)


def test_length_far_off_suggests_omission(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "icz-003")
    result = scorer.score_exercise(exercise, exercise_set, "Spring Festival is important.")
    assert "length" in failed_ids(result)


def test_post_edit_leaving_mt_errors_fails(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "fin-008")
    unchanged = scorer.score_exercise(exercise, exercise_set, exercise.mt or "")
    fixed = scorer.score_exercise(
        exercise,
        exercise_set,
        "The fintech company's revenue grew by 35% last year to 1.2 billion yuan.",
    )
    assert "mt-errors-fixed" in failed_ids(unchanged)
    assert "`53%`" in " ".join(unchanged.feedback("en"))
    assert unchanged.score < 50 <= 90 <= fixed.score


def test_post_edit_rewriting_everything_is_noted(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "ai-008")
    rewritten = scorer.score_exercise(
        exercise, exercise_set, "The model was trained on 2,048 GPUs over roughly three weeks."
    )
    light = scorer.score_exercise(
        exercise, exercise_set, "Training this model used 2,048 GPUs and took about three weeks."
    )
    assert "edit-economy" in failed_ids(rewritten)
    assert "edit-economy" not in failed_ids(light)


def test_error_spot_rewards_span_category_and_severity(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "fin-010")
    exact = scorer.score_exercise(
        exercise,
        exercise_set,
        "",
        [ErrorMark("large enterprises", "Accuracy/Mistranslation", "major")],
    )
    wrong_category = scorer.score_exercise(
        exercise, exercise_set, "", [ErrorMark("large enterprises", "Fluency/Grammar", "major")]
    )
    partial_span = scorer.score_exercise(
        exercise, exercise_set, "", [ErrorMark("large", "Accuracy/Mistranslation", "major")]
    )
    missed = scorer.score_exercise(
        exercise, exercise_set, "", [ErrorMark("This policy", "Accuracy/Mistranslation", "major")]
    )
    assert exact.score == 100
    assert 40 < wrong_category.score < 100 and "error-category" in failed_ids(wrong_category)
    assert 30 < partial_span.score < exact.score
    assert missed.score == 0


def test_evidence_goes_to_the_exercise_and_criterion_outcomes(
    library: Library, scorer: Scorer
) -> None:
    exercise, exercise_set = find(library, "fin-001")
    result = scorer.score_exercise(
        exercise, exercise_set, "The e-CNY pilot has been expanded to 26 cities."
    )
    assert set(result.evidence) >= {"LO1", "LO2"}
    assert all(0 <= v <= 1 for v in result.evidence.values())
    poor = scorer.score_exercise(exercise, exercise_set, "The digital currency test is in cities.")
    assert poor.evidence["LO2"] < result.evidence["LO2"]


def test_scoring_is_deterministic(library: Library, scorer: Scorer) -> None:
    exercise, exercise_set = find(library, "ai-004")
    answers = [
        scorer.score_exercise(
            exercise, exercise_set, "By late 2025 there were over 4 million 5G base stations."
        ).to_dict()
        for _ in range(3)
    ]
    assert answers[0] == answers[1] == answers[2]


def test_calibration_is_increasing_and_anchored() -> None:
    xs = [x / 2 for x in range(201)]
    ys = [calibrate(x) for x in xs]
    assert all(b > a for a, b in pairwise(ys))
    assert calibrate(0) == 0 and calibrate(100) == 100
    assert [calibrate(x) for x, _ in CALIBRATION] == [y for _, y in CALIBRATION]


def test_short_ter_is_sacrebleus_and_long_ter_sums_sentence_edits() -> None:
    suite = suite_for("en")
    hyp, ref = "the cat sat on the mat today", "today the cat sat on a mat"
    assert suite.ter(hyp, [ref]) == pytest.approx(TER().sentence_score(hyp, [ref]).score)
    sentences_h = [
        f"Sentence number {i} says that the {i}th wind farm supplies clean power to homes."
        for i in range(20)
    ]
    sentences_r = [
        f"Sentence {i} says the {i}th wind farm provides clean electricity to households."
        for i in range(20)
    ]
    long_h, long_r = " ".join(sentences_h), " ".join(sentences_r)
    assert len(long_h.split()) > LONG_TOKENS
    long_ter = suite.ter(long_h, [long_r])
    per_sentence = sum(
        TER().sentence_score(h, [r]).num_edits
        for h, r in zip(sentences_h, sentences_r, strict=True)
    )
    ref_len = sum(len(r.split()) for r in sentences_r)
    assert long_ter == pytest.approx(100 * per_sentence / ref_len, rel=0.02)


def test_alignment_merges_split_sentences() -> None:
    hyp = [["a"] * 10, ["b"] * 10, ["c"] * 8]
    ref = [["a"] * 19, ["c"] * 8]
    assert [(len(h), len(r)) for h, r in align_sentences(hyp, ref)] == [(20, 19), (8, 8)]


def test_cached_reference_metrics_equal_sacrebleu_sentence_scores(library: Library) -> None:
    from sacrebleu.metrics.chrf import CHRF

    for exercise_set in library.sets.values():
        suite = suite_for(exercise_set.target_lang)
        tokenize = "zh" if exercise_set.target_lang == "zh" else "13a"
        for exercise in exercise_set.exercises:
            if not exercise.references:
                continue
            hyp = exercise.mt or exercise.references[-1][:-3]
            values = suite.score(hyp, exercise.references)
            assert values.bleu == pytest.approx(
                BLEU(effective_order=True, tokenize=tokenize)
                .sentence_score(hyp, exercise.references)
                .score
            )
            assert values.chrf == pytest.approx(
                CHRF().sentence_score(hyp, exercise.references).score
            )
            assert values.adequacy == pytest.approx(
                CHRF(beta=3, word_order=1).sentence_score(hyp, exercise.references).score
            )
            assert values.ter == pytest.approx(
                TER(normalized=tokenize == "zh", asian_support=tokenize == "zh")
                .sentence_score(hyp, exercise.references)
                .score
            )
