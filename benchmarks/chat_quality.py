"""Right answers from the support chat, on the bundled model, with and without the answer plan.

Asks the questions of :mod:`benchmarks.chat_questions` (policies, orders of every status,
products, other shoppers' order numbers, prompt injections, Chinese, requests for a person)
in the example shop, each in a fresh conversation, and checks each reply for its expected facts
and forbidden strings. Two arms in one run, on the same endpoint:

- ``plan``: the endpoint declared ``CAPABILITY: "small"``: the app routes each question and
  composes the facts, the model answers only what is left;
- ``alone``: the same model answers every question itself, with the facts in its prompt (what
  the chat did before the answer plan).

Prints, per arm: right %, cited % (policy questions), forbidden strings found, handoff recall,
and p50/p95 time to the first token of the reply. Starts the bundled llama.cpp server unless
``--base-url`` names an endpoint; ``--fake`` runs against the package's fake endpoint instead,
playing a capable (tool-calling) model that looks each question up with the chat's tools and
answers from their results alone (:mod:`benchmarks.chat_quality_capable`)::

    python benchmarks/chat_quality.py                 # the bundled model, both arms
    python benchmarks/chat_quality.py --limit 20 --arms plan
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_questions import (  # noqa: E402
    ALWAYS_FORBIDDEN,
    QUESTIONS,
    Question,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def endpoint(base_url: str, model: str, arm: str, capable: bool) -> dict[str, Any]:
    return {
        "BASE_URL": base_url,
        "MODEL": model,
        "TIMEOUT": 120,
        "MAX_RETRIES": 0,
        "SUPPORTS_TOOLS": capable,
        "SUPPORTS_JSON_SCHEMA": capable,
        "CAPABILITY": "small" if arm == "plan" and not capable else "capable",
    }


def matches(text: str, wanted: str) -> bool:
    lowered = text.lower()
    return any(option.lower() in lowered for option in wanted.split("|"))


class Timer:
    """Times each reply's first token by wrapping the stream writer."""

    def __init__(self) -> None:
        from django_llmshop.support import streambuffer

        self.first: float | None = None
        original = streambuffer.StreamWriter.token
        timer = self

        def token(writer: Any, text: str) -> None:
            if text and timer.first is None:
                timer.first = time.perf_counter()
            original(writer, text)

        streambuffer.StreamWriter.token = token  # type: ignore[method-assign]


