"""Alerts as plain text, for the console and logs. Feed text is untrusted: control
characters (terminal escape sequences included) are removed before printing."""

from __future__ import annotations

import re
from typing import Any

from storage.records import AlertView

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: Any) -> str:
    return _CONTROL.sub("", str(value)).strip()


def render_text(alert: AlertView) -> str:
    p = alert.payload
    if alert.kind == "feed_health":
        if p.get("state") == "recovered":
            return f"[feed recovered] {clean(p['feed_name'])} is fetching again."
        return (
            f"[feed failing] {clean(p['feed_name'])} failed {p['after_failures']} times in a row. "
            f"Last error: {clean(p.get('error') or 'unknown')}"
        )
    head = f"[{alert.kind.replace('_', ' ')}] {clean(p.get('title', ''))}"
    lines = [head]
    facts = [
        ("event", p.get("event")),
        ("companies", ", ".join(p.get("companies", []))),
        ("bills", ", ".join(p.get("bill_ids", []))),
        ("where", ", ".join(p.get("jurisdictions", []))),
    ]
    detail = "; ".join(f"{k}: {clean(v)}" for k, v in facts if v and v != "none")
    if detail:
        lines.append("  " + detail)
    if p.get("source") or p.get("url"):
        lines.append(f"  source: {clean(p.get('source', ''))} {clean(p.get('url', ''))}".rstrip())
    others = p.get("also_reported_by") or []
    if others:
        lines.append("  also reported by: " + ", ".join(clean(o["name"]) for o in others))
    return "\n".join(lines)
