"""Kept for imports: the redactor lives in `sidecar.redaction`, shared by every exit."""

from __future__ import annotations

from ..redaction import KINDS, redact, redact_counts, redact_obj

__all__ = ["redact", "redact_counts", "redact_obj", "KINDS"]
