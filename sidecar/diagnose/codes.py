"""Documented error codes -> what they mean for the gateway: Z.ai, Moonshot, the gateway's own, Redis replies.

A code in its namespace (`situation.py` tells the namespaces apart) is the most specific evidence a
record carries, and every namespace has an owner who documents it. This module holds those tables,
*whole*: Z.ai's business codes (https://docs.z.ai/api-reference/api-code); Moonshot's error types
(https://platform.moonshot.ai/docs/api/chat, errors); the gateway's own codes; Redis's error replies. The
database's namespaces (every SQLSTATE class, every PostgREST group) are in database_codes.py and postgrest_codes.py, re-exported here.

Decisions:
- An entry is (category, severity, summary, root cause, fixes) with `{who}` (the component the record
  names: "the Supabase (PostgREST/Postgres) database", "GLM (Z.ai)"...), `{code}` and `{meaning}` (the
  owner's name for the code) filled in; texts say only what the code documents.
- Category by the doctrine of doctrine.py (what the on-call engineer must change): a value or statement the
  gateway built, incl. a query that does not match the schema (undefined table/column/function, PGRST2xx),
  21 (a batch with a key twice) and 09/27/2F/38/39/P0 (a database function or trigger of our own migrations)
  -> code; a credential, grant, URL or the name of a database/schema, a pooler setting, the server's
  configuration file (F0), a limit a setting names (53400, 57P05) -> config; the database's runtime state or
  availability (connection lost, cancelled or terminated statements, a read-only server, I/O and internal
  errors), its constraints refusing a row (class 23, round 6) and its limits on what it stores (22001/22003
  declared size, 22P05/22021, 54) -> storage; a resource limit, incl. a connection pool's (53, PGRST003) -> capacity; competing
  transactions -> concurrency; the provider's account, limits or moderation -> provider. evals/TAXONOMY.md
  holds the table of every path that can answer storage.
- The gateway's own codes (src/daemon/error_handling.py, research upstream-gateway.md 1.3) are a namespace
  too, but three of them wrap another failure (PROVIDER_ERROR, TOOL_EXECUTION_ERROR, INTERNAL_ERROR):
  they answer only where nothing more specific in the record does.
- Confidence (taxonomy.py) is higher for an exact documented code than for a code known by its class
  only; no entry here raises it on its own.
"""

from __future__ import annotations

import re

from .database_codes import SQLSTATE_CLASSES, SQLSTATE_CODES, sqlstate_entry, sqlstate_message_entry
from .entry import Text, _t
from .postgrest_codes import PGRST_CODES, PGRST_GROUPS, PGRST_MEANINGS, pgrst_entry

# the database tables live in database_codes.py (SQLSTATE) and postgrest_codes.py; importers of codes.py keep one place to import every table from
__all__ = ["GATEWAY_CODES", "GATEWAY_WRAPPERS", "MOONSHOT_INVALID_REQUEST", "MOONSHOT_TYPES", "PGRST_CODES",
           "PGRST_GROUPS", "PGRST_MEANINGS", "REDIS_REPLIES", "SQLSTATE_CLASSES", "SQLSTATE_CODES", "Text",
           "ZAI_CODES", "ZAI_MEANINGS", "_t", "pgrst_entry", "redis_reply_entry", "sqlstate_entry", "sqlstate_message_entry", "zai_entry"]


