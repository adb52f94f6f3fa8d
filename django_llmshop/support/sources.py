"""The sources a reply may cite: knowledge passages and tool results, numbered S1, S2 ..."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_MARKER_RE = re.compile(r"\[(S\d+)\]")


@dataclass
class Source:
    id: str
    kind: str  # "policy", "faq", "page", "product", "order"
    title: str
    url: str
    text: str
    # Strings that, found in the reply, show it used this source (an order number, a name).
    match: tuple[str, ...] = ()

    def citation(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "url": self.url}


@dataclass
class SourceList:
    sources: list[Source] = field(default_factory=list)

    def add(
        self, kind: str, title: str, url: str, text: str, match: tuple[str, ...] = ()
    ) -> Source:
        for source in self.sources:  # the same thing seen twice keeps its first id
            if source.kind == kind and source.title == title and source.url == url:
                return source
        source = Source(f"S{len(self.sources) + 1}", kind, title, url, text, match)
        self.sources.append(source)
        return source

    def text(self) -> str:
        """All source texts, for checking the amounts a reply mentions."""
        return "\n".join(source.text for source in self.sources)

    def cited_by(self, reply: str) -> list[dict[str, Any]]:
        """The sources the reply cites with [Sn] markers or visibly uses, in order."""
        marked = set(_MARKER_RE.findall(reply))
        lowered = reply.lower()
        cited = []
        for source in self.sources:
            used = any(m and m.lower() in lowered for m in source.match)
            if source.id in marked or used:
                cited.append(source.citation())
        return cited


def link_markers(reply: str, citations: list[dict[str, Any]]) -> str:
    """Turn [S1] markers into Markdown links to the cited source; unknown markers go."""
    by_id = {str(c.get("id")): c for c in citations}

    def replace(match: re.Match[str]) -> str:
        citation = by_id.get(match.group(1))
        if citation is None:
            return ""
        number = str(citation["id"])[1:]
        url = str(citation.get("url") or "")
        return f"[[{number}]]({url})" if url else f"[{number}]"

    return _MARKER_RE.sub(replace, reply)
