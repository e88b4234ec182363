"""A local Telegram Bot API emulator on loopback for end-to-end tests.

The real `transtutor run` process talks HTTP to it exactly as to api.telegram.org. Tests play
users (`say`, `click`) and wait on conditions (`wait_for`), never on sleeps. It implements the
methods the bot uses: getMe, getUpdates (offset and long-poll timeout honoured), deleteWebhook,
setWebhook, setMyCommands, sendChatAction, sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, sendPhoto and sendDocument (multipart), getFile and file downloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {"id": 4242, "is_bot": True, "first_name": "transtutor", "username": "transtutor_bot"}


@dataclass
class Sent:
    """One thing the bot did (a message sent or edited, a photo, an answered button)."""

    method: str
    chat_id: int
    text: str = ""
    message_id: int = 0
    reply_markup: dict[str, Any] | None = None
    data: bytes = b""
    fields: dict[str, Any] = field(default_factory=dict)

    def buttons(self) -> list[tuple[str, str]]:
        if not self.reply_markup:
            return []
        return [
            (b["text"], b.get("callback_data", ""))
            for row in self.reply_markup.get("inline_keyboard", [])
            for b in row
        ]


class BotAPIEmulator:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.sent: list[Sent] = []
        self.calls: list[str] = []
        self.changed = asyncio.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self.runner: web.AppRunner | None = None
        self.base_url = ""
        self.fail_with_429: Callable[[str], int | None] = lambda method: None
        # Called with (method, params): an HTTP status and description to refuse it with
        # (a 5xx, a 409 Conflict), or None to answer it.
        self.fail_with: Callable[[str, dict[str, Any]], tuple[int, str] | None] = (
            lambda method, params: None
        )
        self.files: dict[str, bytes] = {}
        self.history: dict[int, dict[str, Any]] = {}
        self.by_chat: dict[int, list[Sent]] = {}
        # Called with (method, params) before a request is answered: True holds the request
        # unanswered and unrecorded (a send lost on the way), e.g. to kill the bot meanwhile.
        self.hold: Callable[[str, dict[str, Any]], bool] = lambda method, params: False
        self.held: list[str] = []
        self._release = asyncio.Event()
        self._redelivered: list[dict[str, Any]] = []

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path}", self._download)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    def release(self) -> None:
        """Let held requests end (their senders are gone by now)."""
        self._release.set()

    async def stop(self) -> None:
        self.release()
        if self.runner is not None:
            await self.runner.cleanup()

    # -- users ------------------------------------------------------------------------------

    async def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        self.history[update_id] = update
        async with self.changed:
            self.updates.append(update)
            self.changed.notify_all()
        return update_id

    async def push_raw(self, update: dict[str, Any]) -> int:
        """Any update, as Telegram would send it (also one this aiogram cannot read)."""
        return await self._push(update)

    async def redeliver(self, update_id: int) -> None:
        """Send an update again with its id, as Telegram does when it missed the bot's
        confirmation (e.g. a getUpdates answer lost on the network)."""
        async with self.changed:
            self._redelivered.append(self.history[update_id])
            self.changed.notify_all()

    @staticmethod
    def user(user_id: int, language: str = "en", name: str = "Student") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}

    async def say(self, user: dict[str, Any], text: str) -> int:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._push({"message": message})

    async def send_content(self, user: dict[str, Any], **content: Any) -> int:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "from": user,
            **content,
        }
        return await self._push({"message": message})

    async def send_file(
        self, user: dict[str, Any], name: str, content: bytes, caption: str | None = None
    ) -> int:
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "file_size": len(content),
        }
        extra = {"caption": caption} if caption else {}
        return await self.send_content(user, document=document, **extra)

    async def _download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if path not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[path])

    async def api_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = str(params.get("file_id"))
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": file_id,
        }

    async def click(self, user: dict[str, Any], sent: Sent, text: str) -> int:
        data = next(d for t, d in sent.buttons() if t == text)
        message = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "from": BOT,
            "text": sent.text,
        }
        query = {
            "id": str(next(self._update_ids) + 10_000),
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        return await self._push({"callback_query": query})

    # -- waiting ----------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        async def _wait() -> Any:
            async with self.changed:
                while not (result := predicate()):
                    await self.changed.wait()
                return result

        return await asyncio.wait_for(_wait(), timeout)

    def to(
        self,
        chat_id: int,
        methods: tuple[str, ...] = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"),
    ) -> list[Sent]:
        return [s for s in self.by_chat.get(chat_id, []) if s.method in methods]

    async def reply(
        self, chat_id: int, after: int, contains: str = "", timeout: float = 30.0
    ) -> Sent:
        """The first message to chat_id after the first `after` ones that contains `contains`."""

        def found() -> Sent | None:
            return next((s for s in self.to(chat_id)[after:] if contains in s.text), None)

        result: Sent = await self.wait_for(found, timeout)
        return result

    # -- Bot API ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.method == "POST":
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                for key, value in form.items():
                    if hasattr(value, "file"):
                        files[key] = value.file.read()
                    else:
                        params[key] = value
        async with self.changed:
            self.calls.append(method)
            self.changed.notify_all()
        if self.hold(method, params):
            async with self.changed:
                self.held.append(method)
                self.changed.notify_all()
            await self._release.wait()  # the bot has gone away meanwhile
            return web.json_response({"ok": False, "error_code": 502}, status=502)
        failure = self.fail_with(method, params)
        if failure is not None:
            status, description = failure
            return web.json_response(
                {"ok": False, "error_code": status, "description": description}, status=status
            )
        retry = self.fail_with_429(method)
        if retry is not None:
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry}",
                    "parameters": {"retry_after": retry},
                },
                status=429,
            )
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response({"ok": True, "result": True})
        result = await handler(params, files)
        return web.json_response({"ok": True, "result": result})

    async def api_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return BOT

    async def api_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self.changed:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self.changed.notify_all()  # lets tests wait until the bot has confirmed updates
            if not self.updates and not self._redelivered and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), min(timeout, 2.0))
            again, self._redelivered = self._redelivered, []
            limit = int(params.get("limit") or 100)  # Telegram's maximum and default
            return sorted(again + self.updates, key=lambda u: int(u["update_id"]))[:limit]

    async def _record(
        self, method: str, params: dict[str, Any], files: dict[str, bytes], text_key: str = "text"
    ) -> dict[str, Any]:
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) and markup else markup
        message_id = int(params.get("message_id") or next(self._message_ids))
        sent = Sent(
            method,
            int(params.get("chat_id") or 0),
            str(params.get(text_key) or ""),
            message_id,
            markup or None,
            next(iter(files.values()), b""),
            params,
        )
        async with self.changed:
            self.sent.append(sent)
            self.by_chat.setdefault(sent.chat_id, []).append(sent)
            self.changed.notify_all()
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private"},
            "from": BOT,
        }
        if sent.text:
            message["text" if text_key == "text" else "caption"] = sent.text
        if markup:
            message["reply_markup"] = markup
        return message

    async def api_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return await self._record("sendMessage", params, files)

    async def api_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return await self._record("editMessageText", params, files)

    async def api_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> Any:
        return await self._record("editMessageReplyMarkup", params, files)

    async def api_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return await self._record("sendPhoto", params, files, text_key="caption")

    async def api_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return await self._record("sendDocument", params, files, text_key="caption")

    async def api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        async with self.changed:
            self.sent.append(Sent("answerCallbackQuery", 0, str(params.get("text") or "")))
            self.changed.notify_all()
        return True
