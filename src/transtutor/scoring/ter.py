"""Translation edit rate with Tercom's greedy block-shift search, on a C edit distance.

sacrebleu's TER evaluates every candidate shift with a pure-Python edit distance, which costs
1-4 ms per short sentence and reference, and dominates the cost of scoring. This module runs
the same search with the same rules:

- candidate shifts are phrases of up to MAX_SHIFT_SIZE tokens that occur in both texts no more
  than MAX_SHIFT_DIST positions apart, where the hypothesis phrase is misaligned and the
  reference position is not already matched, moved to positions next to the aligned reference
  words; at most MAX_SHIFT_CANDIDATES are evaluated per sentence;
- among candidates, the largest reduction of the edit distance wins, then the longest phrase,
  then the earliest phrase, then the earliest target;
- shifts are applied while they reduce the edit distance, each costing one edit;

but evaluates candidates with rapidfuzz's Levenshtein distance. The alignment that proposes
candidates comes from our own dynamic programme with Tercom's preference among equal-cost
edits and sacrebleu's diagonal beam, so candidates are the same as sacrebleu's. Where the
beam would cut sacrebleu's distance short (long, badly misaligned sentences), ours is the true
minimum. tests/test_ter.py and benchmarks/scoring_speed.py compare both on real data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

MAX_SHIFT_SIZE = 10
MAX_SHIFT_DIST = 50
MAX_SHIFT_CANDIDATES = 1000
BEAM_WIDTH = 25
_FAR = 1 << 60


def _alignment(
    hyp: Sequence[str], ref: Sequence[str]
) -> tuple[int, dict[int, int], list[int], list[int]]:
    """Edit distance hyp -> ref and the alignment Tercom derives from its trace.

    Returns (distance, align: ref position -> hyp position, ref_err, hyp_err).
    """
    n, m = len(hyp), len(ref)
    cost = [list(range(m + 1))]
    ops = [["i"] * (m + 1)]  # i: a reference word inserted, d: a hypothesis word deleted
    ratio = m / n if n else 1
    beam = math.ceil(ratio / 2 + BEAM_WIDTH) if ratio / 2 > BEAM_WIDTH else BEAM_WIDTH
    for i in range(1, n + 1):
        row = [_FAR] * (m + 1)
        row_ops = ["x"] * (m + 1)
        above = cost[-1]
        diagonal = math.floor(i * ratio)
        low = max(0, diagonal - beam)
        high = m + 1 if i == n else min(m + 1, diagonal + beam)
        word = hyp[i - 1]
        for j in range(low, high):
            if j == 0:
                row[0], row_ops[0] = above[0] + 1, "d"
                continue
            same = word == ref[j - 1]
            best, op = above[j - 1] + (0 if same else 1), (" " if same else "s")
            if above[j] + 1 < best:
                best, op = above[j] + 1, "d"
            if row[j - 1] + 1 < best:
                best, op = row[j - 1] + 1, "i"
            row[j], row_ops[j] = best, op
        cost.append(row)
        ops.append(row_ops)

    trace = []
    i, j = n, m
    while i > 0 or j > 0:
        op = ops[i][j]
        trace.append(op)
        if op in (" ", "s"):
            i, j = i - 1, j - 1
        elif op == "i":
            j -= 1
        else:
            i -= 1
    trace.reverse()

    # Read the trace as rewriting the reference into the hypothesis (insertions and
    # deletions swap roles), which is how Tercom aligns.
    align: dict[int, int] = {}
    ref_err: list[int] = []
    hyp_err: list[int] = []
    h = r = -1
    for op in trace:
        if op in (" ", "s"):
            h, r = h + 1, r + 1
            align[r] = h
            error = int(op == "s")
            hyp_err.append(error)
            ref_err.append(error)
        elif op == "d":  # a hypothesis word with no reference counterpart
            h += 1
            hyp_err.append(1)
        else:  # a reference word missing from the hypothesis
            r += 1
            align[r] = h
            ref_err.append(1)
    return cost[n][m], align, ref_err, hyp_err


def _matches(hyp: Sequence[str], ref: Sequence[str]) -> list[tuple[int, int, int]]:
    """(hyp start, ref start, length) of every common phrase up to MAX_SHIFT_SIZE tokens."""
    found = []
    n, m = len(hyp), len(ref)
    for start_h in range(n):
        for start_r in range(
            max(0, start_h - MAX_SHIFT_DIST), min(m, start_h + MAX_SHIFT_DIST + 1)
        ):
            length = 0
            while (
                length < MAX_SHIFT_SIZE
                and start_h + length < n
                and start_r + length < m
                and hyp[start_h + length] == ref[start_r + length]
            ):
                length += 1
                found.append((start_h, start_r, length))
    return found


def _moved(words: list[str], start: int, length: int, target: int) -> list[str]:
    phrase = words[start : start + length]
    rest = words[:start] + words[start + length :]
    # Tercom's convention: a target up to the phrase's own end counts in the shortened list.
    position = target if target <= start + length else target - length
    return rest[:position] + phrase + rest[position:]


def _best_shift(hyp: list[str], ref: list[str], checked: int) -> tuple[int, list[str], int]:
    distance, align, ref_err, hyp_err = _alignment(hyp, ref)
    best: tuple[int, int, int, int] | None = None
    best_words = hyp
    for start_h, start_r, length in _matches(hyp, ref):
        if not any(hyp_err[start_h : start_h + length]) or not any(
            ref_err[start_r : start_r + length]
        ):
            continue
        if start_h <= align[start_r] < start_h + length:
            continue
        previous = -1
        for offset in range(-1, length):
            if start_r + offset == -1:
                target = 0
            elif start_r + offset in align:
                target = align[start_r + offset] + 1
            else:
                break
            if target == previous:
                continue
            previous = target
            shifted = _moved(hyp, start_h, length, target)
            gain = distance - Levenshtein.distance(shifted, ref)
            checked += 1
            rank = (gain, length, -start_h, -target)
            if best is None or rank > best:
                best, best_words = rank, shifted
        if checked >= MAX_SHIFT_CANDIDATES:
            break
    return (best[0] if best else 0), best_words, checked


def edits(hyp: Sequence[str], ref: Sequence[str]) -> int:
    """The number of TER edits (shifts + insertions, deletions, substitutions)."""
    words, reference = list(hyp), list(ref)
    if not reference:
        return len(words)
    if words == reference:
        return 0
    shifts = checked = 0
    while True:
        gain, shifted, checked = _best_shift(words, reference, checked)
        if checked >= MAX_SHIFT_CANDIDATES or gain <= 0:
            break
        shifts += 1
        words = shifted
    return shifts + Levenshtein.distance(words, reference)
