"""The one way an AI call fails: AiUnavailable(reason), and a line for the learner per reason.

Whatever goes wrong (no provider, the provider down, slow, rate limiting us, answering
nonsense, the learner's own limit or opt-out), the caller gets one exception type and falls
back to the offline behaviour with one line from `learner_line`.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    not_configured = "not_configured"
    disabled_by_user = "disabled_by_user"
    daily_limit = "daily_limit"
    circuit_open = "circuit_open"
    busy = "busy"  # every slot taken for longer than the caller would wait
    rate_limited = "rate_limited"  # 429, also after the bounded retries
    timeout = "timeout"
    refused_connection = "refused_connection"
    server_error = "server_error"  # 5xx after the bounded retries
    rejected = "rejected"  # another 4xx: a wrong key, model or request
    bad_response = "bad_response"  # not the JSON of a chat completion, or unusable content


LEARNER_LINES: dict[Reason, dict[str, str]] = {
    Reason.not_configured: {
        "en": "AI assistance is not set up on this bot; the administrator can enable it "
        "(TRANSTUTOR_AI_URL, see the README). Your answers are scored as usual.",
        "zh": "本机器人未启用 AI 辅助，管理员可以开启（TRANSTUTOR_AI_URL，见 README）。"
        "你的答案照常评分。",
    },
    Reason.disabled_by_user: {
        "en": "You turned AI assistance off; /ai on turns it back on.",
        "zh": "你已关闭 AI 辅助；发送 /ai on 可重新开启。",
    },
    Reason.daily_limit: {
        "en": "You have used today's AI requests; more tomorrow. Scoring works as usual.",
        "zh": "今天的 AI 请求次数已用完，明天可以继续。评分照常进行。",
    },
    Reason.circuit_open: {
        "en": "The AI service is failing at the moment, so it is paused for a few minutes.",
        "zh": "AI 服务目前出现故障，已暂停几分钟。",
    },
    Reason.busy: {
        "en": "The AI service is busy with other learners' requests; try again in a minute.",
        "zh": "AI 服务正忙于处理其他同学的请求，请一分钟后再试。",
    },
    Reason.rate_limited: {
        "en": "The AI service is receiving too many requests; try again in a few minutes.",
        "zh": "AI 服务请求过多，请几分钟后再试。",
    },
    Reason.timeout: {
        "en": "The AI service took too long to answer; try again later.",
        "zh": "AI 服务响应超时，请稍后再试。",
    },
    Reason.refused_connection: {
        "en": "The AI service cannot be reached right now; try again later.",
        "zh": "目前无法连接 AI 服务，请稍后再试。",
    },
    Reason.server_error: {
        "en": "The AI service had an internal error; try again later.",
        "zh": "AI 服务出现内部错误，请稍后再试。",
    },
    Reason.rejected: {
        "en": "The AI service refused the request; the administrator has been told in the log.",
        "zh": "AI 服务拒绝了请求，管理员可在日志中查看原因。",
    },
    Reason.bad_response: {
        "en": "The AI service gave an answer that could not be used; try again later.",
        "zh": "AI 服务返回的内容无法使用，请稍后再试。",
    },
}


def learner_line(reason: Reason, lang: str) -> str:
    """The one line a learner sees for this reason, in English or Chinese (zh*)."""
    lines = LEARNER_LINES[reason]
    return lines["zh"] if lang.lower().startswith("zh") else lines["en"]


class AiUnavailable(Exception):
    """An AI call that gave nothing usable. `reason` says why; `detail` is a short line for
    the operator's log (an HTTP status, an exception class): never the key, never user text."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)

    def line(self, lang: str) -> str:
        return learner_line(self.reason, lang)
