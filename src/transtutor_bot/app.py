"""The Telegram side of the composition root: `bootstrap.build_core`, then bot and dispatcher.

Services are built once and handed to handlers through the dispatcher's workflow data
(handlers name what they need as parameters: `practice: Practice`, `runner: Runner`, ...).
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramServerError
from aiogram.types import User

if TYPE_CHECKING:
    from transtutor_web import RunningWeb

from transtutor.content.library import Library
from transtutor.infra.executors import Runner
from transtutor.store import Store
from transtutor_bot import error_replies
from transtutor_bot.bootstrap import Core, build_core, configured_roles
from transtutor_bot.commands import install_menu_for, install_menus
from transtutor_bot.config import Settings
from transtutor_bot.credential_archive import StoreArchive
from transtutor_bot.flood import FloodGuard
from transtutor_bot.handlers import (
    ai,
    common,
    content,
    credentials,
    fallback,
    privacy,
    projects,
    reports,
    review,
    staff,
    student,
)
from transtutor_bot.identity import Identity
from transtutor_bot.intake import Intake, poll
from transtutor_bot.owed import OwedFeedback
from transtutor_bot.sender import Notifier, Outgoing

log = logging.getLogger("transtutor")
OFFLINE_TOKEN = "1:offline"


class RedactToken(logging.Filter):
    """Safety net: whatever a library logs, the bot token never reaches the log."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg = record.getMessage().replace(self.token, "<token>")
            record.args = None
        return True


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if settings.bot_token is not None:
        redact = RedactToken(settings.bot_token.get_secret_value())
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact)
    if settings.ai_key is not None:  # the AI code never logs it; this is the safety net
        redact_key = RedactToken(settings.ai_key.get_secret_value())
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact_key)


@dataclass
class App:
    core: Core
    bot: Bot
    dispatcher: Dispatcher
    flood: FloodGuard

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def runner(self) -> Runner:
        return self.core.database.runner

    @property
    def store(self) -> Store:
        return self.core.database.store

    def close(self) -> None:
        self.core.close()


def build_dispatcher(core: Core, notifier: Notifier, flood: FloodGuard) -> Dispatcher:
    """Handlers get the core's services by parameter name (`practice: Practice`, ...)."""
    dispatcher = Dispatcher(
        notifier=notifier, runner=core.database.runner, course=core.library.course
    )
    dispatcher.workflow_data.update(core.services())
    dispatcher.update.outer_middleware(flood)
    dispatcher.update.outer_middleware(Identity(core.practice))
    dispatcher.update.outer_middleware(OwedFeedback(core.practice))
    dispatcher.include_routers(
        error_replies.router(),
        common.router(),
        ai.router(),
        privacy.router(),
        staff.router(),
        projects.router(),
        review.router(),
        reports.router(),
        credentials.router(),
        content.router(),
        student.router(),
        fallback.router(),
    )
    return dispatcher


def build_app(
    settings: Settings, session: BaseSession | None = None, library: Library | None = None
) -> App:
    """Build everything; `session` replaces the HTTP session (offline use and tests);
    `library`: the content of `settings.exercises` if already loaded."""
    if session is None:  # talking to Telegram (or a Bot API server): paced, 429s waited out
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(settings.telegram_api or "https://api.telegram.org")
        )
        session.middleware(Outgoing())
    token = settings.bot_token.get_secret_value() if settings.bot_token else OFFLINE_TOKEN
    bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    notifier = Notifier(bot, settings.zone)
    core = build_core(settings, notifier.reminder, notifier.digest, library=library)
    flood = FloodGuard()
    dispatcher = build_dispatcher(core, notifier, flood)
    changes = core.role_changes

    async def on_startup(bot: Bot) -> None:
        await install_menus(bot, configured_roles(settings))
        for user_id, _, now in changes.revoked:
            await install_menu_for(bot, user_id, now)
        # The handlers first: runs owed from before the start (a Monday digest while the
        # bot was down) fire as soon as the scheduler starts, and one that found no handler
        # would be skipped and lost.
        core.reminders.serve()
        core.digests.serve()
        core.schedule.start()
        await core.reminders.start()
        core.digests.start()
        await tell_instructors(bot, settings, core.draft_notes)

    async def on_shutdown() -> None:
        core.schedule.shutdown()
        core.reminders.stop()
        core.digests.stop()
        await core.assist.aclose()

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return App(core, bot, dispatcher, flood)


async def tell_instructors(bot: Bot, settings: Settings, notes: list[str]) -> None:
    """Sets refused or exercises held back at start (no MT draft): the configured
    instructors and admins are told, as the log is."""
    if not notes:
        return
    text = "⚠️ " + "\n".join(html.escape(note) for note in notes)
    for user_id in sorted(set(settings.instructors) | set(settings.admins)):
        try:
            await bot.send_message(user_id, text[:4000])
        except (TelegramAPIError, TelegramNetworkError) as exc:
            log.warning(
                "could not tell instructor %s about drafts: %s", user_id, type(exc).__name__
            )


