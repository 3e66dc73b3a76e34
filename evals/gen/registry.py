"""The generators by spec and class: each class gives a case function and its near-miss twin, both `(rng) -> dict`.

A class is written once as `build(rng, twin)`: every random choice is drawn in the same order whether or not it
is the twin, so a case and its twin from equal rng states differ only in the deciding evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from random import Random
from typing import Any

CaseFn = Callable[[Random], dict[str, Any]]
REGISTRY: dict[str, dict[str, tuple[CaseFn, CaseFn]]] = {}


def klass(spec: str, cls_id: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register `build(rng, twin)` as class `cls_id` of spec `spec` (its case and twin functions)."""

    def deco(build: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        case: CaseFn = partial(build, twin=False)
        twin: CaseFn = partial(build, twin=True)
        REGISTRY.setdefault(spec, {})[cls_id] = (case, twin)
        return build

    return deco
