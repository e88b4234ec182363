"""Scoring agreement with expert MQM ratings on the development data.

Runs the real `transtutor score-batch` over the file and reports Kendall tau-b between its
scores and the MQM scores, next to plain sacrebleu sentence chrF, BLEU and -TER on the same
lines (and the adequacy metric alone, to show what the error detection adds). Also the
separation issue 16 asks for: the median score of MT the experts found error-free against MT
with at least one major error (target: 15 points apart), and the 10th percentile of the
error-free MT (target: >= 60).

    python benchmarks/agreement.py [--data ../shared/data/mqm-ted-zhen-dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sacrebleu.metrics import BLEU, CHRF, TER
from scipy.stats import kendalltau

from machine import DEV_DATA, describe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEV_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"no development data at {args.data}", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    mqm = [row["mqm"] for row in rows]
    print(describe())
    print(f"data: {args.data.name}, {len(rows)} lines")

    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "scored.jsonl"
        started = time.perf_counter()
        subprocess.run(
            ["transtutor", "score-batch", "--input", str(args.data), "--output", str(output)],
            check=True,
        )
        elapsed = time.perf_counter() - started
        scored = [json.loads(line) for line in output.open(encoding="utf-8")]
    by_id = {item["id"]: item for item in scored}
    ours = [by_id[row["id"]]["score"] for row in rows]
    adequacy = [by_id[row["id"]]["metrics"]["adequacy"] for row in rows]

    chrf, bleu, ter = CHRF(), BLEU(effective_order=True), TER()
    baselines = {
        "sacrebleu chrF": [
            chrf.sentence_score(r["candidate"], r["references"]).score for r in rows
        ],
        "sacrebleu BLEU": [
            bleu.sentence_score(r["candidate"], r["references"]).score for r in rows
        ],
        "sacrebleu -TER": [
            -ter.sentence_score(r["candidate"], r["references"]).score for r in rows
        ],
    }
    print(f"\n{'scorer':<34}{'Kendall tau-b':>14}")
    results = {name: kendalltau(values, mqm).statistic for name, values in baselines.items()}
    results["adequacy (chrF+, beta 3) alone"] = kendalltau(adequacy, mqm).statistic
    results["transtutor score (all checks)"] = kendalltau(ours, mqm).statistic
    for name, tau in results.items():
        print(f"{name:<34}{tau:>14.4f}")
    best = max(v for k, v in results.items() if k.startswith("sacrebleu"))
    ratio = results["transtutor score (all checks)"] / best
    print(
        f"\ntranstutor / best sacrebleu metric: {ratio:.3f}; "
        f"score-batch took {elapsed:.1f} s for {len(rows)} lines "
        f"({len(rows) / elapsed:.0f} lines/s including start-up)"
    )
    free = [s for s, row in zip(ours, rows, strict=True) if row["mqm"] == 0]
    major = [s for s, row in zip(ours, rows, strict=True) if _major(row)]
    gap = statistics.median(free) - statistics.median(major)
    p10 = sorted(free)[len(free) // 10]
    print(
        f"error-free MT (n={len(free)}): median {statistics.median(free):.1f}, 10th percentile "
        f"{p10:.1f}; MT with a major error (n={len(major)}): median "
        f"{statistics.median(major):.1f}; gap {gap:.1f} points (targets: gap >= 15, p10 >= 60)"
    )
    by_length(rows, ours)
    print(
        "\nwithin a segment (the same source and reference, another MT system): share of "
        "error-free / major-error pairs ordered right (ties count half)"
    )
    for name, values in {"transtutor score": ours, **baselines}.items():
        print(f"  {name:<22}{within_segment(rows, values):.3f}")
    flagged = sum(1 for row in rows if by_id[row["id"]].get("errors"))
    print(f"lines with at least one detected error: {flagged} of {len(rows)}")
    return 0 if results["transtutor score (all checks)"] >= best else 1


def within_segment(rows: list[dict], scores: list[float]) -> float:
    """How often a scorer ranks an error-free MT above an MT with a major error of the same
    segment: what it sees of the errors themselves, apart from how hard or long the segment
    is (every other difference between the two lines is the MT)."""
    segments: dict[tuple[str, int], tuple[list[float], list[float]]] = {}
    for score, row in zip(scores, rows, strict=True):
        free, major = segments.setdefault((row["doc"], row["segment"]), ([], []))
        if row["mqm"] == 0:
            free.append(score)
        elif _major(row):
            major.append(score)
    right = pairs = 0.0
    for free, major in segments.values():
        for a in free:
            for b in major:
                pairs += 1
                right += 1.0 if a > b else 0.5 if a == b else 0.0
    return right / pairs if pairs else float("nan")


def _major(row: dict) -> bool:
    return any(e["severity"].lower() in ("major", "critical") for e in row["errors"])


BANDS = ((0, 8), (8, 12), (12, 18), (18, 25), (25, 35), (35, 1000))


def by_length(rows: list[dict], ours: list[float]) -> None:
    """The same comparison within bands of reference length: how much of the gap is the
    errors, and how much is that longer segments hold more of them (MQM adds errors up)."""
    print("\nby reference length (words): error-free median / major-error median, gap")
    for low, high in BANDS:
        free, major = [], []
        for score, row in zip(ours, rows, strict=True):
            words = len(row["references"][0].split())
            if not low <= words < high:
                continue
            if row["mqm"] == 0:
                free.append(score)
            elif _major(row):
                major.append(score)
        if free and major:
            label = f"{low}-{high - 1}" if high < 1000 else f"{low}+"
            print(
                f"  {label:>6}: n={len(free):>4} / {len(major):>4}   "
                f"{statistics.median(free):5.1f} / {statistics.median(major):5.1f}   "
                f"gap {statistics.median(free) - statistics.median(major):5.1f}"
            )


if __name__ == "__main__":
    sys.exit(main())