async def wait_for_api(bot: Bot, attempts: int = 30) -> User:
    """Reach the Bot API, retrying with backoff while the network is down or the server
    answers 5xx (about ten minutes in all); a refusal (401, 404) is final at once."""
    delay = 1.0
    for attempt in range(1, attempts + 1):
        try:
            return await bot.get_me()
        except (TelegramNetworkError, TelegramServerError) as exc:
            if attempt == attempts:
                raise
            log.warning("Bot API not reachable (%s); retrying in %.0f s", api_failure(exc), delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
    raise AssertionError("unreachable")


def api_failure(exc: TelegramNetworkError | TelegramServerError) -> str:
    """A short reason without the request (whose URL holds the token)."""
    if isinstance(exc, TelegramServerError):
        return f"the server answered: {exc.message[:120]}"
    return type(exc).__name__


def warm_up(app: App) -> asyncio.Task[int]:
    """Load the scorer's resources in the background while the bot starts serving, so the
    first answer is not the one that waits for them."""
    sets = list(app.core.library.sets.values())
    task = asyncio.create_task(app.runner.cpu(app.core.practice.warm_up, sets))

    def report(done: asyncio.Task[int]) -> None:
        if not done.cancelled() and done.exception() is not None:
            log.warning(
                "scorer warm-up failed (%r): resources load at the first answer", done.exception()
            )

    task.add_done_callback(report)
    return task


class Verification:
    """The credential verification pages, served beside the bot when TRANSTUTOR_PUBLIC_URL
    is set (TRANSTUTOR_WEB_HOST:TRANSTUTOR_WEB_PORT), reading the database on their own
    connection."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.web: RunningWeb | None = None
        self.archive: StoreArchive | None = None

    async def start(self) -> None:
        issuer, settings = self.app.core.awards.issuer, self.app.settings
        if issuer is None:
            if settings.public_url:
                log.info("the course awards no credential: no verification pages")
            return
        self.archive = StoreArchive.open(settings.db)
        if self.archive is None:
            log.warning("verification pages need a database file (TRANSTUTOR_DB): not served")
            return
        from transtutor_web import start_web

        try:
            self.web = await start_web(settings, issuer, self.archive)
        except OSError as exc:  # the port is taken: the chat goes on without the pages
            log.error(
                "verification pages not served: cannot listen on %s:%s (%s)",
                settings.web_host,
                settings.web_port,
                exc.strerror or exc,
            )

    async def stop(self) -> None:
        if self.web is not None:
            await self.web.stop()
        if self.archive is not None:
            self.archive.close()


async def run_polling(app: App) -> None:
    warming = warm_up(app)
    pages = Verification(app)
    try:
        me = await wait_for_api(app.bot)
        await app.bot.delete_webhook(drop_pending_updates=False)
        await pages.start()
        log.info("polling as @%s", me.username)
        await poll(app.dispatcher, app.bot, app.runner, app.store.updates)
    finally:
        warming.cancel()  # a start that failed need not wait for it
        await pages.stop()
        await app.bot.session.close()


def run_webhook(app: App) -> None:
    """A webhook server: each update is recorded before Telegram gets its 200 (see intake)."""
    from aiohttp import web

    settings = app.settings
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else secrets.token_urlsafe(32)
    )
    intake = Intake(app.dispatcher, app.bot, app.runner, app.store.updates)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401)
        try:
            raw = await request.json()
        except ValueError:
            log.warning("webhook request that is not JSON: ignored")
            return web.json_response({})  # a 4xx would have Telegram send it again forever
        await intake.accept_raw([raw])
        return web.json_response({})

    warming: list[asyncio.Task[int]] = []

    pages = Verification(app)

    async def on_startup(_: web.Application) -> None:
        warming.append(warm_up(app))
        await wait_for_api(app.bot)
        await pages.start()
        await app.dispatcher.emit_startup(bot=app.bot)
        await app.bot.set_webhook(
            f"{settings.webhook_url}{settings.webhook_path}",
            secret_token=secret,
            drop_pending_updates=False,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
        await intake.replay()

    async def on_shutdown(_: web.Application) -> None:
        await intake.drain()
        await app.dispatcher.emit_shutdown(bot=app.bot)
        await pages.stop()
        await app.bot.session.close()

    web_app = web.Application()
    web_app.router.add_post(settings.webhook_path, receive)
    web_app.on_startup.append(on_startup)
    web_app.on_shutdown.append(on_shutdown)
    web.run_app(web_app, host=settings.webhook_host, port=settings.webhook_port, print=None)
