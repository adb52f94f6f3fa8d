"""Run the fake OpenAI-compatible server in the foreground: python -m django_llmshop.testing."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from django_llmshop.testing.replies import Reply
from django_llmshop.testing.scenario import SCENARIOS
from django_llmshop.testing.server import FakeLLMServer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m django_llmshop.testing",
        description="A fake OpenAI-compatible server that echoes the last user message, or "
        "answers every purpose of the app with valid output (--scenario shop).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--model", default="fake-model")
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds before every answer (the mean)"
    )
    parser.add_argument(
        "--latency-sigma",
        type=float,
        default=0.0,
        help="spread the waits lognormally around --latency (1 gives a long tail)",
    )
    parser.add_argument("--seed", type=int, help="repeat the same waits from run to run")
    parser.add_argument(
        "--max-in-flight",
        type=int,
        help="answer at most this many requests at once; refuse the rest with 429",
    )
    parser.add_argument(
        "--retry-after", type=float, default=1.0, help="seconds a 429 asks the client to wait"
    )
    parser.add_argument(
        "--stats",
        action="store_true",
        help="on exit, print a JSON line of requests answered and refused, peak in flight "
        "and mean latency served",
    )
    parser.add_argument("--ttft", type=float, default=0.0, help="seconds to the first token")
    parser.add_argument("--token-delay", type=float, default=0.0, help="seconds between tokens")
    parser.add_argument("--reply", help="answer this text instead of echoing")
    parser.add_argument(
        "--scenario",
        choices=sorted(SCENARIOS),
        help="answer as a model would in this scenario: 'shop' gives content JSON by schema, "
        "re-rankings, review summaries, chat replies and tool calls",
    )
    args = parser.parse_args(argv)

    timing = {"ttft": args.ttft, "token_delay": args.token_delay}
    default = Reply.text(args.reply, **timing) if args.reply is not None else Reply.echo(**timing)
    server = FakeLLMServer(
        model=args.model,
        latency=args.latency,
        embedding_dim=args.embedding_dim,
        default=default,
        host=args.host,
        port=args.port,
        latency_sigma=args.latency_sigma,
        max_in_flight=args.max_in_flight,
        retry_after=args.retry_after,
        seed=args.seed,
    )
    if args.scenario:
        server.responder = SCENARIOS[args.scenario]
    done = threading.Event()

    def on_sigterm(signum: int, frame: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_sigterm)
    with server:
        print(server.base_url, flush=True)
        scenario = f", scenario {args.scenario!r}" if args.scenario else ""
        print(f"Fake LLM server, model {server.model!r}{scenario}.", file=sys.stderr)
        print("Ctrl-C stops it.", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    if args.stats:
        print(json.dumps(server.stats().as_dict()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
