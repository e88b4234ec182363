"""The credential verification web server (issue 14): the issuer's DID document, its status
lists, a public page per credential and /verify for employers. aiohttp only: no chat code,
no storage of its own — it reads a :class:`CredentialArchive` the bot's store implements.
"""

from .app import MAX_UPLOAD, credential_page_url, make_web_app
from .archive import CredentialArchive, MemoryArchive
from .checking import Check, check, gather
from .server import RunningWeb, WebNotConfigured, WebSettings, start_web
from .status import StatusLists

__all__ = [
    "MAX_UPLOAD",
    "Check",
    "CredentialArchive",
    "MemoryArchive",
    "RunningWeb",
    "StatusLists",
    "WebNotConfigured",
    "WebSettings",
    "check",
    "credential_page_url",
    "gather",
    "make_web_app",
    "start_web",
]
