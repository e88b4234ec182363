"""The /verify page and a credential page in a real headless Chromium (Debian's, driven by
Playwright), with JavaScript switched off: what an employer sees after uploading a valid
credential, a tampered one, or pasting garbage."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import CredentialIssuer, KeyStore
from transtutor_web import MemoryArchive, RunningWeb, credential_page_url, start_web

CHROMIUM = Path("/usr/bin/chromium")
async_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
    pytest.skip(
        "no Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )

pytestmark = pytest.mark.e2e


@dataclass
class Web:
    public_url: str | None
    web_host: str = "127.0.0.1"
    web_port: int = 0


@dataclass
class Site:
    running: RunningWeb
    credential: dict[str, Any]
    files: Path


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    issuer = CredentialIssuer(ISSUER, KeyStore.open(tmp_path / "credential-keys", NOW))
    archive = MemoryArchive()
    archive.status_bits()
    credential = issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=3)
    archive.add(credential)
    running = await start_web(Web(ISSUER.public_url), issuer, archive)
    yield Site(running, credential, tmp_path)
    await running.stop()


@pytest.fixture
async def page(site: Site) -> AsyncIterator[Any]:
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        # No JavaScript: the pages must work as plain HTML forms.
        context = await browser.new_context(java_script_enabled=False, locale="zh-CN")
        try:
            yield await context.new_page()
        finally:
            await context.close()
            await browser.close()


async def press(page: Any, control: Any) -> None:
    """Click a submit button or link and wait for the page it leads to (not the old one)."""
    async with page.expect_navigation():
        await control.click()


async def submit_file(page: Any, site: Site, path: Path) -> str:
    await page.goto(site.running.url + "/verify")
    await page.get_by_label("Upload the credential file").set_input_files(str(path))
    await press(page, page.get_by_role("button", name="Verify · 核验"))
    return str(await page.locator("main").inner_text())


async def test_uploading_a_valid_credential_shows_valid_and_what_it_certifies(
    page: Any, site: Site
) -> None:
    path = site.files / "credential.json"
    path.write_text(json.dumps(site.credential, ensure_ascii=False), "utf-8")
    seen = await submit_file(page, site, path)
    verdict = await page.get_by_role("status").inner_text()
    assert "Valid" in verdict and "有效" in verdict and "Not valid" not in verdict
    assert "Valid: authentic, unaltered, not revoked and within its validity." in seen
    assert "有效：真实、未被篡改、未被撤销，且在有效期内。" in seen
    assert "Within its validity period: yes" in seen and "未被发证机构撤销：是" in seen
    table = await page.get_by_role("table").last.inner_text()
    assert "LO1" in table and "准确翻译专业文本" in table and "EQF 6" in table and "86 %" in table
    assert "智能翻译与国际传播" in seen


async def test_uploading_a_tampered_credential_shows_the_reason(page: Any, site: Site) -> None:
    changed = copy.deepcopy(site.credential)
    changed["credentialSubject"]["result"][0]["value"] = "100"
    path = site.files / "changed.json"
    path.write_text(json.dumps(changed), "utf-8")
    seen = await submit_file(page, site, path)
    verdict = await page.get_by_role("status").inner_text()
    assert "Not valid" in verdict and "无效" in verdict
    assert "The credential was changed after it was signed" in seen
    assert "凭证在签发后被修改过" in seen
    assert "Unaltered since it was signed: no" in seen
    assert "LO1" not in seen  # a changed credential's claims are not shown as certified


async def test_pasting_garbage_gets_a_clear_message(page: Any, site: Site) -> None:
    await page.goto(site.running.url + "/verify")
    await page.get_by_label("or paste its JSON").fill('{"this is": not json')
    await press(page, page.get_by_role("button", name="Verify · 核验"))
    seen = await page.locator("main").inner_text()
    assert "This is not JSON." in seen and "这不是 JSON 数据。" in seen
    assert "Traceback" not in seen
    # What was pasted is still there, to correct.
    assert await page.get_by_label("or paste its JSON").input_value() == '{"this is": not json'


async def test_a_too_large_file_is_refused_in_words(page: Any, site: Site) -> None:
    path = site.files / "huge.json"
    path.write_bytes(b'{"x": "' + b"a" * 600_000 + b'"}')
    seen = await submit_file(page, site, path)
    assert "The file is larger than 256 KiB" in seen and "文件超过 256 KiB" in seen


async def test_credential_page(page: Any, site: Site) -> None:
    url = credential_page_url(ISSUER, site.credential["id"])
    assert url is not None
    await page.goto(site.running.url + url[len(ISSUER.base) :])
    verdict = await page.get_by_role("status").inner_text()
    assert "Valid" in verdict and "有效" in verdict
    seen = await page.locator("main").inner_text()
    assert "Intelligent Translation and International Communication" in seen
    assert "一致地使用领域术语" in seen and "91 %" in seen
    await press(page, page.get_by_role("link", name="Verify a credential file · 核验凭证文件"))
    assert page.url.endswith("/verify")
