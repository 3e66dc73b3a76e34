"""The generators of evals/CLASSES10.md (round 10's third spec): importing this module registers its classes."""

from __future__ import annotations

from evals.gen import (
    c10_first,  # noqa: F401 - registers c10-A1, F4, G4, H4
    c10_late,  # noqa: F401 - registers c10-E1, E3, F3
    c10_more,  # noqa: F401 - registers c10-F7, H2, G3, G5, B2, F5, F6
    c10_runtime,  # noqa: F401 - registers c10-E2, G2, G6, H3, F2
    c10_storage,  # noqa: F401 - registers c10-H1, C1, D2, A4
    c10_stream,  # noqa: F401 - registers c10-A3, B1
    c10_ws,  # noqa: F401 - registers c10-F1
)
from evals.gen.registry import REGISTRY

CLASSES = REGISTRY["10"]
