"""The `transtutor` command line: one entry point for the bot and the offline tools."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from transtutor.content.courses import CourseRefused
from transtutor.content.importer import Catalog
from transtutor.content.library import load_catalog
from transtutor.content.scaffold import ScaffoldRefused
from transtutor.errors import CommandFailed, ImportRejected, UnknownRubric
from transtutor.infra.dblock import DatabaseInUse, DatabaseLock
from transtutor.scoring.batch import score_lines
from transtutor.scoring.scorer import Scorer
from transtutor.store import StorageUnusable
from transtutor_bot import course_commands, credential_commands
from transtutor_bot.config import Settings, SettingsError, load_settings
from transtutor_bot.help import command, version

MAX_SHOWN_ERRORS = 20


def _catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.exercises, settings.rubrics)


def _print_problems(exc: ImportRejected) -> None:
    for problem in exc.problems:
        print(f"  ✗ {problem}", file=sys.stderr)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate a course directory or exercise-set files without writing anything."""
    return course_commands.check(args.paths, settings)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Validate everything first; import only if all of it is valid."""
    return course_commands.import_(args.paths, settings)


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Write a starter course to edit."""
    from transtutor.content.scaffold import write_starter

    for path in write_starter(args.dir):
        print(f"✓ wrote {path}")
    print(
        f"next: transtutor check {args.dir}   then: transtutor try --course {args.dir}",
        file=sys.stderr,
    )
    return 0


def cmd_score_batch(args: argparse.Namespace, settings: Settings) -> int:
    catalog = _catalog(settings)
    scorer = Scorer(catalog.rubrics)
    rubric = None
    if args.rubric:
        try:
            rubric = scorer.rubric(args.rubric, "")
        except UnknownRubric:
            print(
                f"unknown rubric {args.rubric!r}; known: {', '.join(sorted(catalog.rubrics))}",
                file=sys.stderr,
            )
            return 2
    started = time.perf_counter()
    scored = errors = 0
    with (
        open(args.input, encoding="utf-8-sig") as source,
        open(args.output, "w", encoding="utf-8") as sink,
    ):
        for record in score_lines(source, scorer, rubric):
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            if "error" in record:
                errors += 1
                if errors <= MAX_SHOWN_ERRORS:
                    print(f"line {record['line']}: {record['error']}", file=sys.stderr)
            else:
                scored += 1
    elapsed = time.perf_counter() - started
    print(
        f"scored {scored} item(s), {errors} error(s) in {elapsed:.1f} s -> {args.output}",
        file=sys.stderr,
    )
    return 1 if errors else 0


