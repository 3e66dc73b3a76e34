"""The generators by spec and class: each class gives a case function and its near-miss twin, both `(rng) -> dict`.

A class is written once as `build(rng, twin)`: every random choice is drawn in the same order whether or not it
is the twin, so a case and its twin from equal rng states differ only in the deciding evidence.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from random import Random
from typing import Any

CaseFn = Callable[[Random], dict[str, Any]]
REGISTRY: dict[str, dict[str, tuple[CaseFn, CaseFn]]] = {}
# The layout of a case (shape, start time) is drawn from its own rng, forked from the case's rng BEFORE the class
# draws anything: a case and its twin then share it even where building their evidence consumed different draws.
LAYOUT: contextvars.ContextVar[Random | None] = contextvars.ContextVar("LAYOUT", default=None)


def _run(build: Callable[..., dict[str, Any]], twin: bool) -> CaseFn:
    def case(rng: Random) -> dict[str, Any]:
        token = LAYOUT.set(Random(rng.getrandbits(64)))
        try:
            return build(rng, twin=twin)
        finally:
            LAYOUT.reset(token)

    case.__name__ = f"{build.__name__}_{'twin' if twin else 'case'}"
    case.__doc__ = build.__doc__
    return case


def klass(spec: str, cls_id: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register `build(rng, twin)` as class `cls_id` of spec `spec` (its case and twin functions)."""

    def deco(build: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        case, twin = _run(build, False), _run(build, True)
        REGISTRY.setdefault(spec, {})[cls_id] = (case, twin)
        return build

    return deco
