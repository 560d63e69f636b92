"""Schemathesis, from our own OpenAPI schema, against a live server on 127.0.0.1 (an OS-chosen port).

Every operation is called with generated input, as a network admin (who may call every one) and as
a producer (who is refused much): no answer may be a server error, and every answer must match the
schema (status code, content type, body). The number of examples is kept small to stay in seconds.
"""

import hypothesis
import pytest
import schemathesis
import schemathesis.checks

from episodes.api.models import ApiToken
from episodes.models import Episode, Team
from tests.factories import (
    credit,
    make_campaign,
    make_episode,
    make_person,
    make_show,
    make_user,
    sponsor_read,
)

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 3
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]


def api_world(role):
    show = make_show(slug="alpha")
    other = make_show(slug="bravo", is_public=False)
    person = make_person(slug="alice")
    campaign = make_campaign(show, other)
    for target in (show, other):
        episode = make_episode(target, slug="first", status=Episode.DRAFT)
        credit(episode, person)
        sponsor_read(episode, campaign)
    if role == Team.NETWORK_ADMIN:
        user = make_user("netadmin", role=role, all_shows=True)
    else:
        user = make_user("producer", role=role, shows=[show])
    _token, key = ApiToken.create_for(user, "schemathesis", access=ApiToken.READ_WRITE, all_shows=True)
    return key


@pytest.mark.parametrize("role", [Team.NETWORK_ADMIN, Team.PRODUCER])
def test_api_conforms_to_its_schema_with_no_server_error(api_server, role):
    key = api_world(role)
    schema = schemathesis.openapi.from_url(f"{api_server.url}/api/schema/?format=json")
    checks = [getattr(schemathesis.checks, name) for name in CHECKS]
    headers = {"Authorization": f"Bearer {key}"}
    failures, operations, calls = {}, 0, []

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def call(case):
            response = case.call_and_validate(base_url=api_server.url, headers=headers, checks=checks)
            calls.append(response.status_code)

        try:
            call()
        except (Exception, BaseExceptionGroup) as error:  # every operation runs; failures reported together
            failures[operation.label] = str(error)[:3000]

    assert operations >= 40
    assert len(calls) >= 2 * operations
    assert {200, 201, 400, 404} <= set(calls) if role == Team.NETWORK_ADMIN else {200, 403, 404} <= set(calls)
    assert failures == {}, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
