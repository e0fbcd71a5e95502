"""Hiding credentials a URL carries in its userinfo (``https://user:pass@host/...``).

Feed URLs may carry a password; every place that logs, stores or shows a feed URL or an
error that may quote one passes the text through :func:`hide_userinfo` (log lines and stored
errors through :func:`bot.settings.redact`, which applies it).
"""

from __future__ import annotations

import re

# scheme://userinfo@ : userinfo runs to the last "@" before the path, query or fragment.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s?#]+@")


def hide_userinfo(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    return _USERINFO.sub(r"\1***@", text)
