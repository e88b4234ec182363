"""The aiohttp application: the issuer's DID document, its status lists, a public page per
credential and the /verify page. Built by :func:`make_web_app`; no storage of its own (it
reads a :class:`CredentialArchive`), no chat code.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from transtutor.credentials import CredentialIssuer, what_it_certifies
from transtutor.credentials.building import extension_context
from transtutor.credentials.facts import Issuer

from . import pages
from .archive import CredentialArchive
from .checking import Check, check, gather
from .status import LIST_ID, StatusLists

log = logging.getLogger(__name__)

# A credential is about 13 KiB; a quarter of a megabyte leaves room for any honest one.
MAX_UPLOAD = 256 * 1024
# Verification is CPU-bound (canonicalization): a few at a time, the rest wait their turn.
CONCURRENT_CHECKS = 2
JSON_TYPES = ("application/json", "application/ld+json", "application/vc+ld+json")
CREDENTIAL_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
URN_UUID = "urn:uuid:"

# The pages hold no script, load nothing from elsewhere and post only to themselves.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

ISSUER_KEY: web.AppKey[CredentialIssuer] = web.AppKey("issuer", CredentialIssuer)
ARCHIVE_KEY: web.AppKey[CredentialArchive] = web.AppKey("archive", CredentialArchive)
LISTS_KEY: web.AppKey[StatusLists] = web.AppKey("status_lists", StatusLists)
CLOCK_KEY: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")
GATE_KEY: web.AppKey[asyncio.Semaphore] = web.AppKey("checks", asyncio.Semaphore)


def credential_page_url(issuer: Issuer, credential_id: str) -> str | None:
    """The public page of a credential (the share link), or None for an id this server
    cannot address. ``urn:uuid:X`` ids and ``<public url>/credentials/X`` ids both work."""
    own = f"{issuer.base}/credentials/"
    if credential_id.startswith(URN_UUID):
        ref = credential_id[len(URN_UUID) :]
    elif credential_id.startswith(own):
        ref = credential_id[len(own) :]
    else:
        return None
    return own + ref if CREDENTIAL_REF.match(ref) else None


def make_web_app(
    issuer: CredentialIssuer,
    archive: CredentialArchive,
    *,
    clock: Callable[[], datetime] | None = None,
    max_upload: int = MAX_UPLOAD,
) -> web.Application:
    """The verification web app for ``issuer``, reading published credentials and status
    lists from ``archive``. ``clock`` (aware datetimes) is for tests; default: now, UTC."""
    app = web.Application(client_max_size=max_upload, middlewares=[_guard])
    now = clock or (lambda: datetime.now(UTC))
    app[ISSUER_KEY] = issuer
    app[ARCHIVE_KEY] = archive
    app[CLOCK_KEY] = now
    app[LISTS_KEY] = StatusLists(issuer, now)
    app[GATE_KEY] = asyncio.Semaphore(CONCURRENT_CHECKS)
    app.router.add_get("/", _home)
    app.router.add_get("/.well-known/did.json", _did_document)
    # A did:web with a path resolves to <path>/did.json; behind a proxy that strips the
    # path, that is /did.json here.
    app.router.add_get("/did.json", _did_document)
    app.router.add_get("/status/{list_id}", _status_list)
    app.router.add_get("/credentials/{ref}", _credential_page)
    app.router.add_get("/ns/credentials", _vocabulary)
    app.router.add_get("/verify", _verify_form)
    app.router.add_post("/verify", _verify_submitted)
    return app


# -- middleware: headers, and no traceback ever -------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPRequestEntityTooLarge:
        response = _too_large(request)
    except web.HTTPNotFound:
        response = _html(
            pages.message_page(
                "Not found",
                "未找到",
                "There is no page at this address.",
                "此地址没有页面。",
            ),
            status=404,
        )
    except web.HTTPException as exc:
        if exc.status >= 400:
            response = _html(
                pages.message_page(
                    "Request refused", "请求被拒绝", exc.reason or "", "无法处理此请求。"
                ),
                status=exc.status,
            )
            response.headers.update({k: v for k, v in exc.headers.items() if k == "Allow"})
        else:
            raise
    except Exception:
        # Logged for the operator (the request path only, never a body); the visitor gets
        # a plain page, not the traceback.
        log.exception("web request %s %s failed", request.method, request.path)
        response = _html(
            pages.message_page(
                "Something went wrong",
                "出错了",
                "The server could not answer this request. Please try again later.",
                "服务器暂时无法处理此请求，请稍后再试。",
            ),
            status=500,
        )
    response.headers.update(SECURITY_HEADERS)
    return response


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def _too_large(request: web.Request) -> web.Response:
    kib = request.client_max_size // 1024
    if request.content_type in JSON_TYPES:
        return web.json_response(
            {
                "valid": False,
                "reason": "too_large",
                "message": {"en": f"larger than {kib} KiB", "zh": f"超过 {kib} KiB"},
            },
            status=413,
        )
    problem = pages.input_problem(
        f"The file is larger than {kib} KiB; a credential is a few kilobytes of JSON.",
        f"文件超过 {kib} KiB；凭证通常只有几 KB 的 JSON。",
    )
    return _html(pages.verify_page(problem, max_kib=kib, issuer_name=_name(request)), status=413)


# -- routes -------------------------------------------------------------------------------


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/verify")


async def _vocabulary(request: web.Request) -> web.Response:
    context = extension_context(request.app[ISSUER_KEY].facts)
    namespace = str(context["tt"])
    return _html(pages.vocabulary_page(namespace, [t for t in context if t != "tt"]))


async def _did_document(request: web.Request) -> web.Response:
    return web.json_response(request.app[ISSUER_KEY].did_document())


async def _status_list(request: web.Request) -> web.Response:
    list_id = request.match_info["list_id"]
    if not LIST_ID.match(list_id):
        raise web.HTTPNotFound()
    encoded = request.app[ARCHIVE_KEY].encoded_status_list(list_id)
    if encoded is None:
        raise web.HTTPNotFound()
    lists = request.app[LISTS_KEY]
    signed = lists.cached(list_id, encoded)
    if signed is None:
        async with request.app[GATE_KEY]:
            signed = await asyncio.to_thread(lists.sign, list_id, encoded)
    if signed is None:
        # The archive holds something that is not a status list: the operator's problem.
        log.error("status list %s in the archive is unreadable", list_id)
        raise web.HTTPServiceUnavailable()
    return web.json_response(signed, headers={"Cache-Control": "no-cache"})


async def _run_check(request: web.Request, credential: str | bytes | Mapping[str, Any]) -> Check:
    app = request.app
    encoded = gather(credential, app[LISTS_KEY], app[ARCHIVE_KEY])  # storage: this thread
    async with app[GATE_KEY]:
        return await asyncio.to_thread(check, credential, app[LISTS_KEY], encoded, app[CLOCK_KEY]())


async def _credential_page(request: web.Request) -> web.Response:
    ref = request.match_info["ref"]
    app = request.app
    stored = None
    if CREDENTIAL_REF.match(ref):
        archive = app[ARCHIVE_KEY]
        stored = archive.credential(URN_UUID + ref) or archive.credential(
            f"{app[ISSUER_KEY].facts.base}/credentials/{ref}"
        )
    if stored is None:
        return _html(
            pages.message_page(
                "Credential not found",
                "未找到凭证",
                "This issuer has no credential at this address: the link is wrong, or the "
                "holder had it removed.",
                "该发证机构在此地址没有凭证：链接有误，或持有人已要求删除。",
            ),
            status=404,
        )
    result = await _run_check(request, stored)
    # The stored JSON is the issuer's own, so its content can be shown even when it is
    # revoked or expired (the verdict says so first).
    certification = result.certification or what_it_certifies(stored)
    return _html(pages.credential_page(result.verdict, certification))


async def _verify_form(request: web.Request) -> web.Response:
    return _html(
        pages.verify_page(max_kib=request.client_max_size // 1024, issuer_name=_name(request))
    )


def _name(request: web.Request) -> str:
    return request.app[ISSUER_KEY].facts.name


async def _verify_submitted(request: web.Request) -> web.Response:
    kib = request.client_max_size // 1024
    if request.content_type in JSON_TYPES:
        # For programs: the body is the credential, the answer a JSON verdict.
        body = await request.read()
        result = await _run_check(request, body)
        verdict = result.verdict
        return web.json_response(
            {
                "valid": verdict.valid,
                "reason": verdict.reason.value,
                "message": {"en": verdict.message("en"), "zh": verdict.message("zh")},
            }
        )
    try:
        form = await request.post()
    except ValueError:  # a form aiohttp cannot parse
        form = None
    submitted: bytes | str = b""
    pasted = ""
    if form is not None:
        upload = form.get("file")
        if isinstance(upload, web.FileField):
            submitted = upload.file.read()
        text = form.get("json")
        if isinstance(text, str):
            pasted = text
            if not submitted and text.strip():
                submitted = text
    if not submitted:
        problem = pages.input_problem(
            "Nothing was submitted: choose a credential file or paste its JSON.",
            "未提交任何内容：请选择凭证文件或粘贴其 JSON。",
        )
        return _html(pages.verify_page(problem, pasted, kib, _name(request)), status=400)
    result = await _run_check(request, submitted)
    section = pages.verdict_section(result.verdict)
    if result.certification is not None:
        section += "\n" + pages.certification_section(result.certification)
    return _html(pages.verify_page(section, pasted, kib, _name(request)))
