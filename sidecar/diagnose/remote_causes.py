"""Class-level answers by the remote a failure concerns: the database, the cache, Supabase's services.

The same family means different causes by who met it (taxonomy.py picks the family and the remote): a read
timeout under postgrest is a slow query (under the openai SDK the provider answering slowly: provider_causes.py,
split from here in round 6); an HTTP 401 from Supabase Storage is a policy. Each function here maps (family, remote, status, the
record's words) to a Text: category by the doctrine (doctrine.py: what must be changed), severity, and a cause
made of facts of this record only - never another remote, never a cause the record does not show.
"""

from __future__ import annotations

import re

from .auth_messages import auth_message_text
from .codes import Text, redis_reply_entry
from .doctrine import Cause
from .functions_causes import functions_text
from .model import Severity
from .service_codes import auth_code_text, jwt_signature_text, storage_code_text

DATABASES = {"supabase": "Supabase (PostgREST/Postgres) database"}
CACHES = {"redis": "Redis (cache)"}
# Redis's reply `OOM command not allowed when used memory > 'maxmemory'`: the word, not "room:42" or "chatroom".
_OOM = re.compile(r"\boom\b")
# an expired token in the words of PostgREST (PGRST303 "JWT expired"), GoTrue and storage-api ("exp" claim, also
# JSON-escaped in a logged body: \"exp\" claim)
_EXPIRED = re.compile(r"\bexpired\b|\\?\"exp\\?\" claim|token is expired", re.I)
# storage-api's fixed message for its NoSuchBucket error (storage3 passes it through)
_NO_BUCKET = re.compile(r"Bucket not found|NoSuchBucket", re.I)


def _bucket_text(cls: str, status: int | None) -> Text:
    """storage-api's `Bucket not found` (error NoSuchBucket): the bucket the gateway is configured with
    does not exist in this project - configuration, not a missing object."""
    return ("config", "high", f"The Supabase Storage bucket does not exist ({cls}) - check the configured bucket name",
            f"Supabase Storage answered {status or 404} 'Bucket not found': the bucket named in the request is not in "
            "this project (a wrong bucket name in the configuration, another project's URL, or the bucket was never "
            "created).",
            ("Check the bucket name the gateway is configured with against the project's Storage buckets; create the "
             "bucket (with its policies) if it is missing.",))


# an HTTP API's connection reset (RST) or TLS EOF mid-request: what ended it sits on the path (the load balancer, an
# edge, a proxy in front of the REST/Storage API), not the database answering - a GOAWAY (HTTP/2 ConnectionTerminated)
# is the service's own closing and stays the service's (held-out 2's 710)
_PATH_RESET = re.compile(r"\[Errno 104\]|Connection reset by peer|ECONNRESET|EOF occurred in violation of protocol|"
                         r"UNEXPECTED_EOF_WHILE_READING|unexpected eof while reading|"
                         # the body cut short (h11 via httpcore; aiohttp's payload errors): the same path teardown
                         r"peer closed connection without sending complete message body|Response payload is not "
                         r"completed|ContentLengthError|TransferEncodingError", re.I)
HTTP_CLIENTS = frozenset({"httpx", "httpcore", "aiohttp", "postgrest", "storage3", "supabase_auth"})


def path_reset_text(family: str, who: str, cls: str, components: frozenset[str], record: str) -> Text | None:
    """A reset or TLS EOF on the HTTP path to the database's REST/Storage API (CLASSES8 B2/B4): network, transient.
    A direct database/cache socket (psycopg, redis-py) reset is the service's (storage_text), as is a GOAWAY."""
    if family not in ("connection.dropped", "protocol.remote") or not components & HTTP_CLIENTS:
        return None
    if components & {"psycopg", "psycopg_pool", "redis", "asyncpg"} or "ConnectionTerminated" in record \
            or not _PATH_RESET.search(record):
        return None
    return ("network", "medium", f"The connection to {who}'s HTTP API was cut mid-response ({cls})",
            f"The HTTP connection to {who}'s API ended abruptly (a TCP reset or a TLS session cut without close_notify) "
            "while the request was in flight: something on the path (the edge or API gateway in front of it, a proxy, an idle "
            "keep-alive connection expired by an intermediary) ended it. Transient; the service is not shown failing.",
            ("Retry idempotent requests; if it recurs on the first request after idle periods, expire pooled "
             "keep-alive connections sooner (httpx Limits keepalive_expiry) than the intermediary does.",))


