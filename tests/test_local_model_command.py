"""The llmshop_local_model command, without starting the server."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from django_llmshop import localmodel


def test_print_command_names_the_bundled_model(monkeypatch, tmp_path):
    gguf = tmp_path / localmodel.GGUF_FILE
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(localmodel, "gguf_path", lambda: gguf)
    monkeypatch.setattr(
        "django_llmshop.management.commands.llmshop_local_model.gguf_path", lambda: gguf
    )
    monkeypatch.setattr(
        "django_llmshop.management.commands.llmshop_local_model.server_available", lambda: True
    )
    out = StringIO()
    call_command("llmshop_local_model", "--port", "8123", "--print-command", stdout=out)
    line = out.getvalue()
    assert "llama_cpp.server" in line and str(gguf) in line
    assert "--port 8123" in line and "--interrupt_requests False" in line
    assert "--host 127.0.0.1" in line


def test_missing_extra_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(localmodel.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(CommandError, match="pip install 'django-llmshop\\[local\\]'"):
        call_command("llmshop_local_model", "--print-command")
