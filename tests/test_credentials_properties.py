"""Any course and learner facts give a credential that verifies and validates."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.credentials_fixtures import COURSE, ISSUER, NOW
from transtutor.credentials import (
    Bilingual,
    Bitstring,
    CredentialIssuer,
    KeyStore,
    Learner,
    NotPortable,
    Outcome,
    OutcomeRecord,
    verify,
)

SCHEMA = json.loads(
    (
        Path(__file__).parent / "data/credentials/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)
VALIDATOR = jsonschema.Draft201909Validator(
    SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
)

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
_bilingual = st.builds(Bilingual, _text, _text)
_ids = st.lists(st.from_regex(r"LO[0-9]{1,3}", fullmatch=True), min_size=1, max_size=5, unique=True)


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> CredentialIssuer:
    return CredentialIssuer(ISSUER, KeyStore.open(tmp_path_factory.mktemp("keys"), NOW))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ids=_ids,
    titles=st.lists(_bilingual, min_size=5, max_size=5),
    levels=st.lists(_text, min_size=5, max_size=5),
    masteries=st.lists(st.floats(0.8, 1.0), min_size=5, max_size=5),
    attempts=st.lists(st.integers(3, 10_000), min_size=5, max_size=5),
    name=_bilingual,
    ects=st.one_of(st.integers(1, 60).map(float), st.floats(0.5, 60).map(lambda x: round(x, 1))),
    display=st.one_of(st.none(), _text),
    index=st.integers(0, 131_071),
)
def test_random_facts_issue_verify_and_validate(
    issuer: CredentialIssuer,
    ids: list[str],
    titles: list[Bilingual],
    levels: list[str],
    masteries: list[float],
    attempts: list[int],
    name: Bilingual,
    ects: float,
    display: str | None,
    index: int,
) -> None:
    outcomes = tuple(Outcome(i, titles[n], levels[n]) for n, i in enumerate(ids))
    course = dataclasses.replace(
        COURSE,
        title=name,
        outcomes=outcomes,
        required_projects=(),
        elements=dataclasses.replace(COURSE.elements, ects=ects),
    )
    learner = Learner(
        "key-" + "".join(ids),
        tuple(OutcomeRecord(i, masteries[n], attempts[n]) for n, i in enumerate(ids)),
        display_name=display,
    )
    try:
        credential = issuer.issue_course_credential(course, learner, now=NOW, status_index=index)
    except NotPortable:
        # Refused on purpose (texts JavaScript verifiers would sort differently): see
        # test_credentials_interop.py. Anything else must issue.
        assume(False)
    assert not list(VALIDATOR.iter_errors(credential))
    bits = Bitstring()
    listed = issuer.status_list(bits, NOW)
    verdict = verify(
        json.dumps(credential, ensure_ascii=False), issuer.local_resolver(lambda url: listed), NOW
    )
    assert verdict.valid, verdict
