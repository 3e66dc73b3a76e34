"""PostgREST's own error codes -> what they mean for the gateway: every group, the codes that differ, the JWT group.

Split from database_codes.py (round 6): PostgREST's namespace (https://docs.postgrest.org/en/stable/references/
errors.html), apart from the SQLSTATE table it passes through. Category by the doctrine (doctrine.py): group 0
(cannot reach its database) and an expired JWT -> storage; PGRST003 (its pool) -> capacity; the request the code
built (group 1) and a query that does not match the schema cache (group 2) -> code; an unexposed schema, a JWT
secret or key that does not match -> config.

The text follows that decision (issue 17, round 20): a group-2 answer here is code (the object is not in the schema the
code was shipped with), so it names neither the stale-cache cause nor its remedy (reload the cache). That situation
is decided only by schema_reload.py, from a record showing the object exists, and that answer carries the reload.
"""

from __future__ import annotations

import re

from .database_codes import MIGRATE
from .entry import Text, _t

# PostgREST's own codes (docs.postgrest.org references/errors): group 0 connection/pool, 1 the request,
# 2 the schema cache, 3 JWT, X internal.
PGRST_GROUPS: dict[str, Text] = {
    "0": _t("storage", "critical", "PostgREST cannot reach its database ({code}: {meaning})",
            "PostgREST group 0 codes mean it could not connect to Postgres (PGRST002: nor load its schema from it), so every "
            "REST call fails: the database is down, paused, restarting or out of connections.",
            "Check the Supabase project's database health and connection count; restart the project if it is paused."),
    "1": _t("code", "medium", "PostgREST rejected the request the gateway built ({code}: {meaning})",
            "PostgREST group 1 codes are API request errors: the query string, body, headers or method the client "
            "sent is not valid - the gateway's query is wrong, not the database.",
            "Find the query builder call in the traceback and fix the filter, body or method it builds."),
    "2": _t("code", "high", "The request names what PostgREST's schema cache does not match ({code}: {meaning})",
            "PostgREST group 2 codes mean the table, column, function or relationship the request names does not match "
            "the schema as PostgREST knows it: the gateway's query and the database's schema disagree (a migration "
            "not applied, or a query naming the wrong thing).",
            MIGRATE, "Check that the query names the table, column or function as the migrations define it."),
    "3": _t("storage", "high", "PostgREST rejected the request's JWT ({code}: {meaning})",
            "PostgREST group 3 codes mean the JWT sent with the request is expired, malformed or signed with another "
            "secret; the tables are fine.",
            "Use the service-role key for server calls, or refresh the session token before it expires.",
            "If the JWT secret was rotated, update the key everywhere and restart."),
    "X": _t("storage", "high", "PostgREST failed internally ({code}: {meaning})",
            "PostgREST raised an internal library error.", "Check the PostgREST/Supabase logs and status."),
}
PGRST_MEANINGS: dict[str, str] = {
    "PGRST000": "could not connect with the database", "PGRST001": "could not connect due to an internal error",
    "PGRST002": "could not connect while building the schema cache",
    "PGRST003": "timed out waiting for a connection from its pool",
    "PGRST100": "the query string does not parse", "PGRST101": "a function called with a method other than GET/POST",
    "PGRST102": "an invalid request body (malformed JSON or rows with different keys)",
    "PGRST103": "an invalid range", "PGRST105": "an invalid PUT request", "PGRST106": "the schema is not exposed",
    "PGRST107": "an invalid Content-Type", "PGRST108": "a filter on a resource not in select",
    "PGRST111": "invalid response.headers", "PGRST112": "an invalid response.status",
    "PGRST114": "limit/offset on an UPSERT with PUT", "PGRST115": "a PUT whose primary key differs from the body",
    "PGRST116": "not exactly one row for a single-object request (.single())",
    "PGRST117": "an unsupported HTTP verb", "PGRST118": "ordering by a related table that is not to-one",
    "PGRST120": "an invalid filter on an embedded resource", "PGRST121": "a RAISE with invalid JSON",
    "PGRST122": "invalid preferences in the Prefer header", "PGRST123": "aggregate functions are disabled",
    "PGRST124": "the max-affected preference was violated", "PGRST125": "an invalid path",
    "PGRST126": "the OpenAPI root is disabled", "PGRST127": "a feature that is not implemented",
    "PGRST128": "max-affected violated by an RPC",
    "PGRST200": "no relationship between the embedded tables (a missing foreign key)",
    "PGRST201": "an ambiguous relationship between the embedded tables", "PGRST202": "the function is not in the schema cache",
    "PGRST203": "an ambiguous overloaded function", "PGRST204": "the column is not in the schema cache",
    "PGRST205": "the table is not in the schema cache",
    "PGRST300": "no JWT secret is configured", "PGRST301": "the JWT is invalid or cannot be decoded",
    "PGRST302": "no JWT and anonymous access is disabled", "PGRST303": "the JWT's claims do not validate (expired)",
    "PGRSTX00": "an internal library error",
}
PGRST_CODES: dict[str, Text] = {
    "PGRST003": _t("capacity", "high", "PostgREST timed out waiting for a database connection from its pool ({code})",
                   "Every connection of PostgREST's pool to Postgres was busy for longer than the acquisition timeout: "
                   "slow queries or more concurrent requests than the pool serves.",
                   "Find the slow queries holding connections (pg_stat_activity) and lower the gateway's concurrent database calls."),
    "PGRST106": _t("config", "high", "The schema the gateway queries is not exposed by PostgREST ({code})",
                   "The requested schema is not in PostgREST's exposed schemas (db-schemas), so the request is refused.",
                   "Add the schema to the exposed schemas (Supabase API settings) or query the schema that is exposed."),
    "PGRST116": _t("code", "medium", "A single-row query got zero or several rows ({code}: .single())",
                   "The code asked PostgREST for exactly one row (.single()) and the filter matched none or more than one.",
                   "Use .maybe_single() where zero rows is a normal answer; tighten the filter where several match."),
    "PGRST200": _t("code", "high", "PostgREST finds no relationship between the embedded tables ({code})",
                   "The request embeds a table PostgREST cannot join: there is no foreign key relationship between them "
                   "in its schema cache (the migration adding the foreign key was not applied).",
                   "Add the foreign key in a migration (or name the relationship in the select)."),
    "PGRST202": _t("code", "high", "PostgREST cannot find the database function the gateway calls ({code})",
                   "The RPC function (with these argument names) is not in PostgREST's schema cache: the migration creating "
                   "it was not applied, or the call's argument names differ from the function's.",
                   MIGRATE, "Check the call's argument names against the function's definition in the migrations."),
    "PGRST204": _t("code", "high", "A column the gateway writes is not in PostgREST's schema cache ({code})",
                   "The request names a column that is not in the table as PostgREST knows it: the code was deployed with a "
                   "new column but the migration adding it was not applied to this database.",
                   "Apply the migration that adds the column (ALTER TABLE <table> ADD COLUMN <column> ...)."),
    "PGRST205": _t("code", "high", "A table the gateway uses is not in PostgREST's schema cache ({code})",
                   "PostgREST cannot find the table: the migration creating it was not applied to this project, the table "
                   "is in a schema PostgREST does not expose.",
                   "Run the pending migrations against this project; expose the schema if the table is in another one."),
    "PGRST201": _t("code", "medium", "The request's embedding is ambiguous: more than one relationship links the tables ({code})",
                   "PostgREST found several foreign keys between the embedded tables and cannot choose one: the select "
                   "must name the relationship (table!fk_name); a query that matched the schema before another foreign "
                   "key was added.",
                   "Name the relationship in the select (the error's hint lists the candidates: table!constraint)."),
    "PGRST302": _t("code", "high", "PostgREST got no JWT and anonymous access is disabled ({code})",
                   "The request carried no Authorization bearer token (and no apikey the gateway maps to one), and the "
                   "project does not allow anonymous requests: the client the code built sends no key.",
                   "Create the Supabase client with the service-role/anon key (and the user's session where needed)."),
    "PGRST300": _t("config", "critical", "PostgREST has no JWT secret configured ({code})",
                   "The REST server lacks its JWT secret (jwt-secret), a configuration error of the server: every "
                   "authenticated request fails.", "Set the JWT secret in the PostgREST/Supabase configuration and restart it."),
}


