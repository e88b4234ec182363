"""Scoring latency and throughput: the full scorer next to bare sacrebleu on the same pairs.

Pairs of up to 60 words with two references come from the development data when it is there
(reference + another system's output for the same segment as a second reference), otherwise
from the bundled course. Then a 250-word answer against a 250-word reference.

    python benchmarks/scoring_speed.py [--data PATH] [--pairs 600]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sacrebleu.metrics import BLEU, CHRF, TER

from transtutor.content.library import bundled_exercises, bundled_rubrics, load_library
from transtutor.content.models import ExerciseType
from transtutor.scoring.checks import Attempt
from transtutor.scoring.metrics import suite_for
from transtutor.scoring.scorer import Scorer

from machine import DEV_DATA, describe

Pair = tuple[str, list[str]]
SOURCES: dict[str, str] = {}  # answer -> its source, for the error detector


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def dev_pairs(path: Path, limit: int) -> list[Pair]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    by_segment: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in rows:
        by_segment[(row["doc"], row["segment"])].append(row)
    pairs = []
    for group in by_segment.values():
        for i, row in enumerate(group):
            other = group[(i + 1) % len(group)]["candidate"]
            if len(row["candidate"].split()) <= 60 and other != row["candidate"]:
                pairs.append((row["candidate"], [row["references"][0], other]))
                SOURCES[row["candidate"]] = row["source"]
    return pairs[:limit]


def course_pairs() -> list[Pair]:
    library = load_library(bundled_exercises(), bundled_rubrics())
    pairs = []
    for exercise_set in library.sets.values():
        if exercise_set.target_lang != "en":
            continue
        for exercise in exercise_set.exercises:
            if len(exercise.references) >= 2:
                pairs.append(
                    (
                        exercise.references[1],
                        [exercise.references[0], exercise.mt or exercise.references[0]],
                    )
                )
    return pairs


def long_pair(path: Path) -> tuple[str, str]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    seen, hyp, ref, src = set(), [], [], []
    for row in rows:
        key = (row["doc"], row["segment"])
        if key in seen:
            continue
        seen.add(key)
        hyp.append(row["candidate"])
        ref.append(row["references"][0])
        src.append(row["source"])
        if len(" ".join(hyp).split()) >= 250:
            break
    SOURCES[" ".join(hyp)] = "".join(src)
    return " ".join(hyp), " ".join(ref)


CPU: list[float] = []  # process CPU time of the last timed() run, per pair


def timed(fn: Callable[[str, list[str]], object], pairs: list[Pair]) -> list[float]:
    samples = []
    CPU.clear()
    for hyp, refs in pairs:
        started, cpu = time.perf_counter(), time.process_time()
        fn(hyp, refs)
        samples.append(time.perf_counter() - started)
        CPU.append(time.process_time() - cpu)
    return samples


def report(name: str, samples: list[float]) -> float:
    # CPU time beside wall time: on a shared machine other processes inflate the wall clock.
    median = statistics.median(samples) * 1000
    p95 = statistics.quantiles(samples, n=20)[-1] * 1000
    rate = len(samples) / sum(samples)
    cpu = statistics.median(CPU) * 1000
    print(f"{name:<36}{median:>9.2f}{p95:>9.2f}{rate:>11.0f}{cpu:>9.2f}")
    return sum(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEV_DATA)
    parser.add_argument("--pairs", type=int, default=600)
    args = parser.parse_args()
    print(describe())
    have_dev = args.data.exists()
    pairs = dev_pairs(args.data, args.pairs) if have_dev else course_pairs()
    words = [len(h.split()) for h, _ in pairs]
    print(
        f"pairs: {len(pairs)} from {'development data' if have_dev else 'bundled course'}, "
        f"{min(words)}-{max(words)} words (median {statistics.median(words):.0f}), 2 references"
    )

    library = load_library(bundled_exercises(), bundled_rubrics())
    scorer = Scorer(library.rubrics)
    rubric = library.rubrics["zh-en-default"]
    chrf, bleu, ter = CHRF(), BLEU(effective_order=True), TER()

    def full(hyp: str, refs: list[str]) -> object:
        source = SOURCES.get(hyp, "源文本")
        attempt = Attempt(ExerciseType.translate, source, hyp, refs, "zh", "en")
        return scorer.score(attempt, rubric, ["LO1"])

    def bare_all(hyp: str, refs: list[str]) -> object:
        return (
            chrf.sentence_score(hyp, refs),
            bleu.sentence_score(hyp, refs),
            ter.sentence_score(hyp, refs),
        )

    before = rss_mb()
    started = time.perf_counter()
    full(*pairs[0])  # build the metric objects and load the resources before timing
    print(
        f"first answer (loads jieba, CC-CEDICT, lemminflect, WordNet, USE v3): "
        f"{time.perf_counter() - started:.1f} s; resident memory {before:.0f} -> "
        f"{rss_mb():.0f} MB (+{rss_mb() - before:.0f} MB for the loaded resources)"
    )
    print(f"\n{'per pair':<36}{'p50 ms':>9}{'p95 ms':>9}{'pairs/s':>11}{'CPU p50':>9}")
    chrf_total = report("sacrebleu chrF", timed(lambda h, r: chrf.sentence_score(h, r), pairs))
    bare_total = report("sacrebleu chrF+BLEU+TER", timed(bare_all, pairs))
    full_samples = timed(full, pairs)
    full_total = report("transtutor full scorer (all checks)", full_samples)
    print(
        f"\nfull scorer / bare chrF+BLEU+TER: {full_total / bare_total:.2f}x total time; "
        f"/ bare chrF: {full_total / chrf_total:.2f}x"
    )

    suite = suite_for("en")
    same = sum(abs(suite.ter(h, r) - ter.sentence_score(h, r).score) < 1e-9 for h, r in pairs)
    print(f"TER equal to sacrebleu's on {same} of {len(pairs)} pairs")

    if have_dev:
        hyp, ref = long_pair(args.data)
        runs, cpu_runs = [], []
        for _ in range(5):
            started, cpu = time.perf_counter(), time.process_time()
            result = scorer.score(
                Attempt(ExerciseType.translate, SOURCES[hyp], hyp, [ref], "zh", "en"),
                rubric,
                ["LO1"],
            )
            runs.append(time.perf_counter() - started)
            cpu_runs.append(time.process_time() - cpu)
        print(f"\n250-word answer, first (nothing cached) run: {runs[0] * 1000:.1f} ms")
        started = time.perf_counter()
        reference_ter = ter.sentence_score(hyp, [ref]).score
        sacrebleu_seconds = time.perf_counter() - started
        print(
            f"\n{len(hyp.split())}-word answer vs {len(ref.split())}-word reference: full scorer "
            f"median {statistics.median(runs) * 1000:.1f} ms over 5 runs "
            f"(CPU {statistics.median(cpu_runs) * 1000:.1f} ms); "
            f"sacrebleu TER alone {sacrebleu_seconds * 1000:.0f} ms"
        )
        print(
            f"TER reported {result.metrics['ter']:.2f} (sentence-aligned) vs sacrebleu "
            f"{reference_ter:.2f} (whole text, shifts across sentences)"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
