"""The Simplified Chinese catalog: complete, compiled, and used by models, templates and code."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

import django_llmshop

LC_MESSAGES = Path(django_llmshop.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
HAN = re.compile(r"[\u4e00-\u9fff]")


def parse_po(path: Path) -> list[dict[str, Any]]:
    """The entries of a .po file (separated by blank lines): msgid, msgid_plural, msgstr (a
    list, one string per plural form), flags, and whether the entry is obsolete."""
    entries: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict[str, Any] = {"flags": set(), "msgstr": [], "obsolete": False}
        field = ""
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                line = line[2:].strip()
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            elif line.startswith("#"):
                continue
            if line.startswith('"'):
                if field == "msgstr":
                    entry["msgstr"][-1] += ast.literal_eval(line)
                else:
                    entry[field] += ast.literal_eval(line)
                continue
            keyword, _, value = line.partition(" ")
            if keyword.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(ast.literal_eval(value))
            elif keyword in ("msgid", "msgid_plural"):
                field = keyword
                entry[keyword] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    found = [e for e in parse_po(PO) if e["msgid"]]
    assert len(found) > 100, "the catalog should hold the strings of every sub-app"
    return found


def test_the_header_declares_simplified_chinese_with_one_plural_form():
    header = next(e for e in parse_po(PO) if e["msgid"] == "")
    text = header["msgstr"][0]
    assert "Language: zh_Hans\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text
    assert "Project-Id-Version: django-llmshop" in text
    assert "fuzzy" not in header["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    obsolete = [e["msgid"] for e in entries if e["obsolete"]]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []


def test_translations_keep_their_placeholders(entries):
    pattern = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|</?[a-z]+[^>]*>")
    for entry in entries:
        # The plural msgid, when there is one, names every placeholder of the one Chinese form.
        source = str(entry.get("msgid_plural", entry["msgid"]))
        for target in entry["msgstr"]:
            assert sorted(pattern.findall(target)) == sorted(pattern.findall(source)), target


class Missing(gettext.NullTranslations):
    """A fallback that fails, so that a message missing from the .mo is not taken as its own
    translation."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


def test_the_compiled_catalog_matches_the_po_file(entries):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    compiled.add_fallback(Missing())
    stale = []
    for entry in entries:
        try:
            if "msgid_plural" in entry:
                found = [
                    compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)
                ]
            else:
                found = [compiled.gettext(entry["msgid"])]
        except KeyError:
            found = []
        if set(found) != set(entry["msgstr"]):
            stale.append(entry["msgid"])
    assert stale == [], "the .mo is older than the .po: run compilemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_msgfmt_accepts_the_po_file(tmp_path):
    result = subprocess.run(  # noqa: S603 - a fixed command on our own file
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_model_names_and_choices_come_out_in_chinese():
    from django_llmshop.content.models import Draft
    from django_llmshop.recommend.models import TrainedModel
    from django_llmshop.support.models import Conversation

    with translation.override("zh-hans"):
        assert str(Draft._meta.verbose_name) == "草稿"
        assert str(Conversation._meta.verbose_name_plural) == "对话"
        assert str(TrainedModel._meta.verbose_name) == "训练模型"
        assert str(Draft.Status.PUBLISHED.label) == "已发布"
    with translation.override("en"):
        assert str(Draft._meta.verbose_name) == "draft"


def test_shopper_facing_strings_come_out_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Recommended for you") == "为您推荐"
        reason = translation.gettext("Because you viewed %(name)s") % {"name": "保温杯"}
        assert reason == "因为您浏览过 保温杯"
        assert translation.gettext("The message is empty.") == "消息不能为空。"
        closed = translation.ngettext("%d conversation closed.", "%d conversations closed.", 3)
        assert closed % 3 == "已关闭 3 个对话。"


@pytest.mark.django_db
def test_the_chat_widget_renders_in_chinese():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    template = Template("{% load llmshop %}{% llmshop_chat %}")
    with translation.override("zh-hans"):
        html = template.render(Context({"request": request}))
    assert "有疑问？在线咨询" in html
    assert "发送" in html
    assert 'aria-label="关闭聊天"' in html
    assert "Questions? Chat with us" not in html
    assert HAN.search(html)
