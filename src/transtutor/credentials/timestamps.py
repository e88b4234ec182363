"""XML Schema dateTime values as Verifiable Credentials write them (UTC, ``Z``, seconds)."""

from __future__ import annotations

from datetime import UTC, datetime


def format_datetime(moment: datetime) -> str:
    """``2026-12-01T23:05:00Z``; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(text: object) -> datetime | None:
    """The aware datetime of an XSD dateTime with a time zone, or None if it is not one.

    VC 2.0 requires the time zone; a value without one is treated as invalid rather than
    guessed, so validity windows never depend on the verifier's local time.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment
