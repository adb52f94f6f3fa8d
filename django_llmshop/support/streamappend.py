"""Appending chat stream events to Redis: one script call for any number of events.

Each event goes to its reply's own stream (kept an hour, for late and reconnecting readers) and
to the shared stream of live events that the web processes' hubs read (:mod:`.streamhub`); the
reply's key gets its expiry with the first and the closing event. Sent as commands, that is two
or three per event, each packed by the client and answered by Redis one by one: at thousands of
tokens a second, most of a worker's CPU after the model's stream itself. One call of this
script takes a whole batch (:mod:`.streambatch`) and answers one word per event.

The script touches keys it is not given in ``KEYS`` (the replies' streams), so the buffer needs
a single Redis server (or a primary with replicas), not Redis Cluster.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django_llmshop.support.streambatch import Event

#: ARGV: the reply keys' expiry (s), the live stream's key and about how many entries it keeps,
#: the reply keys' prefix, then the events as one JSON array of ``[message id, number, kind,
#: data]`` (all strings): one argument for the whole batch, which the client packs at once
#: where five per event cost it more than the rest of the call. Answers per event "" or the
#: reply stream's refusal (the live stream and the expiry are left alone then).
APPEND_SCRIPT = """
local ttl, live, keep, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local answers = {}
for _, event in ipairs(cjson.decode(ARGV[5])) do
  local m, seq, kind, data = event[1], event[2], event[3], event[4]
  local key = prefix .. m
  local added = redis.pcall('XADD', key, seq .. '-1', 'kind', kind, 'data', data)
  if type(added) == 'table' and added.err then
    answers[#answers + 1] = added.err
  else
    answers[#answers + 1] = ''
    redis.call('XADD', live, 'MAXLEN', '~', keep, '*', 'm', m, 's', seq, 'k', kind, 'd', data)
    if seq == '1' or kind ~= 'token' then
      redis.call('EXPIRE', key, ttl)
    end
  end
end
return answers
"""


def script_args(events: Sequence[Event], prefix: str, ttl: int, live: str, keep: int) -> list[Any]:
    """The script's arguments for ``events``; a reply's key is ``prefix`` and its id."""
    batch = [[str(m), str(seq), kind, data] for m, seq, kind, data in events]
    return [ttl, live, keep, prefix, json.dumps(batch)]


def refusals(answers: Sequence[Any]) -> list[BaseException | None]:
    """Per event: None, or the error the reply's stream answered with. A redelivered task
    rewriting an event that is already there ("ID ... equal or smaller") keeps the first, and
    is no error."""
    from redis.exceptions import ResponseError

    found: list[BaseException | None] = []
    for answer in answers:
        text = answer.decode() if isinstance(answer, bytes) else str(answer or "")
        found.append(ResponseError(text) if text and "equal or smaller" not in text else None)
    return found
