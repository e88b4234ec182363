"""`transtutor verify FILE` and `transtutor keys rotate` as real processes, with the status
list served by the real web server on a loopback port."""

from __future__ import annotations

import asyncio
import copy
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli_process import run
from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import CredentialIssuer, Issuer, KeyStore
from transtutor.credentials import keys as core_keys
from transtutor.credentials import verifying as core_verifying
from transtutor.infra.dblock import DatabaseLock
from transtutor_bot import credential_commands
from transtutor_web import MemoryArchive, RunningWeb, start_web

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Web:
    public_url: str | None
    web_host: str
    web_port: int


@dataclass
class Site:
    """An issuer at a loopback URL, its keys where `transtutor` looks for them, a credential."""

    db: Path
    env: dict[str, str]
    issuer: CredentialIssuer
    archive: MemoryArchive
    credential: dict[str, Any]
    settings: Web

    def write(self, name: str, content: object) -> Path:
        path = self.db.parent / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
        return path


async def verify(site: Site, path: Path | str) -> Any:
    # In a thread: the server answering the process runs on this test's event loop.
    return await asyncio.to_thread(run, "verify", str(path), env=site.env)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    db = tmp_path / "transtutor.db"
    keys = KeyStore.open(tmp_path / "credential-keys", NOW)
    issuer = CredentialIssuer(Issuer(url, ISSUER.name), keys)
    archive = MemoryArchive()
    archive.status_bits()
    credential = issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=5)
    archive.add(credential)
    env = {"TRANSTUTOR_DB": str(db), "TRANSTUTOR_PUBLIC_URL": url, "NO_PROXY": "127.0.0.1"}
    return Site(db, env, issuer, archive, credential, Web(url, "127.0.0.1", port))


@pytest.fixture
async def served(site: Site) -> AsyncIterator[RunningWeb]:
    running = await start_web(site.settings, site.issuer, site.archive)
    yield running
    await running.stop()


async def test_valid_credential_prints_valid_and_what_it_certifies(
    site: Site, served: RunningWeb
) -> None:
    done = await verify(site, site.write("credential.json", site.credential))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "valid"
    assert lines[2] == "有效：真实、未被篡改、未被撤销，且在有效期内。"
    assert (
        "credential: Intelligent Translation and International Communication / 智能翻译与国际传播"
        in lines
    )
    assert "  LO1  EQF 6  86 %  Translate specialised texts accurately / 准确翻译专业文本" in lines
    assert "ECTS credits: 2" in lines
    assert done.stderr == ""


async def test_standard_input(site: Site, served: RunningWeb) -> None:
    done = await asyncio.to_thread(
        run, "verify", "-", env=site.env, stdin=json.dumps(site.credential)
    )
    assert done.returncode == 0 and done.stdout.startswith("valid\n")


async def test_tampered_revoked_and_foreign_are_rejected_with_their_reason(
    site: Site, served: RunningWeb, tmp_path: Path
) -> None:
    changed = copy.deepcopy(site.credential)
    changed["credentialSubject"]["result"][1]["value"] = "99"
    done = await verify(site, site.write("changed.json", changed))
    assert done.returncode == 1
    assert done.stdout.splitlines()[:3] == [
        "invalid: tampered",
        "The credential was changed after it was signed: the signature does not match the content",
        "凭证在签发后被修改过：the signature does not match the content",
    ]
    other = CredentialIssuer(
        Issuer("https://elsewhere.example.org", "Elsewhere"), KeyStore.open(tmp_path / "o", NOW)
    )
    foreign = other.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=1)
    done = await verify(site, site.write("foreign.json", foreign))
    assert done.returncode == 1 and done.stdout.startswith("invalid: unknown_issuer_key\n")
    site.archive.revoke(5)
    done = await verify(site, site.write("credential.json", site.credential))
    assert done.returncode == 1 and done.stdout.startswith("invalid: revoked\n")
    assert "凭证已被发证机构撤销" in done.stdout


async def test_expired(site: Site, served: RunningWeb) -> None:
    long_ago = datetime(2019, 3, 1, tzinfo=UTC)
    old = site.issuer.issue_course_credential(COURSE, LEARNER, now=long_ago, status_index=6)
    done = await verify(site, site.write("old.json", old))
    assert done.returncode == 1 and done.stdout.startswith("invalid: expired\n")
    assert "valid until 2024-" in done.stdout


async def test_status_list_unreachable(site: Site) -> None:
    done = await verify(site, site.write("credential.json", site.credential))
    assert done.returncode == 1
    assert done.stdout.startswith("invalid: status_unavailable\n")
    assert f"status list: {site.settings.public_url}/status/revocation-1 is not reachable" in (
        done.stdout
    )
    assert "Traceback" not in done.stderr


def test_bad_files_get_a_reason_never_a_traceback(site: Site) -> None:
    whole = json.dumps(site.credential)
    cases = {
        "truncated.json": (whole[:-40].encode(), "not_json"),
        "text.json": (b"this is my diploma", "not_json"),
        "binary.json": (bytes(range(256)), "not_json"),
        "array.json": (b"[]", "not_a_credential"),
        "nested.json": (b"[" * 200_000, "malformed"),
        "huge.json": (b'{"x": "' + b"a" * 2_000_000 + b'"}', "malformed"),
        "noproof.json": (
            json.dumps({k: v for k, v in site.credential.items() if k != "proof"}).encode(),
            "malformed",
        ),
    }
    for name, (content, reason) in cases.items():
        done = run("verify", str(site.write(name, content)), env=site.env)
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        assert done.stdout.startswith(f"invalid: {reason}\n"), (name, done.stdout)
        assert done.stderr == "", (name, done.stderr)