# Z.ai business codes (docs.z.ai/api-reference/api-code): the body's error.code under the HTTP status
ZAI_MEANINGS: dict[str, str] = {
    "1000": "authentication failed", "1001": "no authentication parameter in the header",
    "1002": "invalid authentication token", "1003": "authentication token expired",
    "1004": "authentication failed for the token", "1100": "account read/write error",
    "1110": "the account is inactive", "1111": "the account does not exist", "1112": "the account is locked",
    "1113": "the account is in arrears (insufficient balance)", "1120": "the account cannot be accessed",
    "1121": "the account is locked for irregular activity", "1200": "API call error",
    "1210": "incorrect API call parameters", "1211": "the model does not exist",
    "1212": "the model does not support this call method", "1213": "a required parameter was not received",
    "1214": "an invalid parameter", "1215": "two parameters that cannot be set together",
    "1220": "no permission for this API", "1221": "the API has been taken offline", "1222": "the API does not exist",
    "1230": "API process error", "1231": "a request with this id is already running", "1234": "network error",
    "1261": "the prompt exceeds the maximum length", "1300": "the call was blocked by policy",
    "1301": "unsafe or sensitive content", "1302": "too many concurrent requests",
    "1303": "too frequent requests", "1304": "the daily call limit was reached", "1305": "the API traffic limit was reached",
    "1308": "the usage limit of the period was reached", "1309": "the subscription (plan) has expired",
    "1311": "the subscription plan does not include this model",
    "1310": "the weekly/monthly usage limit was reached", "1312": "the model is overloaded",
}
_ZAI_AUTH = _t("config", "critical", "{who} rejected the API key (business code {code}: {meaning}) - every GLM call fails",
               "Z.ai business codes 1000-1004 mean the token is missing, invalid or expired for the GLM API.",
               "Check GLM_API_KEY / ZAI_API_KEY in the container's environment and rotate the key in the Z.ai console.")
_ZAI_ACCOUNT = _t("provider", "critical", "{who} account cannot be billed or used (business code {code}: {meaning})",
                  "Z.ai's 111x/112x codes are about the GLM account itself (arrears, inactive, locked): not transient, "
                  "retries cannot succeed until the account is fixed.",
                  "Recharge or unlock the Z.ai (GLM) account in its console (billing).",
                  "Route GLM models to the other provider meanwhile (check that provider is healthy first); do not retry.")
_ZAI_PARAMS = _t("code", "medium", "{who} rejected the request's parameters (business code {code}: {meaning})",
                 "Z.ai's 12xx codes mean the request the gateway built is not valid for the GLM API (a parameter, a "
                 "method or a field).", "Compare the request the gateway builds with the Z.ai API reference for the field named.")
_ZAI_LIMIT = _t("provider", "medium", "{who} limited the calls (business code {code}: {meaning})",
                "Z.ai's 130x codes are the account's usage limits (frequency, daily calls, traffic): transient until the "
                "window resets.", "Back off and honour the reset time; lower the gateway's request rate to GLM.",
                "If it persists, raise the account's limits with Z.ai.")
