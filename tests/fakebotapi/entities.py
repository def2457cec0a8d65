"""Parse Telegram's HTML parse mode the way the Bot API does, strictly.

The fake server rejects what Telegram rejects (unknown tags, unbalanced tags, a bare `<` or `&`)
with Telegram's own error wording, so a test fails whenever the bot forgets to escape a string.
"""

from __future__ import annotations

import html
import re

SUPPORTED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class EntityError(ValueError):
    """The text cannot be parsed; the message is Telegram's description after 'Bad Request: '."""


def html_to_plain(text: str) -> str:
    """Check `text` as Telegram HTML and return what the user would see (tags removed)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if not match:
                raise EntityError(
                    f"can't parse entities: Unsupported start tag at byte offset {pos}"
                )
            closing, name, _attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in SUPPORTED_TAGS:
                raise EntityError(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {pos}'
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(
                        f"can't parse entities: Unmatched end tag at byte offset {pos}, "
                        f'expected "</{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(text, pos)
            if not match:
                raise EntityError(
                    f"can't parse entities: Character '&' is reserved at byte offset {pos}"
                )
            body = match.group(1)
            if body.startswith("#"):
                out.append(html.unescape(match.group(0)))
            elif body in NAMED_ENTITIES:
                out.append(NAMED_ENTITIES[body])
            else:
                raise EntityError(
                    "can't parse entities: Unsupported HTML entity "
                    f'"&{body};" at byte offset {pos}'
                )
            pos = match.end()
        elif char == ">":
            raise EntityError(
                f"can't parse entities: Character '>' is reserved at byte offset {pos}"
            )
        else:
            out.append(char)
            pos += 1
    if stack:
        raise EntityError(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)
