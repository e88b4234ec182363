"""End to end: a learner masters a small course in the real `transtutor run` process over the
Bot API emulator, receives the credential, `transtutor verify` accepts it and rejects a changed
copy, a coordinator's /revoke makes it rejected; the pages are served beside the bot."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import httpx
import pytest

from tests.bot_process import running_bot
from tests.cli_process import run
from tests.own_course import REFERENCES, write_course
from tests.test_credentials_chat import COURSE

pytestmark = pytest.mark.e2e
COORDINATOR = 77
CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_credential_from_mastery_to_revocation(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own", COURSE)
    port = free_port()
    public = f"http://localhost:{port}"
    env = {
        "TRANSTUTOR_EXERCISES": str(course),
        "TRANSTUTOR_PUBLIC_URL": public,
        "TRANSTUTOR_WEB_PORT": str(port),
        "TRANSTUTOR_COORDINATORS": str(COORDINATOR),
    }
    async with running_bot(tmp_path, **env) as (api, bot):
        learner, other = api.user(801, "en", "Mei"), api.user(802, "zh", "Wang")
        await api.say(other, "/credential")
        missing = await api.reply(other["id"], 0, "T1")
        assert "T2" in missing.text and not api.to(other["id"], ("sendDocument",))

        earned = None
        for _ in range(6):  # each answer is scored; the award follows mastery
            await api.say(learner, "/next")
            shown = await api.reply(learner["id"], len(api.to(learner["id"])) - 1, "Source")
            source = next(s for s in REFERENCES if s in shown.text)
            await api.say(learner, REFERENCES[source])
            await api.reply(learner["id"], len(api.to(learner["id"])) - 1, "/100")
            try:  # the announcement follows the feedback when the answer completes the rule
                earned = await api.reply(learner["id"], 0, "earned the micro-credential", 3)
                break
            except TimeoutError:
                continue
        assert earned is not None, [s.text for s in api.to(learner["id"])]

        await api.say(learner, "/credential")
        sent = await api.wait_for(
            lambda: next(iter(api.to(learner["id"], ("sendDocument",))), None), 30
        )
        link = re.search(rf"{re.escape(public)}/credentials/\S+", sent.text)
        assert link, sent.text
        credential = json.loads(sent.data)
        file = tmp_path / "credential.json"
        file.write_text(json.dumps(credential), encoding="utf-8")
        settings = {"TRANSTUTOR_PUBLIC_URL": public}
        accepted = run("verify", str(file), db=bot.db, env=settings)
        assert accepted.returncode == 0 and accepted.stdout.startswith("valid"), accepted.stdout

        changed = tmp_path / "changed.json"
        changed.write_text(json.dumps({**credential, "validFrom": "2020-01-01T00:00:00Z"}))
        refused = run("verify", str(changed), db=bot.db, env=settings)
        assert refused.returncode == 1 and "tampered" in refused.stdout

        async with httpx.AsyncClient() as web:
            did = await web.get(f"{public}/.well-known/did.json")
            assert did.status_code == 200 and did.json()["id"] == credential["issuer"]["id"]
            page = await web.get(link[0].rstrip("."))
            assert page.status_code == 200 and "Valid" in page.text

        coordinator = api.user(COORDINATOR, "en", "Coordinator")
        await api.say(coordinator, f"/revoke {credential['id']} awarded in error")
        await api.reply(COORDINATOR, 0, "Revoked")
        revoked = run("verify", str(file), db=bot.db, env=settings)
        assert revoked.returncode == 1 and "revoked" in revoked.stdout
        assert await api.reply(learner["id"], 0, "was revoked: awarded in error")
        if CHROMIUM.exists():  # the share link, as an employer opens it
            seen = await in_browser(link[0].rstrip("."))
            assert (
                "The credential was revoked by its issuer" in seen
                and "凭证已被发证机构撤销" in seen
            )


async def in_browser(url: str) -> str:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            context = await browser.new_context(java_script_enabled=False)
            page = await context.new_page()
            await page.goto(url)
            return str(await page.inner_text("body"))
        finally:
            await browser.close()