ZAI_CODES: dict[str, Text] = {
    "1113": _t("provider", "critical", "{who} account balance exhausted (business code {code}: {meaning})",
               "Z.ai answers 1113 when the GLM account is in arrears (insufficient balance or no resource package): "
               "every GLM call fails until it is recharged; retries cannot succeed.",
               "Recharge the Z.ai (GLM) account or buy a resource package in its console (billing).",
               "Route GLM models to the other provider while the GLM balance is restored; treat 1113 as non-retryable."),
    "1211": _t("config", "high", "{who} does not know the requested model (business code {code}: {meaning})",
               "The model name in the request does not exist for this GLM account.",
               "Check the model name the gateway sends to GLM against the Z.ai model list and the routing config."),
    "1220": _t("config", "medium", "{who} denied this API to the key (business code {code}: {meaning})",
               "The account's key has no permission for this API or model.", "Check the account's plan and permissions in the Z.ai console."),
    "1234": _t("provider", "medium", "{who} failed with a network error on its side (business code {code}: {meaning})",
               "Z.ai documents 1234 as a network error inside its platform ('please contact customer service'), not a "
               "fault of the request.", "Retry with backoff; if it persists, give Z.ai support the error id from the message."),
    "1261": _t("code", "medium", "The request exceeds {who}'s context window (business code {code}: {meaning})",
               "The prompt plus max_tokens is longer than the GLM model accepts: the gateway sent more history or file "
               "content than fits.", "Truncate or summarise the conversation/file content before the call."),
    "1301": _t("provider", "low", "{who}'s content filter refused the request (business code {code}: {meaning})",
               "Z.ai's moderation flagged the input or output as unsafe or sensitive content: the request's content, not a "
               "gateway fault.", "Tell the user the provider refused the content; do not retry the same input."),
    # doctrine.py: the account's concurrency limit is one of the provider's limits (as Moonshot's max concurrency)
    "1302": _t("provider", "medium", "{who} refused calls over its concurrency limit (business code {code}: {meaning})",
               "The gateway runs more concurrent GLM calls than the account allows.",
               "Lower the GLM provider's concurrency limit below the account's; retry with exponential backoff and jitter."),
    "1303": _t("provider", "medium", "{who} limited the request frequency (business code {code}: {meaning})",
               "The gateway sent GLM requests more often than the account's frequency limit allows in the window.",
               "Back off with jitter and spread the requests; raise the account's limits if the traffic is legitimate."),
    "1308": _t("provider", "high", "{who} usage cap of the period reached (business code {code}: {meaning})",
               "The account used up its quota for the period; calls fail until the period resets.",
               "Wait for the reset time in the message or raise the plan; route GLM traffic elsewhere meanwhile."),
    "1309": _t("provider", "critical", "{who} plan has expired (business code {code}: {meaning})",
               "The GLM subscription/package this key uses has expired: every call fails until it is renewed.",
               "Renew the plan in the Z.ai console; route GLM models to the other provider meanwhile."),
    # "当前订阅套餐暂未开放<model>权限" (the plan does not open this model): persistent until the model setting or the
    # plan changes - the configured model is one the key's plan cannot call (config), not load or balance
    "1311": _t("config", "high", "{who} plan does not include the configured model (business code {code}: {meaning})",
               "The key's subscription plan (a GLM Coding Plan, say) does not open the model the gateway asks for: "
               "every call to that model fails until the model setting or the plan changes; it is neither load nor "
               "balance, whatever HTTP status (429) it comes with.",
               "Set the GLM model setting to a model the plan includes, or upgrade the plan in the Z.ai console."),
    "1312": _t("provider", "medium", "{who} model is overloaded (business code {code}: {meaning})",
               "Z.ai's model is busy (its capacity, not the account's limit): transient.",
               "Back off and retry later, or route to another model for a while."),
}


def zai_entry(code: str) -> tuple[Text, bool] | None:
    if code in ZAI_CODES:
        return ZAI_CODES[code], True
    known = code in ZAI_MEANINGS
    if code.startswith("100"):
        return _ZAI_AUTH, known
    if code.startswith("11"):
        return _ZAI_ACCOUNT, known
    if code.startswith("12"):
        return _ZAI_PARAMS, known
    if code.startswith("130") or code == "1310":
        return _ZAI_LIMIT, known
    return None


