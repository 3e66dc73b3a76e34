"""One documented code's meaning for the gateway: (category, severity, summary, root cause, fixes).

Shared by every code and message table (codes.py, database_codes.py, gateway_messages.py...); the texts may hold
`{who}`, `{code}` and `{meaning}`, filled in by taxonomy.py.
"""

from __future__ import annotations

from .model import Category, Severity

Text = tuple[Category, Severity, str, str, tuple[str, ...]]


def _t(category: Category, severity: Severity, summary: str, cause: str, *fixes: str) -> Text:
    return category, severity, summary, cause, fixes