def pgrst_entry(code: str) -> tuple[Text, bool] | None:
    """The entry for a PostgREST code and whether it is the code's own (True) or its group's (False)."""
    code = code.upper()
    if code in PGRST_CODES:
        return PGRST_CODES[code], True
    group = PGRST_GROUPS.get(code[5:6])
    return (group, code in PGRST_MEANINGS) if group is not None else None


# PostgREST's JWT group by what its message says (docs.postgrest.org references/errors, group 3; PostgREST's JWT
# messages: "JWT expired", "JWSError JWSInvalidSignature", "No suitable key or wrong key type", "JWSError
# (CompactDecodeError ...)", "JWT not in required audience"): only an expiry is the auth service's runtime state
# (storage, the group's entry); a key/secret/audience that does not match is a setting (config); a token that is
# not a JWT at all is what the code sends (code). (No token where anonymous access is off, PGRST302, is the code
# omitting the key header: its own entry in PGRST_CODES.)
_JWT_SETTING = re.compile(r"JWSInvalidSignature|No suitable key|wrong key type|not in required audience|"
                          r"invalid audience|JWKError|signature verification failed", re.I)
_JWT_CLOCK = re.compile(r"issued at future|\biat\b[^\n]{0,40}future|not yet valid|\bnbf\b", re.I)
_JWT_MALFORMED = re.compile(r"CompactDecodeError|Invalid number of parts|JWSInvalidBase64|not a valid JWT|"
                            r"Expected \d+ parts", re.I)