# Moonshot error types (platform.moonshot.ai/docs/api/chat, errors): the body's error.type
MOONSHOT_TYPES: dict[str, Text] = {
    "invalid_authentication_error": _t(
        "config", "critical", "{who} rejected the API key ({code})",
        "Moonshot answers 401 invalid_authentication_error when the API key is missing, invalid or revoked (or belongs "
        "to the other region's platform).", "Check the Kimi/Moonshot API key in the container's environment and rotate it; restart after fixing."),
    "exceeded_current_quota_error": _t(
        "provider", "critical", "{who} account balance or quota exhausted ({code})",
        "Moonshot answers exceeded_current_quota_error (HTTP 429 or 403) when the account's balance or quota is used up or "
        "the account is not active: not transient, retries cannot succeed.",
        "Top up the Moonshot account (console -> Billing) or raise the spending limit; do not retry these calls.",
        "Route kimi-* models to the other provider until the balance is restored."),
    "rate_limit_reached_error": _t(
        "provider", "medium", "{who} rate limit reached ({code})",
        "Moonshot limits each account by concurrency, RPM, TPM and TPD; the gateway exceeded one of them: transient.",
        "Honour Retry-After and back off with jitter; lower the gateway's concurrency for Kimi below the account's limit.",
        "Check the account tier's limits in the Moonshot console."),
    "engine_overloaded_error": _t(
        "provider", "medium", "{who} engine is overloaded ({code})",
        "Moonshot's engine is busy (its capacity, not the account's limit): transient.",
        "Back off and retry later, or route to another model for a while."),
    "content_filter": _t(
        "provider", "low", "{who}'s content filter refused the request ({code})",
        "Moonshot's moderation considered the input high risk: the request's content, not a gateway fault.",
        "Tell the user the provider refused the content; do not retry the same input."),
    "permission_denied_error": _t(
        "config", "medium", "{who} denied permission for this API ({code})",
        "The key's account may not use this endpoint or model.", "Check the account's permissions in the Moonshot console."),
    "resource_not_found_error": _t(
        "provider", "medium", "{who} did not find the requested resource ({code})",
        "Moonshot answered resource_not_found_error: the model, file id or endpoint in the request does not exist for "
        "this account.", "Check the model name / file id the gateway sends against the Moonshot API."),
    "server_error": _t(
        "provider", "high", "{who} failed on its side ({code})", "Moonshot's server failed; the request may be fine.",
        "Check the provider's status page; retry with backoff and fail over while it lasts."),
}


# Moonshot's invalid_request_error carries its cause in the message (platform.moonshot.ai/docs/api/chat errors,
# the tool-use and file guides): the documented messages, most specific first. An unlisted message gets no entry.
MOONSHOT_INVALID_REQUEST: tuple[tuple[re.Pattern[str], Text], ...] = (
    (re.compile(r"file size is too large|max file size", re.I), _t(
        "provider", "low", "{who} refused a file over its size limit ({code}: file size is too large)",
        "Moonshot's files API accepts files up to its maximum size (100 MB); the user's file is larger.",
        "Check the size before uploading and tell the user the limit; split or compress large files.")),
    (re.compile(r"unknown tool type:?\s*web_search", re.I), _t(
        "code", "high", "{who} rejects the request's web_search tool ({code}: unknown tool type)",
        "The gateway sends an OpenAI-style tool of type 'web_search', but Moonshot accepts tool types 'function' and "
        "'builtin_function' (its $web_search); every Kimi call with web search enabled fails.",
        'Send web search to Kimi as the builtin function: tools=[{{"type": "builtin_function", "function": '
        '{{"name": "$web_search"}}}}], or disable web search for kimi-* models until it does.')),
    (re.compile(r"unknown tool type", re.I), _t(
        "code", "high", "{who} rejects a tool type it does not support ({code}: unknown tool type)",
        "The request lists a tool whose type Moonshot does not implement (it accepts 'function' and 'builtin_function').",
        "Send only tool types the provider supports; map or drop the others per provider.")),
    (re.compile(r"role 'tool' must be a response to a preceding message with 'tool_calls'|tool_call_id[^\n]{0,60}not found",
                re.I), _t(
        "code", "medium", "{who} rejected the conversation history: a tool message without its assistant tool_calls ({code})",
        "The chat API requires every role 'tool' message to answer a preceding assistant message carrying 'tool_calls' "
        "(with the same tool_call_id); the gateway's history trimming or storage dropped or reordered that message.",
        "When trimming history, keep each assistant message with tool_calls together with its tool answers.")),
    # "The number of files you have uploaded exceeded the max file count 1000, please delete previous uploaded files":
    # the account's count of stored files - files the gateway uploads and never deletes fill it (capacity, ours)
    (re.compile(r"exceeded the max file count|max file count", re.I), _t(
        "capacity", "high", "{who} holds the maximum number of uploaded files ({code}: max file count)",
        "Moonshot keeps every file uploaded to the account until it is deleted, up to a fixed count; the gateway "
        "uploads files and never deletes them, so every upload fails until old files are removed.",
        "Delete the account's old files (files.list / files.delete) and delete each uploaded file once its answer is "
        "done.")),
    (re.compile(r"text extract error|不支持的文件类型|没有解析出内容", re.I), _t(
        "provider", "medium", "{who} could not extract text from the uploaded file ({code}: text extract error)",
        "Moonshot's file-extract refused the file: an unsupported file type or nothing extractable in it.",
        "Check the file type before uploading (documents and text, not arbitrary binaries); tell the user.")),
)


