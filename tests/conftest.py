from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from transtutor.content.importer import Catalog
from transtutor.content.library import Library, bundled_exercises, bundled_rubrics, load_library
from transtutor.scoring.scorer import Scorer
from transtutor.store import Store
from transtutor_bot.app import App, build_app
from transtutor_bot.config import Settings
from transtutor_bot.terminal_session import OfflineSession


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(bundled_exercises(), bundled_rubrics())


@pytest.fixture(scope="session")
def catalog(library: Library) -> Catalog:
    return library.catalog


@pytest.fixture(scope="session")
def scorer(library: Library) -> Scorer:
    return Scorer(library.rubrics)


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store.memory()
    yield opened
    opened.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "transtutor.db"


Built = tuple[App, OfflineSession]


@pytest.fixture
async def make_app(library: Library) -> AsyncIterator[Callable[..., Built]]:
    """Build the real application (dispatcher, services, a SQLite file) over an offline
    Telegram session: `make_app(db=path, admins=[1])`. The bundled course is read once per
    test session; every app is closed at the end of the test, on its event loop."""
    built: list[App] = []

    def make(**settings: Any) -> Built:
        session = OfflineSession()
        configured = Settings(**settings)
        bundled = "exercises" not in settings and "rubrics" not in settings
        app = build_app(configured, session=session, library=library if bundled else None)
        built.append(app)
        return app, session

    yield make
    for app in built:
        await app.core.assist.aclose()  # the AI provider's connections, on this loop
        app.close()
