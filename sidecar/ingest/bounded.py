"""One way to keep a memo bounded: the newest `cap` entries by when they were put, the oldest forgotten first.

Every memo of the tailer that grows with files met while running (compressed files decided and held, content read,
let-go generations watched, traceback times of a Docker stream) is such a dict: a flood of rotations or files must not
grow memory, and what is forgotten is the oldest - asked again if it comes back (each memo's docstring says what that
costs). A key put again is as new as its last put (moved to the end): a file met again is the one to keep.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def put_bounded(memo: dict[K, V], key: K, value: V, cap: int) -> None:
    """`memo[key] = value` as the newest entry; past `cap` entries the oldest put is dropped."""
    memo.pop(key, None)
    memo[key] = value
    while len(memo) > cap:
        del memo[next(iter(memo))]