def pgrst_jwt_entry(code: str, said: str) -> Text | None:
    """The entry for a PostgREST JWT code read with its message, or None (the group's entry stands)."""
    code = code.upper()
    if code not in ("PGRST301", "PGRST303"):
        return None
    head = said[:16384]
    if _JWT_SETTING.search(head):
        return _t("config", "high", "PostgREST refused the JWT's key or audience ({code}: {meaning})",
                  "The JWT is signed with a key PostgREST does not accept, or names another audience: the key the "
                  "gateway uses belongs to another project or was rotated (a JWT secret/JWKS setting); it fails every "
                  "time until the key setting changes.",
                  "Use the project's current anon/service-role key (Project Settings -> API); after a JWT secret "
                  "rotation update every key.")
    if _JWT_CLOCK.search(head):
        # PostgREST's "JWT issued at future" (iat/nbf ahead of its clock): the clocks of the token's issuer (Supabase
        # Auth) and PostgREST disagree - the service's runtime state, not a key or an expiry
        return _t("storage", "medium", "PostgREST judged the JWT issued in the future: clock skew ({code}: {meaning})",
                  "PostgREST refused a freshly minted token because its iat/nbf claim lies ahead of PostgREST's clock: "
                  "the clocks of the token's issuer (Supabase Auth) and PostgREST disagree (older PostgREST releases "
                  "allowed no leeway). Not an expired token and not a wrong key.",
                  "Upgrade the project's PostgREST (it allows clock skew since v12) or retry after a second; check the "
                  "issuer's clock if tokens are minted locally.")
    if _JWT_MALFORMED.search(head):
        return _t("code", "medium", "PostgREST could not decode the bearer token as a JWT ({code}: {meaning})",
                  "The Authorization header does not carry a JWT (a missing 'Bearer ' prefix, an empty or truncated "
                  "token, an API key placed where a JWT is expected): the code builds the header wrongly.",
                  "Send 'Authorization: Bearer <jwt>' with the key or session token itself.")
    return None
