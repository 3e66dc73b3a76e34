"""Format detection: text, JSON lines or Docker json-file records, from a file's first complete lines."""

from __future__ import annotations

import json

_DETECT_LINES = 8


def detect_format(head: bytes) -> str | None:
    """Decide a file's format from its first complete lines; None while no complete line exists.

    Docker json-file records are JSON objects with `log` and `stream`; other objects are JSON
    lines; anything else is text (a traceback continuation or a banner is still text).
    """
    lines = [ln for ln in head.split(b"\n")[:-1] if ln.strip()][:_DETECT_LINES]
    if not lines:
        return None
    objects = 0
    docker = 0
    for ln in lines:
        s = ln.strip()
        if not s.startswith(b"{"):
            continue
        try:
            obj = json.loads(s)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(obj, dict):
            objects += 1
            if "log" in obj and "stream" in obj:
                docker += 1
    if objects and objects * 2 >= len(lines):
        return "docker" if docker * 2 >= objects else "json"
    return "text"
