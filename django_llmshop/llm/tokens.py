"""Token counts estimated from text, for endpoints that report no usage (often in streams).

Without the model's tokenizer the count is an estimate: BPE vocabularies of current chat models
spend roughly one token on a short word or a punctuation mark, one more for every further four
letters of a long word, and about one per CJK character. Records built from an estimate say so
(``Usage.estimated``), so nobody mistakes it for the endpoint's own figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# A CJK ideograph, kana or hangul syllable; a run of letters/digits; any other visible mark.
_PIECES = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
    r"|[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
    r"|[^\w\s]"
)
# Each message costs a few tokens of chat-template framing (role markers, separators).
MESSAGE_OVERHEAD = 4


def estimate_tokens(text: str) -> int:
    """About how many tokens ``text`` takes."""
    count = 0
    for piece in _PIECES.findall(text):
        count += 1 if len(piece) <= 4 else 1 + (len(piece) - 1) // 4
    return count


def estimate_prompt_tokens(messages: Sequence[Mapping[str, Any]] | None) -> int:
    """About how many tokens a chat request's messages take, tool calls included."""
    total = 0
    for message in messages or ():
        total += MESSAGE_OVERHEAD
        content = message.get("content")
        if isinstance(content, str):
            total += estimate_tokens(content)
        elif isinstance(content, Sequence):
            for part in content:
                if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                    total += estimate_tokens(part["text"])
        for call in message.get("tool_calls") or ():
            function = call.get("function") if isinstance(call, Mapping) else None
            if isinstance(function, Mapping):
                total += estimate_tokens(str(function.get("name", "")))
                total += estimate_tokens(str(function.get("arguments", "")))
    return total
