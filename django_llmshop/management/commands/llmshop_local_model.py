"""Run the bundled local model (SmolLM2-135M on llama.cpp) as an OpenAI-compatible server."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_llmshop.localmodel import (
    DEFAULT_PORT,
    MODEL_ALIAS,
    LocalModelUnavailable,
    gguf_path,
    server_available,
    server_command,
    server_environment,
)


class Command(BaseCommand):
    help = (
        "Serve the bundled SmolLM2-135M model with llama-cpp-python's OpenAI-compatible server "
        "on 127.0.0.1 (needs the 'local' extra). Point LLMSHOP at http://HOST:PORT/v1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="CPU threads for generation (default: all cores).",
        )
        parser.add_argument("--ctx", type=int, default=4096, help="Context size in tokens.")
        parser.add_argument(
            "--print-command", action="store_true", help="Print the server command line and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = gguf_path()
        except LocalModelUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if not server_available():
            raise CommandError(
                "llama-cpp-python's server is not installed: pip install 'django-llmshop[local]'."
            )
        command = server_command(
            host=options["host"],
            port=options["port"],
            model=path,
            threads=options["threads"],
            n_ctx=options["ctx"],
        )
        if options["print_command"]:
            self.stdout.write(" ".join(command))
            return
        self.stdout.write(
            f"Serving {MODEL_ALIAS} ({path.name}) at "
            f"http://{options['host']}:{options['port']}/v1 — Ctrl-C stops it."
        )
        # Replace this process so that signals reach the server directly.
        env = server_environment()
        if os.name == "posix":
            os.execve(command[0], command, env)
        subprocess.call(command, env=env)