def storage_text(family: str, who: str, cls: str, status: int | None, cache: bool, said: str = "") -> Text | None:
    sev: Severity = "medium" if cache else "high"
    slow = "The Redis command is slow or the cache server is overloaded" if cache else \
        "The database query or REST call is slow (a large batch, a missing index, locks) or the database is overloaded"
    if family.startswith("timeout") and family != "timeout.pool":
        what = "Connecting to" if family == "timeout.connect" else "A request to"
        call = "cache call" if cache else "database call"
        return ("storage", sev, f"{what} {who} timed out ({cls}) - the {call} is slow or the server is overloaded",
                f"{slow}; the call did not finish within the client's timeout.",
                (f"Find the call in the traceback and check {who}'s load, slow queries and locks at that time.",
                 "Split large batches, add the missing index, or raise this client's timeout if the work is legitimate."))
    if cls.endswith("MaxClientsReachedError") or "max number of clients reached" in said.lower():
        # redis-py: the server's "ERR max number of clients reached" - its maxclients limit, not the client's pool
        return ("capacity", sev, f"The {who} refused a new connection: its maxclients limit is reached ({cls})",
                f"{who} already serves as many client connections as its maxclients setting allows: the clients "
                "together (every replica's pool, leaked connections) open more connections than it accepts.",
                (f"Count the connections to {who} (CLIENT LIST / INFO clients) and lower the pools' sizes or raise "
                 "maxclients; close connections the code leaks.",))
    if family in ("timeout.pool", "pool.queue"):
        # doctrine.py: the client's own pool is our limit (capacity), not the database failing
        return ("capacity", sev, f"No free connection in the {who} connection pool ({cls}) - pool exhausted",
                "Every connection of the client/pool was in use for longer than the pool timeout: connections are "
                "held too long (slow queries, leaked transactions) or the pool is too small for the load.",
                ("Check the pool's size against the concurrent load and the database's max_connections; find queries "
                 "or transactions that hold connections long; release connections in finally blocks.",))
    if family.startswith(("connect", "connection")):
        how = {"connect.dns": "its hostname does not resolve (DNS)", "connect.tls": "the TLS/certificate check failed",
               "connect.refused": "the connection was refused", "connection.dropped": "the connection was dropped"}
        why = how.get(family, "the connection failed")
        return ("storage", sev, f"The {who} is unreachable from the gateway ({cls}: {why})",
                f"The gateway could not talk to {who}: {why}. The service is down, paused, restarting, or the URL/host "
                f"in the configuration is wrong.",
                (f"Check that {who} is up (project status, container) and that its URL in the environment is right.",
                 "Let the client reconnect with backoff; writes in this window may need replaying."))
    if family == "decode.json":
        return ("storage", "medium", f"The {who} answered with a body that is not JSON ({cls})",
                f"The answer from {who} could not be parsed: an empty or cut-off body, or an HTML error page from "
                f"a proxy in front of it.",
                ("Log the status and the first bytes of the raw body (redacted); check the service's health.",))
    if family == "http.status" and status == 404 and not cache and _NO_BUCKET.search(said):
        return _bucket_text(cls, status)
    if family == "http.status" and status == 404 and not cache and "/rest/v1/" in said:
        # PostgREST's 404 is a table/function not in its schema cache (PGRST205, PGRST202): the query (code)
        rpc = "/rest/v1/rpc/" in said
        return ("code", "high", f"The {who} has no {'function' if rpc else 'table'} the request names (HTTP 404, {cls})",
                f"PostgREST answered 404 for the {'RPC function' if rpc else 'table'} in the URL: it is not in its schema "
                "cache (PGRST202/PGRST205) - the migration creating it was not applied here, the name is wrong, or the "
                "schema cache is stale.",
                ("Apply the missing migration / fix the name in the query, then reload the schema cache: NOTIFY pgrst, "
                 "'reload schema';",))
    if family == "http.status" and status is not None:
        if status in (400, 401, 403) and _EXPIRED.search(said):  # storage-api answers 400 for an expired JWT
            # doctrine.py: a session/JWT that ran out is the auth service's runtime state (both case writers: storage)
            return ("storage", "high", f"The {who} refused an expired token (HTTP {status}, {cls})",
                    f"{who} answered {status}: the JWT/session sent has expired; calls with it fail until it is refreshed.",
                    ("Refresh the session before it expires (or use the service key for server-side calls).",))
        if status in (401, 403):
            # doctrine.py: a refused key, a missing grant or policy fails every time until a setting changes: config
            return ("config", "high", f"The {who} refused the request (HTTP {status}, {cls}) - credentials or permission",
                    f"{who} answered {status}: the key sent is invalid or another project's, or a row-level security "
                    f"policy or grant does not allow this operation; it fails every time until the key or grant changes.",
                    ("Check the service key the gateway uses and the table's RLS policies and grants.",))
        if status == 409:
            # doctrine.py: a write its constraints refuse (PostgREST answers 409 for 23505/23503, storage-api for an
            # object key that exists) - storage, as class 23; the text says which write to make idempotent
            return ("storage", "medium", f"The {who} refused a write that conflicts with existing data (HTTP 409, {cls})",
                    f"{who} answered 409: the row or object already exists or references one that does not (a unique "
                    "or foreign key constraint, an upload to an existing key without upsert); the service is up.",
                    ("Make the write idempotent (upsert on the key, upsert=true for Storage uploads) or write the "
                     "referenced row first.",))
        if status in (400, 405, 406, 415, 422) and not cache:
            # doctrine.py: the service refused the request the gateway built (its filter, body or method) - code,
            # whatever component met it
            return ("code", "medium", f"The {who} rejected the request the gateway built (HTTP {status}, {cls})",
                    f"{who} answered {status}: the request's filter, body, method or the write itself is not valid for "
                    "the database (the error body's code, PGRST1xx or a SQLSTATE, says which); the service is fine.",
                    ("Log the error body's code and message; fix the query builder call in the traceback.",))
        if status == 429:
            return ("storage", "medium", f"The {who} rate-limited the gateway (HTTP 429, {cls})",
                    f"{who} refused calls with 429: too many requests for the project's limits.",
                    ("Back off and batch the calls; check the project's rate limits.",))
        if status == 413:
            return ("storage", "medium", f"The {who} refused a body over its size limit (HTTP 413, {cls})",
                    "The object or request is larger than the configured limit.",
                    ("Check the object size before writing; raise the limit if the size is legitimate.",))
        if status >= 500:
            return ("storage", "high", f"The {who} failed on its side (HTTP {status}, {cls})",
                    f"{who} answered {status}: the database or API server failed; the request may be fine.",
                    (f"Check {who}'s health and logs at that time; retry idempotent calls.",))
    return None


