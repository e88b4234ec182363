"""The composition root: settings -> database -> content -> services, once, for the bot and
for every command line tool. No aiogram here: `transtutor summary` starts as fast as `check`;
`app.build_app` adds the Telegram side (bot, dispatcher, sender) on top of `build_core`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from transtutor.ai import Provider
from transtutor.clock import utcnow
from transtutor.content.authoring import Authoring
from transtutor.content.courses import COURSE_FILE
from transtutor.content.drafting import Drafted, Drafting, needs_drafts
from transtutor.content.importer import load_course
from transtutor.content.library import Library, install, load_catalog, load_library
from transtutor.content.models import Course, ExerciseSet
from transtutor.errors import CommandFailed, ImportRejected
from transtutor.infra.scheduling import Schedule
from transtutor.learning.assist import Assist, StoredOptOuts, StoredUsage
from transtutor.learning.practice import Practice
from transtutor.people.access import Access
from transtutor.people.awaiting import Inputs
from transtutor.people.privacy import Privacy
from transtutor.people.records import RoleChanges
from transtutor.projects.projects import Projects
from transtutor.projects.reminders import Deliver as DeliverReminder
from transtutor.projects.reminders import Reminders
from transtutor.projects.review import Review
from transtutor.reports.coordinator import Coordinator
from transtutor.reports.digest import Deliver as DeliverDigest
from transtutor.reports.digest import Digests
from transtutor.scoring.scorer import Scorer
from transtutor.store.threaded import Database
from transtutor_bot.config import Settings, SettingsError

if TYPE_CHECKING:  # signing libraries load only where credentials are issued
    from transtutor.awards.awarding import Awards
    from transtutor.credentials import CredentialIssuer

log = logging.getLogger("transtutor")


def configured_roles(settings: Settings) -> dict[int, str]:
    """The roles the configuration gives (applied to the database at every start, where they
    win while configured); a user named twice gets the stronger role."""
    roles: dict[int, str] = {}
    for role, ids in (
        ("coordinator", settings.coordinators),
        ("instructor", settings.instructors),
        ("admin", settings.admins),
    ):
        for user_id in ids:
            roles[user_id] = role
    return roles


@dataclass
class Core:
    """Everything but the Telegram side; `services()` is what handlers get by name."""

    settings: Settings
    library: Library
    database: Database
    practice: Practice
    access: Access
    authoring: Authoring
    projects: Projects
    review: Review
    inputs: Inputs
    coordinator: Coordinator
    privacy: Privacy
    awards: Awards
    schedule: Schedule
    reminders: Reminders
    digests: Digests
    role_changes: RoleChanges
    assist: Assist
    drafting: Drafting
    draft_notes: list[str] = field(default_factory=list)  # for the instructors, at start

    def services(self) -> dict[str, object]:
        """The services handlers may ask for, by the parameter names they use."""
        names = (
            *("practice", "access", "authoring", "projects", "review"),
            *("inputs", "coordinator", "privacy", "awards", "assist"),
        )
        return {name: getattr(self, name) for name in names}

    def close(self) -> None:
        self.schedule.shutdown()
        self.database.close()


def build_core(
    settings: Settings,
    deliver_reminder: DeliverReminder,
    deliver_digest: DeliverDigest,
    library: Library | None = None,
) -> Core:
    """Open the database, install the course, apply the configured roles, build services.
    `library`: the content of `settings.exercises`, when the caller has loaded it already."""
    library = library or load_library(settings.exercises, settings.rubrics)
    database = Database.open(settings.db)
    runner, store = database.runner, database.store
    try:
        library, draft_notes = complete_drafts(library, settings, database)
        receipts = runner.db_sync(
            install,
            store.content,
            library,
            course_file=str(settings.exercises / COURSE_FILE),
            database=str(settings.db),
        )
        changes = runner.db_sync(
            store.learners.apply_configured_roles, configured_roles(settings), utcnow()
        )
    except BaseException:
        database.close()
        raise
    for note in library.notes:
        log.info(note)
    log.info(
        "course %s: %d sets (%d new versions)",
        library.course.id,
        len(receipts),
        sum(not r.unchanged for r in receipts),
    )
    for user_id, was, now in changes.revoked:
        log.warning("user %s is no longer configured as %s: now %s", user_id, was, now)
    for user_id, role in changes.kept:
        log.info("user %s keeps the role %s given before role sources were kept", user_id, role)
    course = library.course
    practice = Practice(runner, store, Scorer(library.rubrics), course)
    inputs = Inputs(runner, store)
    projects = Projects(runner, store, library.review_rubrics, settings.zone, inputs)
    in_memory = str(settings.db) == ":memory:"
    schedule = Schedule(settings.zone, None if in_memory else settings.db)
    reminders = Reminders(runner, store, schedule, deliver_reminder)
    projects.on_deadline_changed = reminders.rebuild
    coordinator = Coordinator(runner, database.reader, course, settings.risk_rules, settings.zone)
    # The process's one AI client (not configured without TRANSTUTOR_AI_URL): closed by
    # `Assist.aclose` at shutdown.
    provider = Provider(
        settings.ai, usage=StoredUsage(runner, store.ai), opt_outs=StoredOptOuts(runner, store.ai)
    )
    drafting = Drafting(runner, store.ai, provider if provider.configured else None)
    assist = Assist(runner, store, provider)
    if provider.configured:
        log.info("AI assistance: %r (second opinion %s)", provider, provider.settings.judge)

    from transtutor.awards.awarding import Awards

    awards = Awards(runner, store, course, issuer_of(settings, course))
    return Core(
        settings=settings,
        library=library,
        database=database,
        practice=practice,
        access=Access(
            runner,
            store,
            on_user_changed=practice.forget_cached,
            invite_days=settings.invite_days,
            zone=settings.zone,
        ),
        authoring=Authoring(runner, store.content, library.catalog, drafting),
        projects=projects,
        review=Review(runner, store, projects, inputs),
        inputs=inputs,
        coordinator=coordinator,
        privacy=Privacy(
            runner,
            store,
            course.id,
            on_forgotten=(practice.forget_cached, inputs.forget, reminders.rebuild, assist.forget),
        ),
        awards=awards,
        schedule=schedule,
        reminders=reminders,
        digests=Digests(coordinator, store, schedule, settings.digest, deliver_digest),
        role_changes=changes,
        assist=assist,
        drafting=drafting,
        draft_notes=draft_notes,
    )


def issuer_of(settings: Settings, course: Course) -> CredentialIssuer | None:
    """The programme's credential issuer (keys made on first start, beside the database),
    when TRANSTUTOR_PUBLIC_URL gives it a did:web and the course awards a credential."""
    if not settings.public_url or course.credential is None:
        return None
    from transtutor_bot.credential_commands import open_issuer

    return open_issuer(settings, course.credential.awarding_body.name, utcnow())


def complete_drafts(
    library: Library, settings: Settings, database: Database
) -> tuple[Library, list[str]]:
    """The library with MT drafts in the post_edit exercises written without `mt` (stored
    drafts reused, missing ones fetched now, before any learner can see the set), and one
    line per set refused or exercise held back, for the log and the instructors."""
    needing = [s for s in library.sets.values() if needs_drafts(s)]
    if not needing:
        return library, []
    results = fetch_drafts([(s, "") for s in needing], settings, database)
    sets: dict[str, ExerciseSet] = dict(library.sets)
    notes = []
    for exercise_set, result in zip(needing, results, strict=True):
        if isinstance(result, ImportRejected):
            del sets[exercise_set.id]
            notes.append(f"set {exercise_set.id} not imported: {result.problems[0].reason}")
            continue
        if result.exercise_set is None:
            del sets[exercise_set.id]
        else:
            sets[exercise_set.id] = result.exercise_set
        if result.held_back:
            held = ", ".join(f"{h.exercise_id} ({h.reason})" for h in result.held_back)
            notes.append(
                f"set {exercise_set.id}: held back, no MT draft could be had: {held}; "
                "the next start or upload tries again"
            )
        log.info(
            "set %s: %d MT drafts fetched, %d reused",
            exercise_set.id,
            result.fetched,
            result.reused,
        )
    for note in notes:
        log.warning(note)
    return replace(library, sets=sets), notes


def fetch_drafts(
    needing: list[tuple[ExerciseSet, str]], settings: Settings, database: Database
) -> list[Drafted | ImportRejected]:
    """`Drafting.complete` for each (set, file name): stored drafts reused, missing ones
    fetched, or the set refused without a provider."""

    async def fill() -> list[Drafted | ImportRejected]:
        # A provider of its own, on this thread's loop: the bot's one lives on the bot's loop.
        provider = Provider(settings.ai)
        drafting = Drafting(
            database.runner, database.store.ai, provider if provider.configured else None
        )
        done: list[Drafted | ImportRejected] = []
        try:
            for exercise_set, file in needing:
                try:
                    done.append(await drafting.complete(exercise_set, file))
                except ImportRejected as exc:
                    done.append(exc)
        finally:
            await provider.aclose()
        return done

    # Start-up may run inside an event loop (tests) or not (the CLI): a thread of its own.
    with ThreadPoolExecutor(1, thread_name_prefix="drafts") as pool:
        return pool.submit(asyncio.run, fill()).result()


def open_existing(settings: Settings) -> tuple[Database, Course]:
    """The bot's database and the course it holds, for the offline commands (they install
    nothing)."""
    if str(settings.db) == ":memory:" or not settings.db.is_file():
        raise CommandFailed(
            f"no database at {settings.db}: set TRANSTUTOR_DB to the bot's database file"
        )
    database = Database.open(settings.db)
    try:
        return database, report_course(settings, database)
    except BaseException:
        database.close()
        raise


def open_reports(settings: Settings) -> tuple[Database, Coordinator]:
    """The database and the coordinator's questions on it, for `transtutor summary/export`."""
    database, course = open_existing(settings)
    coordinator = Coordinator(
        database.runner, database.reader, course, settings.risk_rules, settings.zone
    )
    return database, coordinator


