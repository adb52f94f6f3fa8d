"""Load: 500 real shopper messages (Bitext) through the chat API, one reply each, handoffs.

Each message comes from its own anonymous shopper. The fake model hands the chat to a person
when the words call for it (complaints, refunds, asking for a person) and answers otherwise;
see ``benchmarks/chat_load_bitext.py``, which runs the same load on a real worker. Here the
reply task runs eagerly, inside the POST request.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client

from benchmarks.chat_load_bitext import (
    COMPLAINT_REFUND,
    collect,
    data_file,
    load_messages,
    post_message,
    rate_lines,
    shop_model,
    wants_person,
)

MESSAGES = 500

pytestmark = pytest.mark.slow


@pytest.fixture
def bitext():
    path = data_file()
    if path is None:
        pytest.skip("the Bitext sample (../shared/data/support_bitext) is not on this machine")
    return load_messages(path, MESSAGES)


def test_every_bitext_message_gets_exactly_one_reply_and_complaints_go_to_a_person(
    bitext, shop, transactional_db, llm_settings, capsys
):
    llm_settings.responder = shop_model
    assert len(bitext) == MESSAGES
    assert len({m.intent for m in bitext}) >= 20  # a realistic mix, not one kind of question

    started = time.perf_counter()
    posted = [post_message(i, message) for i, message in enumerate(bitext)]
    elapsed = time.perf_counter() - started

    assert [status for _c, _r, status in posted] == [202] * MESSAGES
    figures = collect([(c, m) for (c, _r, _s), m in zip(posted, bitext, strict=True)])
    assert figures.messages == figures.replies == MESSAGES
    assert figures.not_one_reply == []
    assert figures.pending == figures.failed == 0
    # The package opened a handoff exactly where the model called the tool, nowhere else.
    assert figures.handoff_mismatch == []

    handed, total = figures.handed_off["complaint/refund"]
    other_handed, other_total = figures.handed_off["other"]
    assert total and other_total
    expected = sum(wants_person(m.text) for m in bitext if m.intent in COMPLAINT_REFUND)
    assert handed == expected and handed / total > 0.9
    assert other_handed / other_total < handed / total
    with capsys.disabled():
        print(f"\n{MESSAGES} Bitext messages, one reply each, in {elapsed:.1f} s")
        print("\n".join(rate_lines(figures)))

    client = Client()  # and no shopper can read another's handed-off chat
    conversation_id = posted[0][0]
    assert client.get(f"/llmshop/api/chat/conversations/{conversation_id}/").status_code == 404