def service_text(family: str, cls: str, status: int | None, said: str, logged: str = "") -> Text | None:
    """Supabase Storage/Auth and Redis errors: the class names the service, a documented code in `said` or the
    record's messages (`logged`) the cause, else the status/message."""
    if family.startswith("supabase.functions"):
        return functions_text(family, cls, status, said)
    if family in ("supabase.auth", "supabase.storage") and (signed := jwt_signature_text(
            said, cls, status, "Auth" if family == "supabase.auth" else "Storage")) is not None:
        return signed
    low = said.lower()
    quote = ""  # the record's own words follow every class-level root cause (rules._logged)
    if family == "supabase.storage" and _NO_BUCKET.search(said):
        return _bucket_text(cls, status)
    # a documented error code in the record decides before the status and the words (service_codes.py)
    if family == "supabase.storage" and (by_code := storage_code_text(f"{said} {logged}", cls, status)) is not None:
        return by_code
    if family == "supabase.auth" and (by_code := auth_code_text(f"{said} {logged}", cls, status)) is not None:
        return by_code
    if family == "supabase.storage":
        # doctrine.py: a policy or key that refuses (config) and an object key the code built wrongly (code) fail
        # every time until changed; the service's size limit, rate limit and missing objects are its runtime answers
        if status in (401, 403) or "row-level security" in low or "policy" in low or "unauthorized" in low:
            return ("config", "high", f"Supabase Storage refused the operation ({cls}: a row-level security policy or "
                    "the key does not allow it)",
                    f"Supabase Storage (storage3) answered {status or 'an error'}: the storage policy (RLS on "
                    "storage.objects) or the key the gateway uses does not allow this operation; it fails every time "
                    "until the policy or the key setting changes.",
                    ("Add the storage policy for this operation, or use the service-role key for server-side calls.",))
        if "invalidkey" in low.replace(" ", "") or "invalid key" in low:
            return ("code", "medium", f"Supabase Storage refused the object key the gateway built ({cls}: InvalidKey)",
                    "Supabase Storage answered 400 InvalidKey: the object path the code built contains characters "
                    "Storage does not accept in object names (non-ASCII letters, spaces, some punctuation).",
                    ("Sanitise object names before upload (ASCII slug of the file name, keep the original name in "
                     "metadata).",))
        if status == 413 or "maximum allowed size" in low or "too large" in low:
            why = "the object is larger than the bucket's size limit"
        elif status == 429:
            why = "too many storage requests (rate limit)"
        elif status == 404 or "not found" in low:
            why = "the bucket or object does not exist"
        else:
            why = "the storage API refused the operation"
        return ("storage", "medium", f"Supabase Storage refused the operation ({cls}: {why})",
                f"Supabase Storage (storage3) answered {status or 'an error'}: {why}.{quote}",
                ("Check the bucket name, its policies (RLS on storage.objects) and size limit, and the key the gateway "
                 "uses for storage calls.",))
    if family == "supabase.auth" and (by_message := auth_message_text(said, cls, status)) is not None:
        return by_message  # GoTrue's documented message names its ErrorCode (auth_messages.py)
    if family == "supabase.auth":
        if "rate limit" in low or "over_request_rate_limit" in low or status == 429:
            why, sev = "too many auth requests (rate limit)", "medium"
        elif "session" in low and ("not found" in low or "does not exist" in low or "missing" in low):
            # supabase_auth ErrorCode session_not_found: the user signed out or the session was revoked
            return ("storage", "medium", f"Supabase Auth no longer knows the user's session ({cls}: session_not_found)",
                    "Supabase Auth (GoTrue) answered that the session the token refers to does not exist: the user signed "
                    "out elsewhere or the session was revoked or expired; that user must sign in again.",
                    ("Treat it as signed out: clear the stored session and ask the user to sign in again.",))
        elif "jwt" in low or "token" in low or "session" in low:
            why, sev = "the session/JWT or refresh token is invalid, expired or already used", "high"
        else:
            why, sev = "the auth API refused the request", "medium"
        return ("storage", sev, f"Supabase Auth refused the request ({cls}: {why})",  # type: ignore[return-value]
                f"Supabase Auth (supabase_auth / GoTrue) answered {status or 'an error'}: {why}.{quote}",
                ("Check how the gateway creates and refreshes Supabase sessions (one refresh at a time, back off on "
                 "rate limits); server-side calls can use the service key instead of a user session.",))
    if family.startswith("redis."):
        reply = redis_reply_entry(said) if family in ("redis.response", "redis.auth") else None
        if reply is not None:
            kind, (category, severity, summary, cause, fixes) = reply
            return (category, severity, summary.format(code=kind), cause + quote, fixes)
        if family == "redis.auth":
            return ("config", "high", f"Redis refused the password/user ({cls})",
                    f"The Redis (cache) server rejected the credentials in the Redis URL.{quote}",
                    ("Check the Redis URL/password in the environment against the server's requirepass/ACL.",))
        if _OOM.search(low) or "maxmemory" in low or cls.endswith("OutOfMemoryError"):
            # doctrine.py: a memory limit of the cache service (maxmemory) is a resource limit: capacity
            return ("capacity", "medium", f"Redis (cache) is out of memory ({cls}): it reached maxmemory and refuses "
                    "writes", f"The Redis (cache) server reached its maxmemory limit and refuses writes.{quote}",
                    ("Check INFO memory and maxmemory-policy (an eviction policy such as allkeys-lru for a cache) and "
                     "the keys without TTL; raise maxmemory if the working set is legitimate.",))
        elif cls.endswith(("MovedError", "AskError")):
            # Redis Cluster's redirections (cluster spec, "Redirection and resharding": MOVED <slot> <host:port> /
            # ASK): a cluster-aware client (redis-py's RedisCluster) follows them and never raises; redis-py's plain
            # client raises them (redis/_parsers/base.py EXCEPTION_CLASSES), so the client talks to a Redis Cluster
            # (or a cluster-mode endpoint) as if it were one server - the URL or the client mode, fails every time
            return ("config", "high", f"A non-cluster Redis client got a Redis Cluster redirection ({cls})",
                    "The Redis endpoint the client uses is a Redis Cluster (or a cluster-mode endpoint) and the client "
                    "is a single-server one: keys whose slot lives on another node are answered with a redirection "
                    f"it does not follow.{quote}",
                    ("Point the Redis URL at a non-cluster endpoint, or use the cluster client (RedisCluster / the "
                     "cluster mode setting) for this endpoint.",))
        elif cls.endswith((".ResponseError", ".DataError")) and "unknown command" in low:
            # redis-py strips the reply's "ERR " (redis/_parsers/base.py parse_error): a command the server does not
            # have is a module that is not loaded (RedisJSON, RediSearch) or an older server: an installed dependency
            return ("config", "medium", f"The Redis server does not have the command the code sends ({cls})",
                    "Redis answered 'unknown command': the server lacks it - a Redis module (RedisJSON, RediSearch, "
                    f"TimeSeries) is not loaded, or the server is older than the command; it fails every time.{quote}",
                    ("Run the Redis image/version with that module loaded (redis-stack), or stop using the command.",))
        elif cls.endswith((".ResponseError", ".DataError")):
            # a plain ResponseError is an "ERR" reply (redis-py strips the word; the kinds with their own first word
            # are REDIS_REPLIES or subclasses): the server refused the command the code sent, syntax or arguments
            return ("code", "medium", f"Redis rejected the command the code sent ({cls}: an ERR reply)",
                    "Redis answered an ERR error reply: the command's syntax, arguments or value type is wrong for "
                    f"the server (the message says which); the server itself is fine.{quote}",
                    ("Find the command in the traceback and fix its arguments (a value type, an option, the number "
                     "of arguments).",))
        elif family == "redis.loading":
            why = "Redis is loading its dataset into memory (just restarted)"
        elif cls.endswith("ReadOnlyError") or "read only replica" in low:
            why = "the Redis node is a read-only replica (after a failover the client still writes to it)"
        else:
            why = "Redis rejected the command"
        # the fix names what the state is about (a restart, a failover), never a cause the record does not show
        check = ("Wait for the load to finish (INFO persistence: loading:0) and let the client retry with backoff; "
                 "look for why Redis restarted." if family == "redis.loading" else
                 "Point writes at the primary (a Sentinel/cluster-aware client, or the new primary's address)."
                 if "replica" in why else "Check the Redis server's log and state at that time.")
        return ("storage", "medium", f"Redis (cache) error ({cls}): {why}",
                f"The Redis (cache) server answered an error: {why}.{quote}",
                (check + " The cache should degrade, not fail the request.",))
    return None


def transport_text(cause: Cause, who: str, cls: str) -> Text:
    """A connect failure whose own text decides its cause (doctrine.py): the category by persistence, not by
    which remote it concerns."""
    severity: Severity = "critical" if cause.category == "config" else "high" if cause.category == "network" else "medium"
    # this client's own TLS material failed to load before any connection: a "could not connect to <remote>" names a
    # situation (a remote refusing) the record does not show - the near-miss it imitates (round 19, issue 17)
    summary = f"{who}: {cause.what} ({cls})" if cause.category == "code" else \
        f"Could not load this client's own TLS material: {cause.what} ({cls})" if cause.kind == "tls.local" else \
        f"Could not connect to {who}: {cause.what} ({cls})"
    return (cause.category, severity, summary, cause.why, (cause.fix,))