# The gateway's own error codes (src/daemon/error_handling.py: "[req:<id>] [<CODE>] <message>" lines and the
# error body {"error": {"code": ...}}; research upstream-gateway.md)
GATEWAY_CODES: dict[str, Text] = {
    "UNAUTHORIZED": _t("config", "medium", "The gateway refused a client's credentials ({code})",
                       "The daemon's auth check rejected the client: its token is missing or does not match the daemon's "
                       "configured auth token.", "Check the token the client sends against the daemon's auth token setting."),
    "OVER_CAPACITY": _t("capacity", "medium", "The gateway is at capacity and refused requests ({code})",
                        "Every permit of the daemon's global/provider semaphores was taken, so new requests were refused "
                        "(real load, or permits leaked by requests that never released them).",
                        "Check /health/semaphores: current != expected is a leak, not load; otherwise raise the limits within "
                        "the providers' concurrency or add a replica."),
    "TIMEOUT": _t("provider", "medium", "A gateway request timed out ({code})",
                  "The daemon gave up on the request after its tool timeout: the provider call (or another dependency) "
                  "it waited for did not answer in time.",
                  "Find the provider call of this request id in the lines before it and check that provider's latency.",
                  "Check that the timeouts are ordered (tool < daemon < shim < client)."),
    "SERVICE_UNAVAILABLE": _t("provider", "medium", "The gateway could not serve the request: a dependency is unavailable ({code})",
                              "The daemon answered SERVICE_UNAVAILABLE: the provider or service the request needs was not "
                              "available (down, not configured, or refusing).",
                              "Check which provider or service the request needed and its health at that time."),
    # The client's input (round 12): the daemon's own validation refusing what a client sent is the same situation
    # as Starlette/FastAPI's RequestValidationError (classes.py "input.request", evals/TAXONOMY.md round 5: the
    # client's input -> unknown low) - the deployment has nothing to change for one client's arguments. A value a
    # setting supplied is re-read by origin.py (config); one refusal per many calls stays the client's.
    "INVALID_REQUEST": _t("unknown", "low", "The gateway refused a malformed client request ({code})",
                          "The daemon's own validation rejected what the client sent; the gateway behaved as designed, "
                          "and one client's request says nothing the deployment must change.",
                          "Nothing to fix on the server unless every client's requests fail: then compare the client's "
                          "version with the daemon's."),
    "VALIDATION_ERROR": _t("unknown", "low", "The gateway refused a client request's arguments ({code})",
                           "The tool's argument validation rejected the request (a missing, wrong-typed or malformed "
                           "value the client sent): the client's input, not a server fault.",
                           "Nothing to fix on the server unless every call of the tool fails: then compare the "
                           "arguments the clients send with the tool's schema."),
    "NOT_FOUND": _t("config", "low", "A client asked the gateway for something it does not have ({code})",
                    "The client named a resource the daemon does not know (client and server versions differ).",
                    "Check the client's request against the daemon's version."),
    "TOOL_NOT_FOUND": _t("config", "low", "A client called a tool the gateway does not have ({code})",
                         "The tool is not registered (disabled in the configuration, or the client expects another version).",
                         "Check the tool list the daemon registers and the client's version."),
    "PROTOCOL_ERROR": _t("code", "low", "A client broke the gateway's protocol ({code})",
                         "The message the client sent does not follow the daemon's WebSocket/MCP protocol.",
                         "Check the client's library version against the daemon's protocol."),
    "PROVIDER_ERROR": _t("provider", "medium", "A provider call failed ({code})",
                         "The daemon wraps a failed provider call as PROVIDER_ERROR; the provider's own error in the message "
                         "says why.", "Read the provider error in the message; check the provider's status and the request."),
    "TOOL_EXECUTION_ERROR": _t("code", "medium", "A tool failed while running ({code})",
                               "The daemon wraps an exception raised inside a tool as TOOL_EXECUTION_ERROR; the message and "
                               "traceback say which.", "Read the exception in the message and the tool's last frame."),
    "INTERNAL_ERROR": _t("code", "high", "The gateway failed internally ({code})",
                         "The daemon wraps an unexpected exception of its own as INTERNAL_ERROR.",
                         "Read the traceback logged with it."),
}
GATEWAY_WRAPPERS = frozenset({"PROVIDER_ERROR", "TOOL_EXECUTION_ERROR", "INTERNAL_ERROR"})


