"""The verification web app through aiohttp's test client: DID document, status lists,
credential pages and /verify, with good and bad input."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import CredentialIssuer, Issuer, KeyStore, verify
from transtutor_web import MemoryArchive, credential_page_url, make_web_app

LATER = NOW + timedelta(hours=1)


class World:
    """An issuer with two published credentials (one revocable), and the archive."""

    def __init__(self, directory: Path) -> None:
        self.keys = KeyStore.open(directory / "credential-keys", NOW)
        self.issuer = CredentialIssuer(ISSUER, self.keys)
        self.archive = MemoryArchive()
        self.archive.status_bits()  # an empty list, as the store keeps from the first award
        self.credential = self.issuer.issue_course_credential(
            COURSE, LEARNER, now=NOW, status_index=7
        )
        self.archive.add(self.credential)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


@pytest.fixture
async def client(world: World) -> AsyncIterator[TestClient[Any, Any]]:
    app = make_web_app(world.issuer, world.archive, clock=lambda: LATER)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def page_of(credential: Mapping[str, Any]) -> str:
    url = credential_page_url(ISSUER, str(credential["id"]))
    assert url and url.startswith(ISSUER.base)
    return url[len(ISSUER.base) :]


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, entities read, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def post_file(client: TestClient[Any, Any], content: bytes, name: str = "c.json") -> Any:
    form = FormData()
    form.add_field("file", content, filename=name, content_type="application/json")
    form.add_field("json", "")
    return await client.post("/verify", data=form)


# -- the issuer's DID document and status lists --------------------------------------------


async def test_did_document_lists_every_key_rotated_ones_too(
    client: TestClient[Any, Any], world: World
) -> None:
    first = world.keys.current_id
    response = await client.get("/.well-known/did.json")
    assert response.status == 200
    document = await response.json()
    assert document["id"] == "did:web:bot.example.edu"
    assert [m["id"] for m in document["verificationMethod"]] == [f"{world.issuer.did}#{first}"]
    world.keys.rotate(LATER)
    document = await (await client.get("/.well-known/did.json")).json()
    ids = [m["id"].split("#")[1] for m in document["verificationMethod"]]
    assert ids == [world.keys.current_id, first]
    assert len(document["assertionMethod"]) == 2
    assert "PRIVATE" not in json.dumps(document)
    # Signed before the rotation, still valid on its page.
    page = await (await client.get(page_of(world.credential))).text()
    assert 'data-reason="valid"' in page


async def test_status_list_is_served_signed_at_the_url_credentials_name(
    client: TestClient[Any, Any], world: World
) -> None:
    url = world.credential["credentialStatus"]["statusListCredential"]
    assert url == ISSUER.status_list_url()
    response = await client.get(url[len(ISSUER.base) :])
    assert response.status == 200
    listed = await response.json()
    assert listed["id"] == url and "BitstringStatusListCredential" in listed["type"]
    # The list is itself a credential of the issuer, valid by the core's own checks.
    resolver = world.issuer.local_resolver(lambda _: None)
    assert verify(listed, resolver, LATER).valid
    again = await (await client.get("/status/revocation-1")).json()
    assert again == listed  # cached: re-signed only when a bit changes
    world.archive.revoke(7)
    changed = await (await client.get("/status/revocation-1")).json()
    assert changed["credentialSubject"]["encodedList"] != listed["credentialSubject"]["encodedList"]


@pytest.mark.parametrize("path", ["/status/revocation-9", "/status/..%2Fetc", "/status/a%20b"])
async def test_unknown_status_lists_are_404_pages(client: TestClient[Any, Any], path: str) -> None:
    response = await client.get(path)
    assert response.status == 404
    assert "未找到" in await response.text()


# -- a credential's public page --------------------------------------------------------------


async def test_credential_page_shows_verdict_and_what_it_certifies_in_both_languages(
    client: TestClient[Any, Any], world: World
) -> None:
    response = await client.get(page_of(world.credential))
    assert response.status == 200
    assert response.content_type == "text/html"
    seen = text_of(await response.text())
    assert "Valid · 有效" in seen
    assert "Authentic: signed with one of the issuer's keys: yes" in seen
    assert "Intelligent Translation and International Communication" in seen
    assert "智能翻译与国际传播" in seen
    assert "LO1 Translate specialised texts accurately 准确翻译专业文本 EQF 6 86 %" in seen
    assert "LO2 Use domain terminology consistently 一致地使用领域术语 EQF 6 91 %" in seen
    assert "ITIC micro-credential programme" in seen and "2031-11-30T12:00:00Z" in seen


async def test_revoked_credential_page_says_so_and_still_shows_its_content(
    client: TestClient[Any, Any], world: World
) -> None:
    world.archive.revoke(7)
    page = await (await client.get(page_of(world.credential))).text()
    seen = text_of(page)
    assert 'data-reason="revoked"' in page
    assert "Not valid · 无效" in seen
    assert "The credential was revoked by its issuer" in seen and "凭证已被发证机构撤销" in seen
    assert "Not revoked by its issuer: no" in seen
    assert "is not valid now" in seen and "LO1" in seen


async def test_expired_credential_page(world: World) -> None:
    app = make_web_app(world.issuer, world.archive, clock=lambda: NOW + timedelta(days=365 * 6))
    async with TestClient(TestServer(app)) as client:
        page = await (await client.get(page_of(world.credential))).text()
    assert 'data-reason="expired"' in page and "凭证已过期" in page


async def test_forgotten_and_unknown_credentials_are_404(
    client: TestClient[Any, Any], world: World
) -> None:
    path = page_of(world.credential)
    world.archive.forget(str(world.credential["id"]))
    for address in (path, "/credentials/00000000-0000-0000-0000-000000000000", "/credentials/%3C"):
        response = await client.get(address)
        assert response.status == 404
        seen = text_of(await response.text())
        assert "holder had it removed" in seen or "no page" in seen


async def test_everything_from_a_credential_is_escaped(tmp_path: Path) -> None:
    world = World(tmp_path)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    learner = replace(LEARNER, display_name=hostile)
    credential = world.issuer.issue_course_credential(COURSE, learner, now=NOW, status_index=8)
    world.archive.add(credential)
    app = make_web_app(world.issuer, world.archive, clock=lambda: LATER)
    async with TestClient(TestServer(app)) as client:
        page = await (await client.get(page_of(credential))).text()
        checked = await (await post_file(client, json.dumps(credential).encode())).text()
    for html in (page, checked):
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# -- /verify -----------------------------------------------------------------------------


async def test_verify_form_works_without_script_and_loads_nothing_from_elsewhere(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get("/verify")
    assert response.status == 200
    page = await response.text()
    assert '<form method="post" action="/verify" enctype="multipart/form-data">' in page
    assert '<label for="file">' in page and '<label for="json">' in page
    assert "<script" not in page and "src=" not in page and "http" not in page.split("<body>")[1]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    home = await client.get("/", allow_redirects=False)
    assert home.status == 302 and home.headers["Location"] == "/verify"


async def test_uploaded_valid_credential(client: TestClient[Any, Any], world: World) -> None:
    response = await post_file(client, json.dumps(world.credential).encode())
    assert response.status == 200
    page = await response.text()
    seen = text_of(page)
    assert 'data-reason="valid"' in page
    assert "Valid: authentic, unaltered, not revoked and within its validity." in seen
    assert "有效：真实、未被篡改、未被撤销，且在有效期内。" in seen
    for check in ("authentic", "unaltered", "in_validity", "not_revoked"):
        assert f'data-check="{check}" data-result="pass"' in page
    assert "LO2 Use domain terminology consistently 一致地使用领域术语 EQF 6 91 %" in seen


async def test_pasted_credential_with_bom_and_crlf_is_read(
    client: TestClient[Any, Any], world: World
) -> None:
    text = json.dumps(world.credential, indent=2, ensure_ascii=False).replace("\n", "\r\n")
    response = await post_file(client, b"\xef\xbb\xbf" + text.encode())
    assert 'data-reason="valid"' in await response.text()
    pasted = await client.post("/verify", data={"json": text})
    assert 'data-reason="valid"' in await pasted.text()


def tampered(credential: Mapping[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(dict(credential))
    changed["credentialSubject"]["result"][0]["value"] = "100"
    return changed


async def test_bad_credentials_get_their_reason(
    client: TestClient[Any, Any], world: World, tmp_path: Path
) -> None:
    foreign_issuer = CredentialIssuer(
        Issuer("https://other.example.org", "Another programme"),
        KeyStore.open(tmp_path / "other-keys", NOW),
    )
    foreign = foreign_issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=1)
    whole = json.dumps(world.credential)
    no_proof = {k: v for k, v in world.credential.items() if k != "proof"}
    cases: list[tuple[bytes, str, str]] = [
        (json.dumps(tampered(world.credential)).encode(), "tampered", "凭证在签发后被修改过"),
        (json.dumps(foreign).encode(), "unknown_issuer_key", "签名密钥不属于该发证机构"),
        (whole[: len(whole) // 2].encode(), "not_json", "这不是 JSON 数据"),
        (b"hello, I am not a credential", "not_json", "这不是 JSON 数据"),
        (b"\xff\xfe\x00garbage", "not_json", "这不是 JSON 数据"),
        (b"[1, 2, 3]", "not_a_credential", "这不是 Open Badges 3.0 凭证"),
        (json.dumps({"name": "a badge"}).encode(), "not_a_credential", "这不是 Open Badges 3.0"),
        (json.dumps(no_proof).encode(), "malformed", "凭证格式不正确"),
        (b"[" * 100_000, "malformed", "凭证格式不正确"),
    ]
    for content, reason, chinese in cases:
        response = await post_file(client, content)
        page = await response.text()
        assert response.status == 200, reason
        assert f'data-reason="{reason}"' in page, (reason, text_of(page)[:400])
        assert "Not valid · 无效" in text_of(page) and chinese in page
        assert "Traceback" not in page


async def test_revoked_credential_uploaded(client: TestClient[Any, Any], world: World) -> None:
    world.archive.revoke(7)
    page = await (await post_file(client, json.dumps(world.credential).encode())).text()
    assert 'data-reason="revoked"' in page
    assert 'data-check="unaltered" data-result="pass"' in page
    assert 'data-check="not_revoked" data-result="fail"' in page


async def test_a_list_the_archive_lacks_means_status_unavailable(world: World) -> None:
    archive = MemoryArchive()  # the credential's list was never published
    archive.add(world.credential)
    app = make_web_app(world.issuer, archive, clock=lambda: LATER)
    async with TestClient(TestServer(app)) as client:
        page = await (await post_file(client, json.dumps(world.credential).encode())).text()
    assert 'data-reason="status_unavailable"' in page
    assert 'data-check="not_revoked" data-result="open"' in page


async def test_huge_upload_is_refused_with_a_clear_page(client: TestClient[Any, Any]) -> None:
    response = await post_file(client, b'{"a": "' + b"x" * 400_000 + b'"}')
    assert response.status == 413
    seen = text_of(await response.text())
    assert "The file is larger than 256 KiB" in seen and "文件超过 256 KiB" in seen
    assert "<form" in await response.text()  # the visitor can try again at once


async def test_empty_submission(client: TestClient[Any, Any]) -> None:
    response = await client.post("/verify", data={"json": "   "})
    assert response.status == 400
    assert "Nothing was submitted" in await response.text()
    raw = await client.post("/verify", data=b"", headers={"Content-Type": "text/plain"})
    assert raw.status == 400


async def test_json_body_gets_a_json_verdict(client: TestClient[Any, Any], world: World) -> None:
    good = await client.post("/verify", json=world.credential)
    assert (await good.json())["valid"] is True
    bad = await client.post("/verify", json=tampered(world.credential))
    answer = await bad.json()
    assert answer["valid"] is False and answer["reason"] == "tampered"
    assert answer["message"]["zh"].startswith("凭证在签发后被修改过")


async def test_wrong_method_and_unknown_page(client: TestClient[Any, Any]) -> None:
    response = await client.put("/verify")
    assert response.status == 405 and "Allow" in response.headers
    assert "<!DOCTYPE html>" in await response.text()
    missing = await client.get("/nothing-here")
    assert missing.status == 404 and "Traceback" not in await missing.text()


class BrokenArchive(MemoryArchive):
    def credential(self, credential_id: str) -> Mapping[str, Any] | None:
        raise OSError("disk on fire")


async def test_a_failing_archive_is_a_plain_page_not_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_web_app(world.issuer, BrokenArchive(), clock=lambda: LATER)
    async with TestClient(TestServer(app)) as client:
        response = await client.get(page_of(world.credential))
        page = await response.text()
    assert response.status == 500
    assert "disk on fire" not in page and "Traceback" not in page
    assert "服务器暂时无法处理此请求" in page
    assert "web request GET" in caplog.text


async def test_vocabulary_page_explains_every_extension_term(client: TestClient[Any, Any]) -> None:
    from transtutor.credentials.building import extension_context
    from transtutor_web.pages import TERMS

    terms = [t for t in extension_context(ISSUER) if t != "tt"]
    assert sorted(terms) == sorted(TERMS)  # a new term needs its explanation
    response = await client.get("/ns/credentials")
    assert response.status == 200
    page = await response.text()
    for term in terms:
        assert f'<dt id="{term}">' in page
        assert f"{ISSUER.base}/ns/credentials#{term}" in page
    assert "ECTS" in page and "学分" in page


async def test_too_large_json_body_gets_a_json_answer(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/verify", data=b"[" + b"1," * 200_000 + b"1]", headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    assert (await response.json())["reason"] == "too_large"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n\r\n"),
        ("multipart/form-data", b"no boundary at all"),
        ("application/x-www-form-urlencoded", b"json=%ZZ%%&&=="),
        ("application/x-www-form-urlencoded", "json=\udcff".encode("utf-8", "surrogatepass")),
        ("text/plain", b"\x00\x01\x02"),
    ],
)
async def test_broken_forms_are_refused_in_words(
    client: TestClient[Any, Any], content_type: str, body: bytes
) -> None:
    response = await client.post("/verify", data=body, headers={"Content-Type": content_type})
    page = await response.text()
    assert response.status in (200, 400), page
    assert "Traceback" not in page and "<form" in page