def cmd_summary(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.report_commands import summary

    given = (("inactive", args.inactive), ("below", args.below), ("after", args.after))
    overrides = " ".join(f"{name}={value}" for name, value in given if value is not None)
    return summary(settings, args.cohort or "", args.lang, args.atrisk, args.chart, overrides)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.report_commands import export

    return export(settings, args.cohort or "", args.format, args.output)


def _require_token(settings: Settings) -> None:
    if settings.bot_token is None:
        raise SettingsError(
            "TRANSTUTOR_BOT_TOKEN: required for run and webhook "
            "(try `transtutor try` to chat without Telegram)"
        )


def _with_course(args: argparse.Namespace, settings: Settings) -> Settings:
    """`--course DIR` stands for TRANSTUTOR_EXERCISES=DIR (its rubrics/ are found with it)."""
    course: Path | None = getattr(args, "course", None)
    if course is None:
        return settings
    if not course.is_dir():
        raise SettingsError(
            f"--course {course}: not a directory (transtutor init {course} writes a starter course)"
        )
    return settings.model_copy(update={"exercises": course})


def _database_lock(settings: Settings) -> AbstractContextManager[object]:
    """The bot's hold on its database: one bot process per database file."""
    if str(settings.db) == ":memory:":
        return nullcontext()
    return DatabaseLock(settings.db)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Long polling."""
    import asyncio

    from transtutor_bot.app import build_app, configure_logging, run_polling

    settings = _with_course(args, settings)
    _require_token(settings)
    configure_logging(settings)
    with _database_lock(settings):
        app = build_app(settings)
        try:
            asyncio.run(run_polling(app))
        finally:
            app.close()
    return 0


def cmd_webhook(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.app import build_app, configure_logging, run_webhook

    settings = _with_course(args, settings)
    _require_token(settings)
    if not settings.webhook_url:
        raise SettingsError(
            "TRANSTUTOR_WEBHOOK_URL: required for webhook mode "
            "(the public https address Telegram posts to)"
        )
    configure_logging(settings)
    with _database_lock(settings):
        app = build_app(settings)
        try:
            run_webhook(app)
        finally:
            app.close()
    return 0


def cmd_try(args: argparse.Namespace, settings: Settings) -> int:
    # Loading the bot's libraries and the course takes seconds: say so before they load.
    print("transtutor try: loading the bot and the course ...", flush=True)
    from transtutor_bot.terminal import run_terminal

    settings = _with_course(args, settings.model_copy(update={"db": args.db}))
    run_terminal(settings, args.lang, args.name)
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.credential_archive import StoreArchive

    archive = StoreArchive.open(settings.db)
    try:
        return credential_commands.verify_file(args.file, settings, archive)
    finally:
        if archive is not None:
            archive.close()


def cmd_issue(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.award_commands import issue

    return issue(settings, args.user_id)


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.award_commands import revoke

    return revoke(settings, f"{args.credential_id} {' '.join(args.reason)}")


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    # Under the bot's lock: a running bot holds the current key in memory.
    with _database_lock(settings):
        return credential_commands.rotate_keys(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transtutor",
        description="Telegram learning assistant for AI-assisted translation (zh<->en).",
        epilog="Run `transtutor COMMAND --help` for what a command does and the settings it reads.",
    )
    parser.add_argument("--version", action="version", version=f"transtutor {version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    init = command(commands, "init")
    init.add_argument("dir", type=Path, help="a new or empty folder for the course")
    init.set_defaults(handler=cmd_init)

    check = command(commands, "check")
    check.add_argument("paths", nargs="+", help="a course directory, set files or directories")
    check.set_defaults(handler=cmd_check)

    imp = command(commands, "import")
    imp.add_argument("paths", nargs="+", help="a course directory, set files or directories")
    imp.set_defaults(handler=cmd_import)

    batch = command(commands, "score-batch")
    batch.add_argument("--input", required=True, type=Path, help="JSONL input")
    batch.add_argument("--output", required=True, type=Path, help="JSONL output")
    batch.add_argument("--rubric", help="rubric id (default: by language pair)")
    batch.set_defaults(handler=cmd_score_batch)

    course_help = "a course directory to run (instead of TRANSTUTOR_EXERCISES)"
    run = command(commands, "run")
    run.add_argument("--course", type=Path, metavar="DIR", help=course_help)
    run.set_defaults(handler=cmd_run)

    webhook = command(commands, "webhook")
    webhook.add_argument("--course", type=Path, metavar="DIR", help=course_help)
    webhook.set_defaults(handler=cmd_webhook)

    try_ = command(commands, "try")
    try_.add_argument("--course", type=Path, metavar="DIR", help=course_help)
    try_.add_argument("--lang", choices=["en", "zh"], default="en", help="interface language")
    try_.add_argument("--name", default="Learner", help="your name in the chat")
    try_.add_argument(
        "--db",
        type=Path,
        default=Path(":memory:"),
        help="database file (default: in memory, forgotten on exit)",
    )
    try_.set_defaults(handler=cmd_try)

    summary = command(commands, "summary")
    summary.add_argument("--cohort", help="cohort name, join code or number (default: everyone)")
    summary.add_argument("--atrisk", action="store_true", help="also list learners at risk")
    summary.add_argument("--inactive", type=int, metavar="DAYS", help="at risk after DAYS idle")
    summary.add_argument("--below", metavar="PERCENT", help="at risk below this mean mastery")
    summary.add_argument("--after", type=int, metavar="DAYS", help="...once joined DAYS ago")
    summary.add_argument("--chart", type=Path, help="also save the chart as this PNG file")
    summary.add_argument("--lang", choices=["en", "zh"], default="en", help="text language")
    summary.set_defaults(handler=cmd_summary)

    export = command(commands, "export")
    export.add_argument("--cohort", help="cohort name, join code or number (default: everyone)")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument(
        "--output", type=Path, help="file or directory (default: a dated name here; - stdout)"
    )
    export.set_defaults(handler=cmd_export)

    verify = command(commands, "verify")
    verify.add_argument("file", help="the credential's JSON file, or - for standard input")
    verify.set_defaults(handler=cmd_verify)

    keys = command(commands, "keys")
    key_actions = keys.add_subparsers(dest="action", required=True)
    rotate = key_actions.add_parser("rotate", help="make a new signing key; old ones verify")
    rotate.set_defaults(handler=cmd_keys_rotate)

    issue = command(commands, "issue")
    issue.add_argument("user_id", type=int, help="the learner's Telegram id")
    issue.set_defaults(handler=cmd_issue)

    revoke = command(commands, "revoke")
    revoke.add_argument("credential_id", help="urn:uuid:... (see /credentials)")
    revoke.add_argument("reason", nargs="+", help="why (told to the learner in the chat)")
    revoke.set_defaults(handler=cmd_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.handler(args, settings))
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except StorageUnusable as exc:
        setting = "--db" if args.command == "try" else "TRANSTUTOR_DB"
        print(f"configuration error: {setting}: {exc}", file=sys.stderr)
        return 2
    except (DatabaseInUse, CourseRefused, ScaffoldRefused) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except CommandFailed as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ImportRejected as exc:
        print("content error:", file=sys.stderr)
        _print_problems(exc)
        return 2
    except FileNotFoundError as exc:
        print(f"no such file: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        code = _bot_api_failure(exc)
        if code is None:
            raise
        return code


def _bot_api_failure(exc: Exception) -> int | None:
    """A Bot API failure that ends `run` or `webhook`, as one line; None if it is not one."""
    from aiogram.exceptions import (
        TelegramAPIError,
        TelegramConflictError,
        TelegramNetworkError,
        TelegramServerError,
        TelegramUnauthorizedError,
    )

    from transtutor_bot.intake import PollingConflict, conflict_line

    if isinstance(exc, TelegramUnauthorizedError):
        print("Telegram rejected the bot token (TRANSTUTOR_BOT_TOKEN)", file=sys.stderr)
        return 2
    if isinstance(exc, PollingConflict | TelegramConflictError):
        line = str(exc) if isinstance(exc, PollingConflict) else conflict_line(exc.message)
        print(f"stopped: {line}", file=sys.stderr)
        return 2
    if isinstance(exc, TelegramNetworkError):
        print(f"cannot reach the Bot API: {type(exc).__name__}", file=sys.stderr)
        return 1
    if isinstance(exc, TelegramServerError):
        print(f"the Bot API keeps failing: {exc.message[:200]}", file=sys.stderr)
        return 1
    if isinstance(exc, TelegramAPIError):
        print(
            f"the Bot API refused {type(exc.method).__name__}: {exc.message[:200]} "
            "(check TRANSTUTOR_TELEGRAM_API)",
            file=sys.stderr,
        )
        return 2
    return None


if __name__ == "__main__":
    sys.exit(main())
