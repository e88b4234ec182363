"""The `transtutor` command line: one entry point for the bot and the offline tools."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from transtutor.content.importer import Catalog
from transtutor.content.library import load_catalog, parse_file, set_files
from transtutor.dblock import DatabaseInUse, DatabaseLock
from transtutor.errors import CommandFailed, ImportRejected, UnknownRubric
from transtutor.scoring.batch import score_lines
from transtutor.scoring.scorer import Scorer
from transtutor.storage import Storage, StorageUnusable
from transtutor_bot.config import Settings, SettingsError, load_settings

MAX_SHOWN_ERRORS = 20


def _catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.exercises, settings.rubrics)


def _print_problems(exc: ImportRejected) -> None:
    for problem in exc.problems:
        print(f"  ✗ {problem}", file=sys.stderr)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate exercise-set files (or directories of them) without writing anything."""
    catalog = _catalog(settings)
    failed = 0
    files = list(set_files([Path(p) for p in args.paths]))
    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"✗ {path}: no such file or directory", file=sys.stderr)
    for path in files:
        try:
            parsed = parse_file(path, catalog)
        except ImportRejected as exc:
            failed += 1
            print(
                f"✗ {path}: {len(exc.problems)} problem(s), nothing would be imported",
                file=sys.stderr,
            )
            _print_problems(exc)
            continue
        s = parsed.exercise_set
        print(
            f"✓ {path}: set {s.id} ({s.language_pair}), {len(s.exercises)} exercises, "
            f"read as {parsed.encoding}"
        )
    if not files and not missing:
        print("no exercise-set files found", file=sys.stderr)
        return 1
    return 1 if failed or missing else 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Validate every file first; import only if all of them are valid."""
    catalog = _catalog(settings)
    parsed_sets = []
    problems = 0
    for path in set_files([Path(p) for p in args.paths]):
        try:
            parsed_sets.append((path, parse_file(path, catalog)))
        except ImportRejected as exc:
            problems += 1
            print(f"✗ {path}:", file=sys.stderr)
            _print_problems(exc)
    if problems:
        print(f"{problems} file(s) have problems; nothing was imported.", file=sys.stderr)
        return 1
    if not parsed_sets:
        print("no exercise-set files found", file=sys.stderr)
        return 1
    storage = Storage.open(settings.db)
    try:
        storage.save_course(catalog.course)
        for path, parsed in parsed_sets:
            receipt = storage.import_set(
                parsed.exercise_set, source_file=path.name, encoding=parsed.encoding
            )
            state = "unchanged" if receipt.unchanged else "imported"
            print(
                f"✓ {receipt.set_id} v{receipt.version}: {receipt.exercise_count} exercises {state}"
            )
    finally:
        storage.close()
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
    from transtutor_bot.offline_reports import summary

    return summary(settings, args.cohort or "", args.lang, args.atrisk, args.chart)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from transtutor_bot.offline_reports import export

    return export(settings, args.cohort or "", args.format, args.output)


def _require_token(settings: Settings) -> None:
    if settings.bot_token is None:
        raise SettingsError(
            "TRANSTUTOR_BOT_TOKEN: required for run and webhook "
            "(try `transtutor try` to chat without Telegram)"
        )


def _database_lock(settings: Settings) -> AbstractContextManager[object]:
    """The bot's hold on its database: one bot process per database file."""
    if str(settings.db) == ":memory:":
        return nullcontext()
    return DatabaseLock(settings.db)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Long polling."""
    import asyncio

    from transtutor_bot.app import build_app, configure_logging, run_polling

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
    from transtutor_bot.terminal import run_terminal

    settings = settings.model_copy(update={"db": args.db})
    run_terminal(settings, args.lang, args.name)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transtutor",
        description="Telegram learning assistant for AI-assisted translation (zh<->en).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate exercise-set files; write nothing")
    check.add_argument("paths", nargs="+", help="files or directories")
    check.set_defaults(handler=cmd_check)

    imp = commands.add_parser("import", help="validate and import exercise-set files")
    imp.add_argument("paths", nargs="+", help="files or directories")
    imp.set_defaults(handler=cmd_import)

    batch = commands.add_parser("score-batch", help="score a JSONL file of submissions")
    batch.add_argument("--input", required=True, type=Path, help="JSONL input")
    batch.add_argument("--output", required=True, type=Path, help="JSONL output")
    batch.add_argument("--rubric", help="rubric id (default: by language pair)")
    batch.set_defaults(handler=cmd_score_batch)

    run = commands.add_parser("run", help="run the Telegram bot (long polling)")
    run.set_defaults(handler=cmd_run)

    webhook = commands.add_parser("webhook", help="run the Telegram bot as a webhook server")
    webhook.set_defaults(handler=cmd_webhook)

    try_ = commands.add_parser("try", help="chat with the bot in this terminal (no token needed)")
    try_.add_argument("--lang", choices=["en", "zh"], default="en", help="interface language")
    try_.add_argument("--name", default="Learner", help="your name in the chat")
    try_.add_argument(
        "--db",
        type=Path,
        default=Path(":memory:"),
        help="database file (default: in memory, forgotten on exit)",
    )
    try_.set_defaults(handler=cmd_try)

    summary = commands.add_parser(
        "summary", help="cohort summary (the /summary message) from the database"
    )
    summary.add_argument("--cohort", help="cohort name, join code or number (default: everyone)")
    summary.add_argument("--atrisk", action="store_true", help="also list learners at risk")
    summary.add_argument("--chart", type=Path, help="also save the chart as this PNG file")
    summary.add_argument("--lang", choices=["en", "zh"], default="en", help="text language")
    summary.set_defaults(handler=cmd_summary)

    export = commands.add_parser("export", help="one row per learner as CSV or XLSX")
    export.add_argument("--cohort", help="cohort name, join code or number (default: everyone)")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument(
        "--output", type=Path, help="file or directory (default: a dated name here; - stdout)"
    )
    export.set_defaults(handler=cmd_export)
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
    except DatabaseInUse as exc:
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
