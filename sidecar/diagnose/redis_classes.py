"""redis-py's exception tree (redis/exceptions.py, redis 8.2), for a sidecar that does not install redis.

A log names `redis.exceptions.LockNotOwnedError`; its bases say it is a `LockError` (a `ValueError` too)
and a `RedisError`. The sidecar never imports redis (it is not a dependency), so the tree is written down
here: class -> its bases, most derived first, short names (`redis.X`). tests/diagnose/test_library_families.py
compares it with the installed redis when one is installed.
"""

from __future__ import annotations

_R = "redis.RedisError"
_RESPONSE = ("redis.ResponseError", _R)
_CONNECTION = ("redis.ConnectionError", _R)

REDIS_BASES: dict[str, tuple[str, ...]] = {
    _R: (), "redis.ConnectionError": (_R,), "redis.TimeoutError": (_R,),
    "redis.AuthenticationError": _CONNECTION, "redis.AuthorizationError": _CONNECTION,
    "redis.BusyLoadingError": _CONNECTION, "redis.MaxConnectionsError": _CONNECTION,
    "redis.MaxClientsReachedError": _CONNECTION, "redis.ExternalAuthProviderError": _CONNECTION,
    "redis.InvalidResponse": (_R,), "redis.ResponseError": (_R,), "redis.DataError": (_R,),
    "redis.PubSubError": (_R,), "redis.WatchError": (_R,),
    "redis.NoScriptError": _RESPONSE, "redis.OutOfMemoryError": _RESPONSE, "redis.ExecAbortError": _RESPONSE,
    "redis.ReadOnlyError": _RESPONSE, "redis.NoPermissionError": _RESPONSE, "redis.ModuleError": _RESPONSE,
    "redis.NoSuchFieldsetError": _RESPONSE, "redis.AuthenticationWrongNumberOfArgsError": _RESPONSE,
    "redis.AskError": _RESPONSE, "redis.TryAgainError": _RESPONSE, "redis.ClusterCrossSlotError": _RESPONSE,
    "redis.MovedError": ("redis.AskError", *_RESPONSE),
    "redis.LockError": (_R, "ValueError"), "redis.LockNotOwnedError": ("redis.LockError", _R, "ValueError"),
    "redis.ClusterError": (_R,), "redis.ClusterDownError": ("redis.ClusterError", *_RESPONSE),
    "redis.MasterDownError": ("redis.ClusterDownError", "redis.ClusterError", *_RESPONSE),
    "redis.ChildDeadlockedError": (), "redis.RedisClusterException": (),
    "redis.SlotNotCoveredError": ("redis.RedisClusterException",),
    "redis.RedisClusterUnreachableError": ("redis.RedisClusterException",),
    "redis.CrossSlotTransactionError": ("redis.RedisClusterException",),
    "redis.InvalidPipelineStack": ("redis.RedisClusterException",), "redis.IncorrectPolicyType": (),
}

# redis/lock.py: LockNotOwnedError = the lock's token is gone (its TTL ran out during the work); LockError =
# "Unable to acquire lock within the time specified" (another holder) or a lock used in a state that forbids
# it (released when not held, extended without a timeout): refined by message in message_texts.py
REDIS_FAMILIES: dict[str, str] = {
    "redis.LockNotOwnedError": "concurrency.lock_lost", "redis.LockError": "code.lock_misuse",
    "redis.MaxClientsReachedError": "pool.queue",
}
