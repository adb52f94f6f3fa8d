"""The staff pages (drafts, jobs, versions, the support inbox) survive hostile query strings."""

from __future__ import annotations

import pytest

from tests.api.conftest import client_as

LISTS = [
    "/admin/llmshop_content/draft/",
    "/admin/llmshop_content/generationjob/",
    "/admin/llmshop_content/contentversion/",
    "/admin/llmshop_support/conversation/",
    "/admin/llmshop_support/message/",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "query", ["product_id=%00", "status=%00&kind=%00", "topic=a%00b", "q=%00", "%00=1"]
)
def test_a_nul_in_an_admin_list_filter_is_a_bad_lookup(rows, url, query):
    response = client_as("staff", rows).get(f"{url}?{query}")
    assert response.status_code < 500
    if "q=" not in query:  # a search for NUL finds nothing; a filter is refused
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")


def test_the_lists_still_filter(rows):
    client = client_as("staff", rows)
    link = f"/admin/llmshop_content/draft/{rows.draft.pk}/change/"
    assert link in client.get(f"{LISTS[0]}?product_id={rows.product.pk}").content.decode()
    assert link not in client.get(f"{LISTS[0]}?product_id=999").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/llmshop_content/draft/%00/change/",
        "/admin/llmshop_content/draft/abc/change/",
        "/admin/llmshop_content/draft/99999999999999999999999/change/",
        "/admin/llmshop_content/generationjob/%00/change/",
        "/admin/llmshop_content/contentversion/1%00/change/",
    ],
)
def test_a_review_page_for_no_such_id_is_a_404(rows, path):
    assert client_as("staff", rows).get(path).status_code == 404


def test_a_nul_in_a_staff_reply_is_a_form_error(rows):
    client = client_as("staff", rows)
    url = f"/admin/llmshop_support/conversation/{rows.conversation.pk}/change/"
    data = {"status": "open", "topic": "or\x00der", "staff_reply": "hello\x00"}
    response = client.post(url, data)
    assert response.status_code == 200  # the page again, with the errors
    assert "Null characters are not allowed" in response.content.decode()
    assert not rows.conversation.messages.filter(role="staff").exists()
    transcript = f"/admin/llmshop_support/conversation/{'9' * 25}/transcript/"
    assert client.get(transcript).status_code == 404


@pytest.mark.parametrize(
    "data", [{"_edit": "1", "text": "a\x00b"}, {"_regenerate": "1", "note": "\x00"}]
)
def test_a_nul_in_a_review_form_is_a_form_error(rows, data):
    client = client_as("staff", rows)
    response = client.post(f"/admin/llmshop_content/draft/{rows.draft.pk}/change/", data)
    assert response.status_code == 400
    rows.draft.refresh_from_db()
    assert "\x00" not in rows.draft.text
