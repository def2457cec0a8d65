"""Logging that never shows the bot token or what people wrote.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so httpx stays at
WARNING. Libraries may still put a URL in an error, so every line that reaches our handler is
redacted as well: the configured token, and anything shaped like a bot token.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")
REDACTED = "[token]"
QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "hpack", "tornado.access", "aiohttp.access")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove every secret and everything that looks like a bot token."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Attach to a handler: rewrites each record (message, arguments, traceback) without secrets."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(self._formatter.formatException(record.exc_info), self.secrets)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def configure_logging(
    *secrets: str, level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """One stderr handler for the whole process, redacting; noisy libraries at WARNING."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(*secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
