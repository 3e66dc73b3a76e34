"""The generators of evals/CLASSES11.md (round 11's fourth spec, written in round 12): importing this module
registers its classes (spec "11", ids `c11-<class>`)."""

from __future__ import annotations

from evals.gen import (
    c11_capacity,  # noqa: F401 - registers c11-D1, D2
    c11_code,  # noqa: F401 - registers c11-G1, G2, G3, G6, G7, G9, G10
    c11_conc,  # noqa: F401 - registers c11-E1, E2, E3, E4
    c11_config,  # noqa: F401 - registers c11-F1, F2, F4, F7, F8
    c11_crypto,  # noqa: F401 - registers c11-F9
    c11_late,  # noqa: F401 - registers c11-B1, B2, F3, F5
    c11_provider,  # noqa: F401 - registers c11-A1, A2, A3
    c11_runtime,  # noqa: F401 - registers c11-F6, G4, G5, G8
    c11_storage,  # noqa: F401 - registers c11-C1, C2, C3, C4
    c11_unknown,  # noqa: F401 - registers c11-H1, H2, H3
)
from evals.gen.registry import REGISTRY

CLASSES = REGISTRY["11"]
