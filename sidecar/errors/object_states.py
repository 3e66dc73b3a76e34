"""An object's identity followed by its state: the state is the instance's value, like its hash.

Class (the JDK's and the libraries' own toString grammar): `Object.toString` is `getClass().getName() + "@" +
Integer.toHexString(hashCode())`; a subclass that also prints its state appends it in brackets right after
the identity - `ThreadPoolExecutor@h[Running, pool size = 5, active threads = 2, ...]` (JDK
ThreadPoolExecutor.toString: its run state is `Running` / `Shutting down` / `Terminated`),
`CompletableFuture@h[Completed normally]` / `[Not completed, 1 dependents]` (JDK 9+), Jetty's
`ServerConnector@h{HTTP/1.1, (http/1.1)}{0.0.0.0:8080}`, `ServletContextHandler@h{/,null,AVAILABLE}`,
`QueuedThreadPool[qtp1]@h{STARTED,8<=8<=200,i=0,...}` (AbstractLifeCycle / ContainerLifeCycle toString).
A statement that prints such an object (`log.warn("Task rejected from {}", executor)`) is one call site
whatever state the instance was in, and the state's words vary in number (`Running` / `Shutting down`).
So once the hash is masked (`Name@<*>`), the bracket groups glued right after it are part of the value.

Twins kept: the class name (`ThreadPoolExecutor@<*>` vs `ForkJoinPool@<*>`: which object), a bracket with
a space before it (`Name@<*> [retrying]`: the statement's own words), an `@` not followed by a masked
hash (`user@host`, e-mail addresses are masked by their own rule).
"""

from __future__ import annotations

from .brackets import close_at
from .masking_rules import PLACEHOLDER

__all__ = ["mask_object_states"]

_IDENTITY = "@" + PLACEHOLDER
_GLUED = "[{"  # the brackets a state opens with right after the identity


def _group_end(t: str, i: int) -> int:
    """The index after the bracket group opening at `t[i]` (nested brackets balanced), or -1 if unclosed."""
    j = close_at(t, i + 1)
    return j + 1 if j >= 0 else -1


def mask_object_states(t: str) -> str:
    """`t` with the bracket groups glued to each masked identity hash (`Name@<*>[...]{...}`) removed,
    so `Name@<*>` is the whole value (module docstring)."""
    pos = t.find(_IDENTITY)
    while pos >= 0:
        start = end = pos + len(_IDENTITY)
        while end < len(t) and t[end] in _GLUED:
            after = _group_end(t, end)
            if after < 0:
                break
            end = after
        if end > start:
            t = t[:start] + t[end:]
        pos = t.find(_IDENTITY, start)
    return t
