"""sacrebleu metrics, configured per target language and built once.

- BLEU: sentence BLEU with effective order (an exact Chinese match would otherwise score 0),
  tokenizer `zh` for Chinese targets, `13a` otherwise.
- chrF: sacrebleu defaults (character 6-grams, beta 2), shown to learners.
- adequacy: chrF+ with word unigrams and beta 3 (recall weighted), the basis of the overall
  score: on the development data it agrees best with expert MQM ratings (see README).
- TER: `normalized=True, asian_support=True` for Chinese targets. sacrebleu's shift search
  grows super-linearly with length, so texts longer than LONG_TOKENS are scored sentence by
  sentence (see `ter`), keeping a 250-word answer in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.metrics.ter import TER

from transtutor.scoring.text import sentences

LONG_TOKENS = 40  # above this, sacrebleu's TER shift search is no longer cheap


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
        self.bleu = BLEU(effective_order=True, tokenize="zh" if chinese else "13a")
        self.chrf = CHRF()
        self.adequacy = CHRF(beta=3, word_order=1)
        self.ter_metric = TER(normalized=chinese, asian_support=chinese)
        self.signatures = {
            "bleu": _signature(self.bleu),
            "chrf": _signature(self.chrf),
            "adequacy": _signature(self.adequacy),
            "ter": _signature(self.ter_metric) + f"|long:sentence-aligned>{LONG_TOKENS}",
        }

    def score(self, hypothesis: str, references: list[str]) -> MetricValues:
        return MetricValues(
            bleu=self.bleu.sentence_score(hypothesis, references).score,
            chrf=self.chrf.sentence_score(hypothesis, references).score,
            ter=self.ter(hypothesis, references),
            adequacy=self.adequacy.sentence_score(hypothesis, references).score,
        )

    def ter(self, hypothesis: str, references: list[str]) -> float:
        """TER in 0..100+, as sacrebleu's for texts up to LONG_TOKENS tokens.

        Longer texts are split into sentences and aligned with each reference's sentences
        in order; each aligned pair is scored by sacrebleu's TER (or, for a pair still over
        LONG_TOKENS, by word edit distance without shifts, an upper bound). Edits are summed
        over pairs and divided by the reference length, with sacrebleu's multi-reference rule
        (fewest edits, mean reference length). Shifts cannot cross sentence boundaries, so
        this is never below sacrebleu's TER by more than its own search approximation.
        """
        tokenize = self.ter_metric.tokenizer
        hyp_tokens = tokenize(hypothesis.rstrip()).split()
        ref_tokens = [tokenize(r.rstrip()).split() for r in references]
        if max([len(hyp_tokens), *map(len, ref_tokens)]) <= LONG_TOKENS:
            return float(self.ter_metric.sentence_score(hypothesis, references).score)
        best_edits, total_ref = float("inf"), 0.0
        hyp_sentences = [tokenize(s).split() for s in sentences(hypothesis)]
        for reference, tokens in zip(references, ref_tokens, strict=True):
            ref_sentences = [tokenize(s).split() for s in sentences(reference)]
            edits = sum(
                self._pair_edits(h, r) for h, r in align_sentences(hyp_sentences, ref_sentences)
            )
            best_edits = min(best_edits, edits)
            total_ref += len(tokens)
        mean_ref = total_ref / len(references)
        if mean_ref == 0:
            return 100.0 if best_edits else 0.0
        return 100.0 * best_edits / mean_ref

    def _pair_edits(self, hyp: list[str], ref: list[str]) -> float:
        if not hyp or not ref:
            return float(max(len(hyp), len(ref)))
        if max(len(hyp), len(ref)) <= LONG_TOKENS:
            return float(_sacrebleu_edits(self.ter_metric, " ".join(hyp), " ".join(ref)))
        return float(word_edit_distance(hyp, ref))


def _signature(metric: BLEU | CHRF | TER) -> str:
    # sacrebleu only knows its signature after one evaluation (it records the reference count).
    metric.sentence_score("a", ["a"])
    return str(metric.get_signature()).replace("nrefs:1", "nrefs:var")


def _sacrebleu_edits(metric: TER, hyp: str, ref: str) -> float:
    result = metric.sentence_score(hyp, [ref])
    return float(result.num_edits)


def word_edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance over tokens (insert, delete, substitute each cost 1)."""
    previous = list(range(len(b) + 1))
    for i, token in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (token != other))
            )
        previous = current
    return previous[-1]


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


@cache
def suite_for(target_lang: str) -> MetricSuite:
    return MetricSuite(target_lang)