def open_awards(settings: Settings) -> tuple[Database, Awards]:
    """The database and the awarding service on it, for `transtutor issue/revoke`."""
    from transtutor.awards.awarding import Awards

    database, course = open_existing(settings)
    try:
        if course.credential is None:
            raise CommandFailed(
                f"course {course.id!r} awards no credential (no credential: section)"
            )
        issuer = issuer_of(settings, course)
        if issuer is None:
            raise SettingsError("TRANSTUTOR_PUBLIC_URL: required to issue or revoke credentials")
        return database, Awards(database.runner, database.store, course, issuer)
    except BaseException:
        database.close()
        raise


def report_course(settings: Settings, database: Database) -> Course:
    """The course the database holds: reports of another course's outcomes would be zeros.
    A TRANSTUTOR_EXERCISES naming another course gets one line saying which one is used."""
    stored = database.runner.db_sync(database.store.content.stored_course)
    if stored is None:  # a database from before it recorded its course, or an empty one
        return load_catalog(settings.exercises, settings.rubrics).course
    course: Course = stored[0]
    if "exercises" in settings.model_fields_set:
        configured = load_course(settings.exercises / COURSE_FILE)
        if configured.id != course.id:
            print(
                f"note: TRANSTUTOR_EXERCISES ({settings.exercises}) is course {configured.id!r}, "
                f"but {settings.db} holds course {course.id!r}: reporting {course.id!r}",
                file=sys.stderr,
            )
    return course
