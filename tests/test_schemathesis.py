"""A bounded schemathesis run over /api/v1/openapi.json, through the WSGI app (no server, no network), as an
administrator, an operator, an enterprise member and an anonymous caller.

Every operation gets up to MAX_EXAMPLES generated cases, drawn from data the schema allows and data it forbids,
with path ids pointing at records of a small world some of the time, so reads and writes reach real records as
well as missing ones. The cases are drawn once and each caller sends all of them, in a transaction of its own.
Derandomized (a fixed seed), no shrinking and no example database: CI sees the same cases every run (about 1,200
per caller). The news API gets a run of its own with more cases per operation, against an ingested document and
its proposals (reviewing them is a write in several steps). No response may be a server error; each must have a
documented status code and content type, and a response to allowed data a body matching the documented
schema (errors included).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.world import build_world, path_values

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Schema-violating requests (negative mode) must be refused cleanly: no 5xx, a documented status and content
# type. (schemathesis' negative_data_rejection heuristic is left out: for the registry lists it reported
# `?q=<NUL...>` as accepted while the same request, replayed, answers 422.)
NEGATIVE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
# Operations whose cost is the work they start, not the request (a ranking run computes an index with its
# uncertainty analysis; computing observations walks every park): fewer cases, the same checks.
HEAVY = {"rankings_create_run", "rankings_run_reproduce", "metrics_compute_observations"}


@functools.cache
def _schema() -> Any:
    """Loaded once per process (reading and compiling the document costs seconds)."""
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


NEWS = "/api/v1/news/"


def _news_world(world: dict[str, Any]) -> dict[str, Any]:
    """A document of the operator's park, ingested with its proposals (the news routes' path ids)."""
    from biopark.news import services

    document = services.document_ingest(actor=world["users"]["operator"], incoming=services.Incoming(
        text="北京亦庄生物医药管委会主任严明出席。苏州沐光生物科技有限公司与北京亦庄生物医药管委会签署合作协议，"
             "总投资约3亿元。", publisher="亦庄发布", published="2025-05-01"))
    return {"news_document": document.pk, "news_proposal": document.proposals.order_by("id").first().pk}


def _path_strategy(operation: Any, world: dict[str, Any]) -> dict[str, Any]:
    """For each path parameter: the id of a world record (the segment before it says which), or anything."""
    values = path_values(world)
    if operation.path.startswith(NEWS):
        values = {**values, "documents": world["news_document"], "proposals": world["news_proposal"]}
    fixed = {"organisation_id": world["enterprise"].pk, "year": world["year"], "month": world["month"],
             "number": 1, "unit": "P1", "key": world["framework"].key}
    chosen: dict[str, Any] = {}
    segments = operation.path.split("/")
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            name = segment.strip("{}")
            known = fixed.get(name, values.get(segments[index - 1]))
            if known is not None:
                chosen[name] = known
    return chosen


def _generated_cases(operation: Any, world: dict[str, Any], max_examples: int) -> list[Any]:
    """The operation's cases, drawn once: every caller is sent the same ones (derandomized generation gave each
    caller the same cases before; drawing them is most of the cost, sending them the rest)."""
    real_ids = _path_strategy(operation, world)
    strategies = [operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    if real_ids:
        strategies.append(operation.as_strategy(path_parameters=real_ids))
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, path_parameters=real_ids))
    examples = 2 if operation.definition.raw.get("operationId") in HEAVY else max_examples
    cases: list[Any] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def collect(case: Any) -> None:
        cases.append(case)

    collect()
    return cases


def _send(cases: list[Any], headers: dict[str, str]) -> str | None:
    """Each case sent with the caller's headers and its response checked; the first failure, if any."""
    for case in cases:
        response = case.call(headers=headers)
        positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
        try:
            case.validate_response(response, checks=CHECKS if positive else NEGATIVE_CHECKS)
        except (Exception, BaseExceptionGroup) as exc:
            return str(exc)[:1500]
    return None


CALLERS = ["admin", "operator", "enterprise_member", "anonymous"]


def _run(settings_fixture: Any, prefix: str = "", max_examples: int = MAX_EXAMPLES, least: int = 600) -> None:
    """Every caller in turn, each in a transaction rolled back after it (one caller's writes never reach the
    next), over the same generated cases."""
    from django.db import transaction

    from biopark.accounts.auth import token_create

    settings_fixture.ALLOWED_HOSTS = ["*"]
    world = build_world()
    world.update(_news_world(world))
    users = {**world["users"], "enterprise_member": world["users"]["member"]}
    generated = [
        (f"{operation.method.upper()} {operation.path}", _generated_cases(operation, world, max_examples))
        for operation in (result.ok() for result in _schema().get_all_operations())
        if operation.path.startswith(f"/api/v1/{prefix}")
    ]
    failures: list[str] = []
    for who in CALLERS:
        headers = {} if who == "anonymous" else {"Authorization": f"Bearer {token_create(user=users[who])}"}
        with transaction.atomic():
            for label, cases in generated:
                failure = _send(cases, headers)
                if failure is not None:  # every operation is tried; the failures are reported together
                    failures.append(f"as {who}: {label}: {failure}")
            transaction.set_rollback(True)
    cases = sum(len(c) for _, c in generated)
    print(f"schemathesis: {cases} cases for each of {', '.join(CALLERS)}")
    assert failures == [], "\n\n".join(failures)
    assert cases > least  # every operation ran its cases


@pytest.fixture
def keep_connection():
    """The real WSGI handler closes the database connection after each request; inside a test's transaction
    that would close the test database under it. Django's own test client disconnects the same handler."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(settings, keep_connection):
    _run(settings)


def test_the_news_api_answers_everything_typed_without_a_server_error(settings, keep_connection):
    _run(settings, prefix="news/", max_examples=40, least=200)
