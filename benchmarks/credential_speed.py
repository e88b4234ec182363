"""Issuing and verifying Open Badges 3.0 credentials: time per credential.

Issues N course credentials (build + eddsa-rdfc-2022 proof: two RDFC-1.0 canonicalizations,
two SHA-256, one Ed25519 signature) for a six-outcome course, then verifies each one completely
(structure, issuer key from the DID document, signature, validity window, revocation status —
which includes checking the status list credential's own signature). Next to it, in the same
process, the floor: a bare Ed25519 sign and verify of 64 bytes, which is all the cryptography
a credential needs; the rest is canonicalization.

    python benchmarks/credential_speed.py [--count 1000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from transtutor.credentials import (
    Bilingual,
    Bitstring,
    Course,
    CredentialIssuer,
    Issuer,
    KeyStore,
    Learner,
    MicroCredentialElements,
    Outcome,
    OutcomeRecord,
    verify,
)
from transtutor.credentials.canonical import canonicalize

from machine import describe

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _course() -> Course:
    outcomes = tuple(
        Outcome(f"LO{i}", Bilingual(f"Outcome {i} of the course", f"课程学习成果 {i}"), "EQF 6")
        for i in range(1, 7)
    )
    return Course(
        id="itic",
        title=Bilingual(
            "Intelligent Translation and International Communication", "智能翻译与国际传播"
        ),
        description=Bilingual(
            "AI-assisted Chinese-English translation.", "人工智能辅助的汉英翻译。"
        ),
        outcomes=outcomes,
        elements=MicroCredentialElements(
            ects=2.0,
            assessment=Bilingual("Scored exercises", "评分练习"),
            participation=Bilingual("Online", "在线"),
            quality_assurance=Bilingual("Internal QA", "内部质量保证"),
            awarding_body_name="Example University",
            awarding_body_url="https://www.example.edu",
            country="CN",
        ),
        valid_for=timedelta(days=5 * 365),
    )


def _timed(runs: int, action: Callable[[int], Any]) -> list[float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return times


def _line(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{label:<38} total {sum(times):7.2f} s   per item: "
        f"mean {statistics.mean(times) * 1e3:7.3f} ms"
        f"  median {statistics.median(times) * 1e3:7.3f} ms  p95 {p95 * 1e3:7.3f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    count: int = args.count
    print(describe())
    print(", ".join(f"{p} {version(p)}" for p in ("PyLD", "cryptography", "base58")))

    course = _course()
    learners = [
        Learner(
            f"learner-{i:06d}",
            tuple(OutcomeRecord(o.id, 0.85 + (i % 10) / 100, 5 + i % 7) for o in course.outcomes),
        )
        for i in range(count)
    ]
    with tempfile.TemporaryDirectory() as directory:
        issuer = CredentialIssuer(
            Issuer("https://bot.example.edu", "ITIC programme"), KeyStore.open(Path(directory), NOW)
        )
        bits = Bitstring()
        for i in range(0, count, 7):
            bits.set(i)  # some revoked, so verification reads real bits
        status_list = issuer.status_list(bits, NOW)
        resolver = issuer.local_resolver(lambda url: status_list)

        credentials: list[dict[str, Any]] = []
        issue = _timed(
            count,
            lambda i: credentials.append(
                issuer.issue_course_credential(course, learners[i], now=NOW, status_index=i)
            ),
        )
        texts = [json.dumps(c, ensure_ascii=False) for c in credentials]
        verdicts: list[bool] = []
        check = _timed(count, lambda i: verdicts.append(verify(texts[i], resolver, NOW).valid))
        unsigned = {k: v for k, v in credentials[0].items() if k != "proof"}
        canon = _timed(count, lambda i: canonicalize(unsigned))

        key = Ed25519PrivateKey.generate()
        public = key.public_key()
        message = bytes(64)
        signature = key.sign(message)
        bare_sign = _timed(count, lambda i: key.sign(message))
        bare_verify = _timed(count, lambda i: public.verify(signature, message))

    expected_valid = sum(1 for i in range(count) if i % 7)
    size = statistics.mean(len(t.encode()) for t in texts)
    print(f"{count} course credentials, 6 outcomes each, {size / 1024:.1f} KiB of JSON on average")
    print(_line("issue (build + sign)", issue))
    print(_line("verify (incl. status list check)", check))
    print(_line("  one RDFC-1.0 canonicalization", canon))
    print(_line("baseline: bare Ed25519 sign", bare_sign))
    print(_line("baseline: bare Ed25519 verify", bare_verify))
    print(f"verified valid: {sum(verdicts)} (expected {expected_valid}; every 7th is revoked)")
    return 0 if sum(verdicts) == expected_valid else 1


if __name__ == "__main__":
    sys.exit(main())