def test_missing_file_directory_and_missing_settings(site: Site, tmp_path: Path) -> None:
    missing = run("verify", str(tmp_path / "nope.json"), env=site.env)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    folder = run("verify", str(tmp_path), env=site.env)
    assert folder.returncode == 2 and "is a directory" in folder.stderr
    path = str(site.write("credential.json", site.credential))
    no_url = run("verify", path, env={"TRANSTUTOR_DB": str(site.db)})
    assert no_url.returncode == 2
    assert no_url.stderr.startswith("configuration error: TRANSTUTOR_PUBLIC_URL: required")
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    no_keys = run("verify", path, env={**site.env, "TRANSTUTOR_DB": str(elsewhere / "t.db")})
    assert no_keys.returncode == 2 and "no credential keys in" in no_keys.stderr
    assert not (elsewhere / "credential-keys").exists()  # verify never makes keys
    bad_url = run("verify", path, env={**site.env, "TRANSTUTOR_PUBLIC_URL": "http://bot.example"})
    assert bad_url.returncode == 2 and "TRANSTUTOR_PUBLIC_URL" in bad_url.stderr


async def test_keys_rotate_keeps_old_credentials_verifiable(site: Site, served: RunningWeb) -> None:
    first = site.issuer.keys.current_id
    keys_dir = site.db.parent / "credential-keys"
    done = run("keys", "rotate", env={"TRANSTUTOR_DB": str(site.db)})
    assert done.returncode == 0, done.stderr
    manifest = json.loads((keys_dir / "keys.json").read_text("utf-8"))
    new = manifest["current"]
    assert new != first and [k["id"] for k in manifest["keys"]] == [first, new]
    assert done.stdout.startswith(f"new signing key {new} (was {first})")
    assert "PRIVATE" not in done.stdout + done.stderr
    assert not (keys_dir / f"{first}.pem").exists() and (keys_dir / f"{new}.pem").exists()
    assert (keys_dir / f"{new}.pem").stat().st_mode & 0o777 == 0o600
    # Signed with the first key, checked against the DID document that now lists both.
    again = await verify(site, site.write("credential.json", site.credential))
    assert again.returncode == 0, again.stdout
    # And a credential signed with the new key verifies too.
    rotated = CredentialIssuer(site.issuer.facts, KeyStore.open(keys_dir, NOW))
    fresh = rotated.issue_outcome_badge(COURSE, "LO2", LEARNER, now=NOW, status_index=9)
    assert fresh["proof"][0]["verificationMethod"].endswith(new)
    later = await verify(site, site.write("fresh.json", fresh))
    assert later.returncode == 0, later.stdout


def test_keys_rotate_refuses_without_keys_or_while_the_bot_runs(site: Site, tmp_path: Path) -> None:
    empty = tmp_path / "fresh"
    empty.mkdir()
    none = run("keys", "rotate", env={"TRANSTUTOR_DB": str(empty / "t.db")})
    assert none.returncode == 2 and "no credential keys in" in none.stderr
    with DatabaseLock(site.db):
        busy = run("keys", "rotate", env={"TRANSTUTOR_DB": str(site.db)})
    assert busy.returncode == 2 and "in use by another transtutor process" in busy.stderr
    keys = json.loads((site.db.parent / "credential-keys" / "keys.json").read_text("utf-8"))
    assert len(keys["keys"]) == 1
    assert run("keys").returncode == 2  # an action is required


def test_constants_mirror_the_core() -> None:
    # Copied so `transtutor` starts without loading the credential libraries.
    assert credential_commands.MANIFEST == core_keys.MANIFEST
    assert credential_commands.MAX_INPUT == core_verifying.MAX_INPUT


def test_archive_lists_are_used_before_the_network(site: Site) -> None:
    """In-process: with an archive, no fetch is made (the wiring passes the store's)."""
    from io import StringIO

    from transtutor_bot.config import Settings

    settings = Settings(db=site.db, public_url=site.settings.public_url)
    path = site.write("credential.json", site.credential)

    def no_network(lists: object) -> Any:
        def refuse(url: str) -> None:
            raise AssertionError(f"fetched {url}")

        return refuse

    out = StringIO()
    code = credential_commands.verify_file(
        str(path), settings, site.archive, now=NOW + timedelta(days=1), out=out, fetch=no_network
    )
    assert code == 0 and out.getvalue().startswith("valid\n")
    site.archive.revoke(5)
    out = StringIO()
    code = credential_commands.verify_file(
        str(path), settings, site.archive, now=NOW + timedelta(days=1), out=out, fetch=no_network
    )
    assert code == 1 and out.getvalue().startswith("invalid: revoked\n")


def test_unusable_keys_are_one_line_not_a_traceback(site: Site) -> None:
    (site.db.parent / "credential-keys" / "keys.json").write_text("{not json", "utf-8")
    path = str(site.write("credential.json", site.credential))
    for args in (("verify", path), ("keys", "rotate")):
        done = run(*args, env=site.env)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("configuration error: TRANSTUTOR_DB: the credential keys")
        assert "Traceback" not in done.stderr