def ask(question: Question, users: dict[str, Any], timer: Timer) -> dict[str, Any]:
    from django_llmshop.support.models import Conversation, Message
    from django_llmshop.support.replies import generate_reply

    user = users.get(question.user) if question.user else None
    conversation = Conversation.objects.create(user=user, language=question.language)
    Message.objects.create(conversation=conversation, role=Message.Role.USER, content=question.text)
    reply = Message.objects.create(
        conversation=conversation, role=Message.Role.ASSISTANT, status=Message.Status.PENDING
    )
    timer.first = None
    started = time.perf_counter()
    generate_reply(reply.pk)
    reply.refresh_from_db()
    conversation.refresh_from_db()
    text = reply.content
    forbidden = [s for s in (*ALWAYS_FORBIDDEN, *question.forbidden) if s.lower() in text.lower()]
    missing = [wanted for wanted in question.expected if not matches(text, wanted)]
    handed_off = conversation.status == Conversation.Status.HANDED_OFF
    right = not missing and not forbidden and reply.status == Message.Status.DONE
    if question.handoff:
        right = right and handed_off
    return {
        "question": question,
        "text": text,
        "error": reply.error,
        "right": right,
        "missing": missing,
        "forbidden": forbidden,
        "cited": bool(reply.citations),
        "handed_off": handed_off,
        "ttft": None if timer.first is None else timer.first - started,
        "total": time.perf_counter() - started,
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(arm: str, results: list[dict[str, Any]]) -> str:
    policy = [r for r in results if r["question"].kind == "policy"]
    handoffs = [r for r in results if r["question"].handoff]
    ttfts = [r["ttft"] for r in results if r["ttft"] is not None]
    right = sum(r["right"] for r in results)
    return (
        f"{arm:<6} right {right}/{len(results)} = {100 * right / len(results):5.1f} %  "
        f"policy cited {sum(r['cited'] for r in policy)}/{len(policy)}  "
        f"forbidden {sum(len(r['forbidden']) for r in results)}  "
        f"handoff {sum(r['handed_off'] for r in handoffs)}/{len(handoffs)}  "
        f"first token p50 {percentile(ttfts, 0.5):.2f} s p95 {percentile(ttfts, 0.95):.2f} s"
    )


def by_kind(results: list[dict[str, Any]]) -> str:
    kinds: dict[str, list[bool]] = {}
    for r in results:
        kinds.setdefault(r["question"].kind, []).append(r["right"])
    return "  ".join(f"{k} {sum(v)}/{len(v)}" for k, v in kinds.items())


def main() -> None:
    # A SIGTERM (a timeout) unwinds like Ctrl-C, so the local model server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--base-url", help="an OpenAI-compatible endpoint instead of the local model"
    )
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--fake", action="store_true", help="the package's fake endpoint")
    parser.add_argument("--arms", default="plan,alone")
    parser.add_argument("--kinds", default="", help="only these kinds, e.g. policy,order")
    parser.add_argument("--every", type=int, default=1, help="ask every Nth question only")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--show-wrong", action="store_true", help="print every wrong reply")
    parser.add_argument("--verbose", action="store_true", help="print each question as it ends")
    args = parser.parse_args()
    questions = [q for q in QUESTIONS if not args.kinds or q.kind in args.kinds.split(",")]
    questions = questions[: args.limit] if args.limit else questions
    questions = questions[:: args.every]

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        capable = False
        if args.fake:
            from benchmarks.chat_quality_capable import respond
            from django_llmshop.testing import FakeLLMServer

            server = stack.enter_context(FakeLLMServer())
            server.responder = respond
            base_url, capable = server.base_url, True
        elif args.base_url:
            base_url = args.base_url
        else:
            from django_llmshop.localmodel import LocalModelServer

            local = stack.enter_context(
                LocalModelServer(port=free_port(), threads=2, log_path=tmp / "model.log")
            )
            base_url, args.model = local.base_url, local.model
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'shop.db'}"
        import django

        django.setup()
        from io import StringIO

        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test.utils import override_settings

        call_command("migrate", verbosity=0)
        call_command("load_demo_shop", stdout=StringIO())
        call_command("llmshop_index_knowledge", stdout=StringIO())
        users = {
            u.username: u for u in get_user_model().objects.filter(username__in=["alice", "bob"])
        }
        timer = Timer()
        print(f"{len(questions)} questions; endpoint {base_url} ({args.model})")
        for arm in args.arms.split(","):
            conf = {
                "ENDPOINTS": {"default": endpoint(base_url, args.model, arm, capable)},
                "CHAT_MAX_REPLY_TOKENS": 160,
            }
            with override_settings(LLMSHOP=conf):
                started = time.perf_counter()
                results = []
                for question in questions:
                    results.append(ask(question, users, timer))
                    if args.verbose:
                        r = results[-1]
                        mark = "ok" if r["right"] else "x "
                        print(f"  {mark} {r['total']:6.2f} s  {question.text}", flush=True)
            print(summary(arm, results), f" ({time.perf_counter() - started:.0f} s)")
            print("       by kind:", by_kind(results))
            if args.show_wrong:
                for r in results:
                    if not r["right"]:
                        text = re.sub(r"\s+", " ", r["text"])[:400]
                        print(
                            f"   x [{r['question'].kind}] {r['question'].text!r} -> {text!r}"
                            f" missing={r['missing']} forbidden={r['forbidden']}"
                            + (f" error={r['error'][:200]!r}" if r["error"] else "")
                        )


if __name__ == "__main__":
    main()