# Redis error replies by their first word (redis.io/docs/latest/develop/reference/protocol-spec, "Simple errors":
# the first word is the error kind; redis-py raises them as ResponseError or a subclass with the reply as message)
REDIS_REPLIES: dict[str, Text] = {
    "WRONGTYPE": _t("code", "medium", "Redis refused a command on a key of another type ({code})",
                    "The code ran a command for one data type on a key that holds another (a key name reused for a "
                    "different structure, or a stale key from an older version of the code).",
                    "Use distinct key names per structure (a prefix with the type/version) and delete the stale keys."),
    "ERR": _t("code", "medium", "Redis rejected the command ({code})",
              "Redis answered ERR: an unknown command, wrong arguments or a value of the wrong form sent by the code.",
              "Read the reply after ERR and fix the command the code builds."),
    "NOSCRIPT": _t("code", "low", "Redis does not have the script the code called by hash ({code})",
                   "EVALSHA named a script that is not loaded (Redis restarted or flushed its script cache).",
                   "Fall back to EVAL (or SCRIPT LOAD) when EVALSHA answers NOSCRIPT."),
    "EXECABORT": _t("code", "medium", "Redis aborted a transaction ({code})",
                    "A command queued in MULTI was invalid, so EXEC discarded the whole transaction.",
                    "Find the invalid queued command (the earlier error of the same transaction)."),
    "CROSSSLOT": _t("code", "medium", "A multi-key Redis command spans cluster slots ({code})",
                    "In Redis Cluster all keys of one command must hash to the same slot.",
                    "Use hash tags ({...}) so related keys share a slot."),
    "NOAUTH": _t("config", "high", "Redis requires authentication the client did not send ({code})",
                 "The Redis server has a password/ACL and the client's Redis URL has none.",
                 "Put the password (or user and password) in the Redis URL in the environment."),
    "WRONGPASS": _t("config", "high", "Redis refused the client's user/password ({code})",
                    "The credentials in the Redis URL do not match the server's requirepass/ACL user.",
                    "Check the Redis URL/password in the environment against the server's ACL."),
    "NOPERM": _t("config", "medium", "The Redis user may not run this command or key ({code})",
                 "The ACL user of the client lacks the permission for the command or key pattern.",
                 "Grant the command/key pattern to the ACL user, or use a user that has it."),
    "OOM": _t("capacity", "medium", "Redis is out of memory and refuses writes ({code})",
              "Redis reached its maxmemory limit and its eviction policy does not free memory for this write.",
              "Check INFO memory and maxmemory-policy (allkeys-lru for a cache); the cache should degrade, not fail."),
    "READONLY": _t("storage", "medium", "The Redis node is a read-only replica ({code})",
                   "The client writes to a replica (after a failover it still points at the old primary).",
                   "Point writes at the primary (use the sentinel/cluster-aware client, or reconnect after failover)."),
    "LOADING": _t("storage", "medium", "Redis is loading its dataset after a restart ({code})",
                  "Redis answers LOADING until the dataset is back in memory after a restart.",
                  "Retry with backoff; let the cache degrade while Redis loads."),
    "BUSY": _t("storage", "medium", "Redis is busy running a script ({code})",
               "A long Lua script or function blocks the server; other commands are refused until it ends.",
               "Find the slow script (SLOWLOG); keep scripts short."),
    "MISCONF": _t("storage", "high", "Redis cannot persist its snapshot and refuses writes ({code})",
                  "Redis is configured to stop writes when an RDB snapshot fails (stop-writes-on-bgsave-error): the disk "
                  "of the Redis host is full or not writable.",
                  "Check the disk and permissions of the Redis data directory; the Redis log says why BGSAVE failed."),
    "MASTERDOWN": _t("storage", "high", "The Redis replica lost its primary ({code})",
                     "The replica is not connected to its primary and is set (replica-serve-stale-data no) not to serve stale data.",
                     "Check the primary and the replication link."),
    "CLUSTERDOWN": _t("storage", "high", "The Redis cluster is down ({code})",
                      "Some hash slots are not served by any node.", "Check the cluster's nodes (CLUSTER INFO)."),
    "TRYAGAIN": _t("storage", "low", "Redis asked the client to retry during a slot migration ({code})",
                   "A multi-key command met keys in the middle of a resharding.", "Retry the command."),
    # the rest of the server's own error prefixes (redis/src/server.c createSharedObjects, t_stream.c, script.c,
    # cluster.c), read by the doctrine: the server's replication state refusing writes is the service (storage); a
    # command the code sent against an object that exists / does not exist is the code's use of the API
    "NOREPLICAS": _t("storage", "high", "Redis refused the write: not enough good replicas ({code})",
                     "The primary has min-replicas-to-write set and fewer replicas than that are connected and "
                     "in sync, so it refuses every write until they return (reads still work).",
                     "Check the replicas' replication links (INFO replication: master_link_status); the write can "
                     "succeed once enough replicas are back."),
    "BUSYGROUP": _t("code", "low", "Redis refused to create a consumer group that already exists ({code})",
                    "XGROUP CREATE was sent for a group that exists: the code creates it on every start.",
                    "Treat BUSYGROUP as 'already created' (catch it) or check with XINFO GROUPS first."),
    "NOGROUP": _t("code", "medium", "Redis has no such stream or consumer group ({code})",
                  "XREADGROUP/XACK named a consumer group (or stream) that was never created on this server.",
                  "Create the group (XGROUP CREATE ... MKSTREAM) before reading, at start-up."),
    "BUSYKEY": _t("code", "low", "Redis refused to overwrite an existing key ({code})",
                  "RESTORE/COPY/MIGRATE target a key that exists and the code did not pass REPLACE.",
                  "Pass REPLACE, or delete the target first when overwriting is intended."),
    "NOTBUSY": _t("code", "low", "Redis had no running script to kill ({code})",
                  "SCRIPT KILL/FUNCTION KILL was sent while no script was running.",
                  "Send the kill only after a BUSY reply."),
}
_REDIS_REPLY = re.compile(r"\b(" + "|".join(sorted(REDIS_REPLIES, key=len, reverse=True)) + r")\b(?=[ :])")


def redis_reply_entry(message: str) -> tuple[str, Text] | None:
    """The Redis error reply kind a message starts with (after a class name), and its entry."""
    m = _REDIS_REPLY.search(message[:512])
    return (m.group(1), REDIS_REPLIES[m.group(1)]) if m is not None else None
