"""store/ai.py on an in-memory database: the daily count, the switch and notice, drafts kept
per source text, agreement counts and what the coordinator sees; /forget takes it all."""

from __future__ import annotations

from datetime import UTC, date, datetime

from transtutor.learning.records import NewAttempt
from transtutor.store import Store

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def test_the_daily_count_stops_at_the_limit_and_gives_back() -> None:
    store = Store.memory()
    assert store.ai.take_request(1, TODAY, 2) and store.ai.take_request(1, TODAY, 2)
    assert not store.ai.take_request(1, TODAY, 2)
    store.ai.give_back_request(1, TODAY)
    assert store.ai.used_requests(1, TODAY) == 1
    assert store.ai.used_requests(1, date(2026, 3, 3)) == 0
    store.ai.give_back_request(2, TODAY)  # nothing counted: nothing to give back
    assert store.ai.used_requests(2, TODAY) == 0


def test_the_switch_and_the_notice_are_separate_and_the_notice_comes_once() -> None:
    store = Store.memory()
    assert not store.ai.ai_off(1)
    store.ai.set_ai_off(1, True)
    assert store.ai.ai_off(1)
    assert store.ai.take_notice(1, NOW) and not store.ai.take_notice(1, NOW)
    assert store.ai.ai_off(1)  # the notice kept the switch
    store.ai.set_ai_off(1, False)
    assert not store.ai.ai_off(1) and not store.ai.take_notice(1, NOW)


def test_a_draft_belongs_to_its_source_text() -> None:
    store = Store.memory()
    store.ai.save_draft("s", "e1", "源文", "Draft", "m", NOW)
    found = store.ai.draft("s", "e1", "源文")
    assert found is not None and (found.text, found.engine) == ("Draft", "m")
    assert store.ai.draft("s", "e1", "改过的源文") is None
    store.ai.save_draft("s", "e1", "源文", "Better", "m (edited)", NOW)
    again = store.ai.draft("s", "e1", "源文")
    assert again is not None and again.text == "Better"


def test_agreement_and_usage_for_the_coordinator_and_forget() -> None:
    store = Store.memory()
    store.learners.touch_user(1, "Li", "en", NOW)
    attempt = store.practice.add_attempt(NewAttempt(1, "s", 1, "e", "translate", "x", 50, {}, NOW))
    store.ai.take_request(1, TODAY, 10)
    store.ai.set_ai_off(2, True)
    store.ai.save_agreement(attempt, 1, (1, 2, 0, 1), 0.5, NOW)
    usage = store.ai.usage(TODAY)
    assert (usage.requests_today, usage.learners_week, usage.turned_off) == (1, 1, 1)
    assert (usage.judged, usage.matched, usage.ai_only, usage.mean_dice) == (1, 1, 2, 0.5)
    last = store.ai.last_attempt(1)
    assert last is not None and last.id == attempt and last.answer == "x"
    store.personal.forget_user(1)
    after = store.ai.usage(TODAY)
    assert (after.requests_week, after.judged) == (0, 0)
