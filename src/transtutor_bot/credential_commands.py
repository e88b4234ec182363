"""`transtutor verify FILE` and `transtutor keys rotate`: the credential commands.

The issuer is this bot's own: its did:web from TRANSTUTOR_PUBLIC_URL and its keys from
``<data dir>/credential-keys``, the data directory being the database's folder. Status
lists come from the archive when there is one, else from the issuer's public URL.
Private keys are never printed or logged; only key ids and public keys are.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from transtutor_bot.config import Settings, SettingsError

if TYPE_CHECKING:
    from transtutor.credentials import Certification, CredentialIssuer, KeyStore
    from transtutor_web import CredentialArchive, StatusLists

# (The credential and web libraries are imported where used: every other command would
# otherwise load them at start.)

KEY_DIRECTORY = "credential-keys"
MANIFEST = "keys.json"  # transtutor.credentials.keys.MANIFEST
MAX_INPUT = 1_000_000  # transtutor.credentials.verifying.MAX_INPUT
# A status list is ~100 bytes of JSON around a compressed 16 KiB bitstring.
MAX_STATUS_LIST = 1_000_000
FETCH_TIMEOUT = 5.0

# -- the issuer of this bot ---------------------------------------------------------------


def key_directory(settings: Settings) -> Path:
    """``<data dir>/credential-keys``; the data directory is the database's folder (the
    working directory for an in-memory database)."""
    base = Path.cwd() if str(settings.db) == ":memory:" else settings.db.parent
    return base / KEY_DIRECTORY


def open_issuer(settings: Settings, name: str, now: datetime) -> CredentialIssuer:
    """The bot's issuer, for the wiring: keys made on first use (0600), did:web from
    TRANSTUTOR_PUBLIC_URL. SettingsError without a public URL."""
    from transtutor.credentials import CredentialIssuer, Issuer

    if not settings.public_url:
        raise SettingsError("TRANSTUTOR_PUBLIC_URL: required to issue or verify credentials")
    keys = _open_keys(key_directory(settings), now)
    return CredentialIssuer(Issuer(settings.public_url, name), keys)


def _open_keys(directory: Path, now: datetime) -> KeyStore:
    from transtutor.credentials import KeyStore, KeyStoreError

    try:
        return KeyStore.open(directory, now)
    except (KeyStoreError, OSError) as exc:
        # The message names the file, never a key.
        raise SettingsError(f"TRANSTUTOR_DB: the credential keys are unusable: {exc}") from None


def existing_issuer(settings: Settings, now: datetime) -> CredentialIssuer:
    """The issuer whose keys are already there; SettingsError if there are none (a verify
    command must not create keys, nor guess which issuer it speaks for)."""
    directory = key_directory(settings)
    if not settings.public_url:
        raise SettingsError(
            "TRANSTUTOR_PUBLIC_URL: required (the issuer whose credentials are checked, "
            f"with its keys in {directory})"
        )
    if not (directory / MANIFEST).is_file():
        raise SettingsError(
            f"TRANSTUTOR_DB: no credential keys in {directory} (the bot makes them when it "
            "first issues; point TRANSTUTOR_DB at the bot's database)"
        )
    return open_issuer(settings, "", now)


# -- transtutor verify --------------------------------------------------------------------


class _Fetcher:
    """Status lists from the issuer's public URL (its own lists only), short timeout."""

    def __init__(self, lists: StatusLists) -> None:
        self.lists = lists
        self.problems: list[str] = []

    def __call__(self, url: str) -> Mapping[str, Any] | None:
        if self.lists.list_id(url) is None:
            return None  # never fetch an address a file names for another site
        body = self._get(url)
        if body is None:
            return None
        try:
            parsed = json.loads(body)
        except ValueError:
            self.problems.append(f"{url} did not send JSON")
            return None
        return parsed if isinstance(parsed, dict) else None

    def _get(self, url: str) -> bytes | None:
        import httpx

        headers = {"Accept": "application/json"}
        try:
            with (
                httpx.Client(timeout=FETCH_TIMEOUT, follow_redirects=False) as client,
                client.stream("GET", url, headers=headers) as answer,
            ):
                if answer.status_code != 200:
                    self.problems.append(f"{url} answered HTTP {answer.status_code}")
                    return None
                body = b""
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > MAX_STATUS_LIST:
                        self.problems.append(f"{url} sent more than a status list")
                        return None
                return body
        except httpx.HTTPError as exc:
            self.problems.append(f"{url} is not reachable ({type(exc).__name__})")
            return None


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(MAX_INPUT + 1)
    with open(path, "rb") as handle:
        return handle.read(MAX_INPUT + 1)  # the verifier refuses anything larger


