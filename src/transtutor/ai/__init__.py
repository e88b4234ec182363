"""AI assistance through an OpenAI-compatible provider: optional, private, never blocking.

Plain Python (httpx, no aiogram, no SQL). The wiring builds one `Provider` per process from
`settings_from_env()` and hands it to the uses: `draft` (MT drafts at import), `explain`
(/explain), `second_opinion` with `agreement` (the judge). Every failure is one
`AiUnavailable(reason)`; `learner_line(reason, lang)` is what the learner reads.

Only texts are sent (source, the learner's answer, references, the detected errors), never a
name or an id: the `learner` argument is an opaque key for the opt-out and the daily limit.
"""

from transtutor.ai.breaker import CircuitBreaker, State
from transtutor.ai.client import Completion, Provider, ProviderStats, RetryPolicy, retry_after
from transtutor.ai.drafts import Draft, draft, draft_prompt, parse_draft
from transtutor.ai.explain import Explanation, explain, explain_prompt, labelled
from transtutor.ai.judge import (
    Agreement,
    JudgedError,
    Judgement,
    ParsedJudgement,
    agreement,
    canonical_category,
    judge_prompt,
    parse_judgement,
    second_opinion,
)
from transtutor.ai.limits import MemoryOptOuts, MemoryUsage, OptOuts, UsageCounter
from transtutor.ai.outcome import LEARNER_LINES, AiUnavailable, Reason, learner_line
from transtutor.ai.settings import AiSettings, AiSettingsError, settings_from_env

__all__ = [
    "LEARNER_LINES",
    "Agreement",
    "AiSettings",
    "AiSettingsError",
    "AiUnavailable",
    "CircuitBreaker",
    "Completion",
    "Draft",
    "Explanation",
    "JudgedError",
    "Judgement",
    "MemoryOptOuts",
    "MemoryUsage",
    "OptOuts",
    "ParsedJudgement",
    "Provider",
    "ProviderStats",
    "Reason",
    "RetryPolicy",
    "State",
    "UsageCounter",
    "agreement",
    "canonical_category",
    "draft",
    "draft_prompt",
    "explain",
    "explain_prompt",
    "judge_prompt",
    "labelled",
    "learner_line",
    "parse_draft",
    "parse_judgement",
    "retry_after",
    "second_opinion",
    "settings_from_env",
]
