"""Our TER edit count equals sacrebleu's, on course texts and on random token sequences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics.ter import TER

from transtutor.content.library import Library
from transtutor.scoring.ter import edits

ENGLISH = TER()
CHINESE = TER(normalized=True, asian_support=True)


def sacrebleu_edits(metric: TER, hyp: str, ref: str) -> float:
    return float(metric.sentence_score(hyp, [ref]).num_edits)


def ours(metric: TER, hyp: str, ref: str) -> int:
    return edits(metric.tokenizer(hyp.rstrip()).split(), metric.tokenizer(ref.rstrip()).split())


def test_same_edits_as_sacrebleu_on_the_course(library: Library) -> None:
    checked = 0
    for exercise_set in library.sets.values():
        metric = CHINESE if exercise_set.target_lang == "zh" else ENGLISH
        for exercise in exercise_set.exercises:
            texts = [*exercise.references, *([exercise.mt] if exercise.mt else [])]
            for hyp in texts:
                for ref in texts:
                    assert ours(metric, hyp, ref) == sacrebleu_edits(metric, hyp, ref), (hyp, ref)
                    checked += 1
    assert checked > 200


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "the", "of"]), max_size=18),
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "the", "of"]), max_size=18),
)
def test_same_edits_as_sacrebleu_on_random_sequences(hyp: list[str], ref: list[str]) -> None:
    assert ours(ENGLISH, " ".join(hyp), " ".join(ref)) == sacrebleu_edits(
        ENGLISH, " ".join(hyp), " ".join(ref)
    )


def test_a_moved_phrase_costs_one_shift() -> None:
    ref = ["the", "central", "bank", "said", "on", "monday", "that", "rates", "will", "stay"]
    hyp = ["on", "monday", "the", "central", "bank", "said", "that", "rates", "will", "stay"]
    assert edits(hyp, ref) == 1
    assert edits([], ref) == len(ref) and edits(hyp, []) == len(hyp)
