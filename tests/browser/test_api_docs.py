"""The API's Swagger UI and Redoc pages, self-hosted: they render our schema with no outside request."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page, live_server):
    """Requests that left for another site, and console errors other than our own CSP refusals."""
    outside, errors = [], []
    local = (live_server.url, "data:", "blob:")
    page.on("requestfinished", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "Content Security Policy" not in m.text else None
        ),
    )
    return outside, errors


def test_swagger_ui_lists_every_operation_from_our_server_only(live_server, page, screenshot):
    outside, errors = watch(page, live_server)

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock")

    assert page.locator(".opblock").count() >= 40
    assert page.locator(".title").first.inner_text().startswith("Podcast network CMS API")
    assert page.locator("button.authorize").count() == 1
    assert outside == []
    assert errors == []
    screenshot("api-docs-swagger")


def test_redoc_renders_the_reference_from_our_server_only(live_server, page, screenshot):
    outside, errors = watch(page, live_server)

    refused = []
    page.on("requestfailed", lambda r: refused.append((r.url, r.failure)))
    page.goto(f"{live_server.url}/api/redoc/")
    page.get_by_role("heading", name="Create or update the episode with this guid (idempotent)").wait_for()

    assert outside == []
    assert errors == []
    # Redoc's footer asks for its vendor's logo: the page's policy refuses it before it is sent.
    assert all(failure == "csp" for _url, failure in refused)
    screenshot("api-docs-redoc", full_page=False)
