"""The offline scorer's errors as the AI uses see them: a DetectedError, or its stored record
(a ScoreResult's `errors`), read into one shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from transtutor.scoring.comparison import DetectedError, Severity

Finding = DetectedError | Mapping[str, Any]
SEVERITIES: tuple[Severity, ...] = ("critical", "major", "minor")


def as_detected(finding: Finding) -> DetectedError:
    if isinstance(finding, DetectedError):
        return finding
    severity = str(finding.get("severity", "minor"))
    return DetectedError(
        kind=str(finding.get("kind", "")),
        category=str(finding.get("category", "Other")),
        severity=severity if severity in SEVERITIES else "minor",
        found=str(finding.get("found") or ""),
        expected=str(finding.get("expected") or ""),
        source=str(finding.get("source") or ""),
        punctuation=str(finding.get("category", "")) == "Fluency/Punctuation",
    )


def as_detected_list(findings: Sequence[Finding]) -> list[DetectedError]:
    return [as_detected(f) for f in findings]
