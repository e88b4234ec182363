"""What each `transtutor` subcommand's --help says: what it does, the settings it reads and an
example. Kept apart from the parser so the texts read as one page (and a test checks them)."""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass
from functools import partial
from typing import Any

BOT_SETTINGS = (
    "TRANSTUTOR_BOT_TOKEN (required), TRANSTUTOR_DB, TRANSTUTOR_EXERCISES, TRANSTUTOR_RUBRICS, "
    "TRANSTUTOR_TELEGRAM_API, TRANSTUTOR_ADMINS, TRANSTUTOR_INSTRUCTORS, "
    "TRANSTUTOR_COORDINATORS, TRANSTUTOR_TIMEZONE, TRANSTUTOR_DIGEST, "
    "TRANSTUTOR_ATRISK_INACTIVE_DAYS, TRANSTUTOR_ATRISK_BELOW, TRANSTUTOR_ATRISK_AFTER_DAYS, "
    "TRANSTUTOR_LOG_LEVEL"
)


@dataclass(frozen=True)
class Page:
    summary: str  # one line, in the command list of `transtutor --help`
    description: str
    settings: str  # the environment variables it reads ("none" when it reads none)
    example: str


PAGES = {
    "init": Page(
        "write a starter course to edit",
        "Write a small, valid, commented starter course into DIR (a new or empty folder): "
        "course.yaml with two outcomes, one exercise set per exercise type and a rubric in "
        "DIR/rubrics/. `check DIR` accepts it and `try --course DIR` runs it at once.",
        "none (it only writes files)",
        "transtutor init mycourse && transtutor try --course mycourse",
    ),
    "check": Page(
        "validate a course directory or exercise-set files; write nothing",
        "Validate without writing: a directory with a course.yaml is checked as that course "
        "(with its rubrics/), and so is a set file with a course.yaml beside it; other files "
        "are checked against the course the database holds, else TRANSTUTOR_EXERCISES. Lists "
        "every problem with file, exercise or row and field.",
        "TRANSTUTOR_DB (its course, when it exists), TRANSTUTOR_EXERCISES, TRANSTUTOR_RUBRICS",
        "transtutor check mycourse/",
    ),
    "import": Page(
        "validate and import a course directory or exercise-set files",
        "Validate everything, then import into the database: a directory's course.yaml becomes "
        "the database's course (a changed one its next version). A database holds one course; "
        "another course id, or an outcome with stored evidence left out, is refused. If any "
        "file has a problem nothing is imported and no database file is created.",
        "TRANSTUTOR_DB, TRANSTUTOR_EXERCISES (when no course.yaml is given and the database "
        "has none), TRANSTUTOR_RUBRICS",
        "TRANSTUTOR_DB=mycourse.db transtutor import mycourse/",
    ),
    "score-batch": Page(
        "score a JSONL file of submissions offline",
        "Score one JSON object per line (id, source, candidate, references, ...) and write one "
        "result line per item (score 0-100, metrics, checks). Exit status 1 if a line failed.",
        "TRANSTUTOR_EXERCISES (the course the rubrics serve), TRANSTUTOR_RUBRICS",
        "transtutor score-batch --input answers.jsonl --output scores.jsonl",
    ),
    "run": Page(
        "run the Telegram bot (long polling)",
        "Run the bot on Telegram with long polling. The course and sets of "
        "TRANSTUTOR_EXERCISES (or --course DIR) are validated and imported on start.",
        BOT_SETTINGS,
        "TRANSTUTOR_BOT_TOKEN=123:ABC transtutor run --course mycourse",
    ),
    "webhook": Page(
        "run the Telegram bot as a webhook server",
        "Run the bot as a webhook server; Telegram's secret-token header is checked.",
        BOT_SETTINGS + ", TRANSTUTOR_WEBHOOK_URL (required), TRANSTUTOR_WEBHOOK_PATH, "
        "TRANSTUTOR_WEBHOOK_SECRET, TRANSTUTOR_WEBHOOK_HOST, TRANSTUTOR_WEBHOOK_PORT",
        "TRANSTUTOR_BOT_TOKEN=123:ABC TRANSTUTOR_WEBHOOK_URL=https://bot.example.org "
        "transtutor webhook",
    ),
    "try": Page(
        "chat with the bot in this terminal (no token needed)",
        "The same bot in this terminal: type what you would send in Telegram; numbered buttons "
        "are pressed by typing their number. Files the bot sends are saved under "
        "transtutor-files/ beside --db (or in a temporary folder) and their paths printed.",
        "TRANSTUTOR_EXERCISES, TRANSTUTOR_RUBRICS, TRANSTUTOR_TIMEZONE, "
        "TRANSTUTOR_ATRISK_INACTIVE_DAYS, TRANSTUTOR_ATRISK_BELOW, TRANSTUTOR_ATRISK_AFTER_DAYS "
        "(not TRANSTUTOR_DB: the database is in memory unless --db)",
        "transtutor try --course mycourse --lang zh",
    ),
    "summary": Page(
        "cohort summary (the /summary message) from the database",
        "Print the coordinator's /summary for the course the database holds (and with "
        "--atrisk the at-risk list) as plain text.",
        "TRANSTUTOR_DB, TRANSTUTOR_TIMEZONE, TRANSTUTOR_ATRISK_INACTIVE_DAYS, "
        "TRANSTUTOR_ATRISK_BELOW, TRANSTUTOR_ATRISK_AFTER_DAYS",
        "TRANSTUTOR_DB=mycourse.db transtutor summary --atrisk --inactive 14 --below 60",
    ),
    "export": Page(
        "one row per learner as CSV or XLSX",
        "Write the /export file for the course the database holds: one row per learner, one "
        "column per outcome mastery, attempts and project status.",
        "TRANSTUTOR_DB, TRANSTUTOR_TIMEZONE",
        "TRANSTUTOR_DB=mycourse.db transtutor export --format xlsx --output reports/",
    ),
    "verify": Page(
        "check a credential file: signature, changes, validity, revocation",
        "Check an Open Badges 3.0 credential file (or - for standard input) the way the "
        "/verify page does: signed with one of this issuer's keys (the DID document of "
        "TRANSTUTOR_PUBLIC_URL, keys in credential-keys/ beside the database), unchanged, "
        "within its validity and not revoked (the status list from the database, else from "
        "the issuer's public URL). Prints valid and what it certifies, exit status 0; or "
        "invalid, the reason and a sentence in English and Chinese, exit status 1.",
        "TRANSTUTOR_PUBLIC_URL (required), TRANSTUTOR_DB (its folder holds credential-keys/)",
        "TRANSTUTOR_PUBLIC_URL=https://bot.example.edu transtutor verify credential.json",
    ),
    "keys": Page(
        "manage the credential signing keys (keys rotate)",
        "keys rotate: make a new signing key in credential-keys/ beside the database and "
        "delete the old private key. The old public key stays in the DID document, so "
        "credentials signed before keep verifying. Run it with the bot stopped; the bot "
        "signs with the new key from its next start. Prints key ids, never keys.",
        "TRANSTUTOR_DB (its folder holds credential-keys/)",
        "TRANSTUTOR_DB=/srv/transtutor/transtutor.db transtutor keys rotate",
    ),
    "issue": Page(
        "issue the credentials a learner's evidence has earned",
        "Issue what the learner's mastery and project grades now earn, as the bot does after "
        "each answer: an outcome badge per mastered outcome, and the course credential once "
        "the award rule holds. Prints the ids issued (none if nothing is due).",
        "TRANSTUTOR_DB, TRANSTUTOR_PUBLIC_URL (required)",
        "TRANSTUTOR_DB=mycourse.db TRANSTUTOR_PUBLIC_URL=https://bot.example.edu "
        "transtutor issue 123456789",
    ),
    "revoke": Page(
        "revoke an issued credential, with a reason",
        "Revoke a credential as /revoke does: its bit is set in the status list, so "
        "verifiers (the /verify page, transtutor verify, wallets) see it as revoked.",
        "TRANSTUTOR_DB, TRANSTUTOR_PUBLIC_URL (required)",
        "TRANSTUTOR_DB=mycourse.db transtutor revoke urn:uuid:1b2c... awarded in error",
    ),
}


def command(commands: Any, name: str) -> argparse.ArgumentParser:
    """A subcommand parser whose --help has the page's description, settings and example."""
    page = PAGES[name]
    wrap = partial(textwrap.fill, width=88, subsequent_indent="  ", break_on_hyphens=False)
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=page.summary,
        description=textwrap.fill(page.description, width=88, break_on_hyphens=False),
        # Raw: the settings and the example are kept on lines of their own.
        epilog=f"{wrap('settings: ' + page.settings)}\nexample: {page.example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("transtutor")
    except PackageNotFoundError:  # run from a checkout without installing
        return "unknown"