def verify_file(
    path: str,
    settings: Settings,
    archive: CredentialArchive | None = None,
    *,
    now: datetime | None = None,
    out: TextIO | None = None,
    fetch: Callable[[StatusLists], Callable[[str], Mapping[str, Any] | None]] | None = None,
) -> int:
    """Check the credential in ``path``; print the verdict; 0 if valid, else 1."""
    from transtutor_web import MemoryArchive, StatusLists, check, gather

    stdout = out or sys.stdout
    moment = now or datetime.now(UTC)
    issuer = existing_issuer(settings, moment)
    try:
        content = _read(path)
    except IsADirectoryError:
        raise SettingsError(f"{path} is a directory, not a credential file") from None
    except PermissionError:
        raise SettingsError(f"{path} is not readable") from None
    lists = StatusLists(issuer, lambda: moment)
    encoded = gather(content, lists, archive or MemoryArchive())
    fetcher = (fetch or _Fetcher)(lists)
    result = check(content, lists, encoded, moment, fallback=fetcher)
    verdict = result.verdict
    if verdict.valid and result.certification is not None:
        print("valid", file=stdout)
        print(verdict.message("en"), file=stdout)
        print(verdict.message("zh"), file=stdout)
        print(describe(result.certification), file=stdout)
        return 0
    print(f"invalid: {verdict.reason.value}", file=stdout)
    print(verdict.message("en"), file=stdout)
    print(verdict.message("zh"), file=stdout)
    for problem in getattr(fetcher, "problems", []):
        print(f"status list: {problem}", file=stdout)
    return 1


def describe(certification: Certification) -> str:
    """What a valid credential certifies, as plain lines for the terminal."""
    c = certification
    lines = [
        f"credential: {c.name_en}" + (f" / {c.name_zh}" if c.name_zh else ""),
        f"type: {c.achievement_type or '-'}",
        f"id: {c.credential_id}",
        f"issuer: {c.issuer_name} ({c.issuer_id})" if c.issuer_name else f"issuer: {c.issuer_id}",
    ]
    if c.holder_name:
        lines.append(f"holder: {c.holder_name}")
    lines.append(f"valid from {c.valid_from} until {c.valid_until or 'no end date'}")
    if c.ects is not None:
        lines.append(f"ECTS credits: {c.ects:g}")
    lines.append("outcomes:")
    for o in c.outcomes:
        mastery = f"{o.mastery_percent} %" if o.mastery_percent else "-"
        title = o.title_en + (f" / {o.title_zh}" if o.title_zh else "")
        lines.append(f"  {o.id}  {o.level or '-'}  {mastery}  {title}")
    return "\n".join(lines)


# -- transtutor keys rotate ---------------------------------------------------------------


def rotate_keys(
    settings: Settings, *, now: datetime | None = None, out: TextIO | None = None
) -> int:
    """Make a new current key; print its id and the ids the DID document keeps."""
    stdout = out or sys.stdout
    directory = key_directory(settings)
    if not (directory / MANIFEST).is_file():
        raise SettingsError(
            f"TRANSTUTOR_DB: no credential keys in {directory} to rotate (the bot makes the "
            "first one when it first issues)"
        )
    keys = _open_keys(directory, now or datetime.now(UTC))
    old = keys.current_id
    try:
        record = keys.rotate(now or datetime.now(UTC))
    except OSError as exc:
        raise SettingsError(
            f"TRANSTUTOR_DB: cannot write a new key in {directory}: {exc}"
        ) from None
    kept = [r.key_id for r in keys.records()]
    print(f"new signing key {record.key_id} (was {old}) in {directory}", file=stdout)
    print(
        f"the DID document lists {len(kept)} keys: {', '.join(kept)}; credentials signed "
        "with the old ones stay verifiable. Restart the bot to sign with the new key.",
        file=stdout,
    )
    return 0
