"""sacrebleu metrics, configured per target language and built once.

- BLEU: sentence BLEU with effective order (an exact Chinese match would otherwise score 0),
  tokenizer `zh` for Chinese targets, `13a` otherwise.
- chrF: sacrebleu defaults (character 6-grams, beta 2), shown to learners.
- adequacy: chrF+ with word unigrams and beta 3 (recall weighted), the basis of the overall
  score: on the development data it agrees best with expert MQM ratings (see README).
- TER: sacrebleu's tokenizer (`normalized=True, asian_support=True` for Chinese targets);
  edits are counted by our Tercom search on a C edit distance (`transtutor.scoring.ter`,
  identical to sacrebleu on the development data, about 5x faster); texts longer than
  LONG_TOKENS are scored sentence by sentence (see `MetricSuite.ter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.metrics.ter import TER

from transtutor.scoring.ter import edits
from transtutor.scoring.text import sentences

LONG_TOKENS = 100  # above this, TER is counted sentence by sentence


@dataclass(frozen=True)
class MetricValues:
    bleu: float
    chrf: float
    ter: float
    adequacy: float

    def as_dict(self) -> dict[str, float]:
        return {
            "bleu": round(self.bleu, 2),
            "chrf": round(self.chrf, 2),
            "ter": round(self.ter, 2),
            "adequacy": round(self.adequacy, 2),
        }


class MetricSuite:
    """The metric objects for one target language, reused across every submission."""

    def __init__(self, target_lang: str) -> None:
        chinese = target_lang == "zh"
        self.chinese = chinese
        self.bleu, self.chrf, self.adequacy = _metrics(chinese)
        self.ter_metric = TER(normalized=chinese, asian_support=chinese)
        self.signatures = {
            "bleu": _signature(self.bleu),
            "chrf": _signature(self.chrf),
            "adequacy": _signature(self.adequacy),
            "ter": _signature(self.ter_metric) + f"|long:sentence-aligned>{LONG_TOKENS}",
        }

    def score(self, hypothesis: str, references: list[str]) -> MetricValues:
        bleu, chrf, _ = _with_references(self.chinese, tuple(references))
        return MetricValues(
            bleu=bleu.corpus_score([hypothesis], None).score,
            chrf=chrf.corpus_score([hypothesis], None).score,
            ter=self.ter(hypothesis, references),
            adequacy=self.adequacy_score(hypothesis, references),
        )

    def adequacy_score(self, hypothesis: str, references: list[str]) -> float:
        """The adequacy metric (chrF+, beta 3) alone."""
        metric = _with_references(self.chinese, tuple(references))[2]
        return float(metric.corpus_score([hypothesis], None).score)

    def ter(self, hypothesis: str, references: list[str]) -> float:
        """TER in 0..100+, with sacrebleu's tokenization and multi-reference rule (fewest
        edits over the mean reference length), edits counted by `transtutor.scoring.ter`.

        Texts up to LONG_TOKENS tokens are scored whole, as sacrebleu does. Longer ones are
        split into sentences aligned in order with each reference's sentences, and the edits
        of the aligned pairs are summed: shifts cannot cross sentences, so the result can be a
        little higher than TER over the whole text, and stays fast at any length.
        """
        tokenize = self.ter_metric.tokenizer
        hyp_tokens = tokenize(hypothesis.rstrip()).split()
        ref_tokens = [tokenize(r.rstrip()).split() for r in references]
        long = max([len(hyp_tokens), *map(len, ref_tokens)]) > LONG_TOKENS
        hyp_sentences = [tokenize(s).split() for s in sentences(hypothesis)] if long else []
        best_edits = float("inf")
        for reference, tokens in zip(references, ref_tokens, strict=True):
            if long:
                ref_sentences = [tokenize(s).split() for s in sentences(reference)]
                count = sum(edits(h, r) for h, r in align_sentences(hyp_sentences, ref_sentences))
            else:
                count = edits(hyp_tokens, tokens)
            best_edits = min(best_edits, count)
        mean_ref = sum(map(len, ref_tokens)) / len(references)
        if mean_ref == 0:
            return 100.0 if best_edits else 0.0
        return 100.0 * best_edits / mean_ref


def _signature(metric: BLEU | CHRF | TER) -> str:
    # sacrebleu only knows its signature after one evaluation (it records the reference count).
    metric.sentence_score("a", ["a"])
    return str(metric.get_signature()).replace("nrefs:1", "nrefs:var")


# Extra cost of each bead shape: merges are rarer than one-to-one, dropped sentences rarer still.
BEAD_PENALTY = {(1, 1): 0.0, (1, 2): 0.8, (2, 1): 0.8, (1, 0): 3.0, (0, 1): 3.0}


def align_sentences(
    hyp: list[list[str]], ref: list[list[str]]
) -> list[tuple[list[str], list[str]]]:
    """Monotone alignment of tokenized sentences allowing 1-1, 1-2, 2-1, 1-0 and 0-1 beads.

    The cost of a bead is the relative length mismatch of its two sides plus a penalty for its
    shape (a Gale-Church-like rule without the statistics): good enough to pair a learner's
    sentences with a reference's.
    """
    n, m = len(hyp), len(ref)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    beads = tuple(BEAD_PENALTY)
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for di, dj in beads:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                h = sum(len(s) for s in hyp[i:ni])
                r = sum(len(s) for s in ref[j:nj])
                step = 4.0 * abs(h - r) / max(h, r, 1) + BEAD_PENALTY[(di, dj)]
                if cost[i][j] + step < cost[ni][nj]:
                    cost[ni][nj] = cost[i][j] + step
                    back[ni][nj] = (di, dj)
    pairs = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        pairs.append(
            ([t for s in hyp[i - di : i] for t in s], [t for s in ref[j - dj : j] for t in s])
        )
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


def _metrics(
    chinese: bool, references: Sequence[Sequence[str]] | None = None
) -> tuple[BLEU, CHRF, CHRF]:
    return (
        BLEU(effective_order=True, tokenize="zh" if chinese else "13a", references=references),
        CHRF(references=references),
        CHRF(beta=3, word_order=1, references=references),
    )


@lru_cache(maxsize=4096)
def _with_references(chinese: bool, references: tuple[str, ...]) -> tuple[BLEU, CHRF, CHRF]:
    """Metric objects holding one exercise's references, their n-grams extracted once.

    A one-segment corpus_score on them equals sentence_score (checked in tests/test_scoring.py)
    at about 60% of the cost, since every learner answers against the same references.
    """
    return _metrics(chinese, [[reference] for reference in references])


@cache
def suite_for(target_lang: str) -> MetricSuite:
    return MetricSuite(target_lang)
