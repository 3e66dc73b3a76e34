"""Postgres SQLSTATEs -> what they mean for the gateway: every SQLSTATE class and the codes that differ.

Split from codes.py (round 5); PostgREST's own codes moved to postgrest_codes.py (round 6). Every SQLSTATE class
psycopg knows (psycopg/errors.py, PostgreSQL's errcodes appendix,
https://www.postgresql.org/docs/current/errcodes-appendix.html) with the codes inside a class whose cause differs
from the class's. A test keeps the SQLSTATE table equal to psycopg's
list of classes (tests/diagnose/test_doctrine.py, written independently of these tables).

Category by the doctrine (doctrine.py; the table of every path that answers storage is in evals/TAXONOMY.md): the
statement the gateway sent, incl. a query that does not match the schema, and our own database functions/triggers
-> code; a grant, credential, name, pooler setting, the server's configuration file or a limit a setting names
(53400, 57P05) -> config; the database's runtime state or failure, its constraints refusing a row (class 23) and
its limits on what it can store (22001/22003 declared size, 22P05/22021 text it cannot hold, 54 program limits)
-> storage; a pool or resource limit -> capacity; competing transactions -> concurrency.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .entry import Text, _t

MIGRATE = "Apply the missing migration on this database (compare its applied migrations with the repository)."
_QUERY = "Find the query or RPC in the traceback and run it by hand (psql / SQL editor) to see the exact problem."


# SQLSTATE classes (first two characters), every class of psycopg/errors.py except success (00),
# warning (01) and no data (02), which are not errors.
SQLSTATE_CLASSES: dict[str, Text] = {
    "03": _t("code", "medium", "{who} refused an incomplete SQL statement (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 03 means the statement the code sent was not complete.", _QUERY),
    "08": _t("storage", "high", "The connection to {who} failed or was lost (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 08 (connection exception) means the client could not connect to Postgres or the "
             "connection dropped: the server restarted or went away, the network path broke, or the host/port is wrong.",
             "Check that the database is up and reachable from the gateway; let the pool discard broken connections and reconnect.",
             "Retry idempotent calls; writes made in this window may need replaying."),
    "09": _t("code", "medium", "A trigger in {who} failed (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 09 means a trigger action on the table raised an error while the statement ran.",
             "Read the trigger function named in the error and the row it rejected."),
    "0A": _t("code", "medium", "{who} does not support what the statement asks (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 0A means the statement uses a feature this Postgres version or configuration does not support.",
             _QUERY),
    "0B": _t("code", "medium", "A transaction was started in the wrong state on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 0B means the code began a transaction where one cannot be started.",
             "Check the transaction handling around the call (nested BEGIN, autocommit settings)."),
    "0F": _t("code", "medium", "{who} refused a large-object locator (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 0F means an invalid large-object locator was used.", _QUERY),
    "0L": _t("config", "high", "{who} refused the grantor of a privilege (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 0L means the role granting a privilege may not grant it.",
             "Check the role the gateway connects as and the GRANTs its migrations run."),
    "0P": _t("config", "high", "{who} refused the role the connection uses (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 0P means the role named (SET ROLE, the JWT's role claim) does not exist or may not be used.",
             "Check the role in the connection settings / JWT against the database's roles."),
    "0Z": _t("code", "medium", "A diagnostics statement failed on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 0Z means GET DIAGNOSTICS was used outside an exception handler.", _QUERY),
    "10": _t("code", "medium", "{who} rejected an XQuery argument (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 10 (XQuery error) means an XML query function got an invalid argument.", _QUERY),
    "20": _t("code", "medium", "A CASE in a database function had no matching branch (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 20 means a PL/pgSQL CASE statement found no WHEN for the value.",
             "Add the missing branch (or an ELSE) to the function named in the error."),
    "21": _t("code", "medium", "A statement touched the same row more than once or returned too many rows on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 21 (cardinality violation) means one statement affected one row twice (a batch upsert with "
             "a duplicated conflict key) or a subquery returned more rows than allowed.",
             "Deduplicate the batch by its conflict key before the upsert; check subqueries used as values."),
    "22": _t("code", "medium", "{who} rejected a value the gateway sent (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 22 (data exception) means a value in the statement does not fit its type or range: "
             "the gateway passed data it did not validate.",
             "Validate the value where it enters the gateway (type, range, length) and answer 400 instead of querying."),
    # doctrine.py (round 6): the table's constraints refusing a row is storage ("its constraints" in the category
    # text; every writer who met one: 009/010/106/510, 712, 5043); the text names the constraint and the write
    "23": _t("storage", "medium", "A write broke an integrity constraint of {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE {code} ({meaning}) means the row written breaks a constraint of the table (the message names "
             "it): the data or the order of writes disagrees with the table; the database is up and enforced it.",
             "Read the constraint named in the error; order writes so referenced rows exist first and supply required columns."),
    "24": _t("code", "medium", "A cursor was used in the wrong state on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 24 means the code fetched from a cursor that is closed or not open.",
             "Check the cursor's lifetime in the code (a closed connection or transaction ends it)."),
    "25": _t("code", "medium", "A statement ran in the wrong transaction state on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 25 (invalid transaction state) means the code used a transaction in a state that does not "
             "allow the statement.",
             "Check the transaction handling around the call: roll back after an error, do not nest transactions."),
    "26": _t("config", "high", "A prepared statement is missing on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 26 means the code executed a prepared statement that does not exist on this connection "
             "(a transaction-mode pooler such as PgBouncer/Supavisor 6543 does not keep prepared statements).",
             "Disable prepared statements for connections through a transaction pooler (psycopg prepare_threshold=None)."),
    "27": _t("code", "medium", "A trigger changed data in a forbidden way on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 27 means a trigger's data change conflicts with the statement that fired it.",
             "Read the trigger function named in the error."),
    "28": _t("config", "critical", "{who} refused the login (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 28 (invalid authorization specification) means the user or password in the database URL "
             "is wrong, was rotated, or the server's pg_hba rules do not allow this client.",
             "Check the database URL / password secret in the environment against the database; restart after fixing."),
    "2B": _t("config", "medium", "{who} refused to drop a privilege others depend on (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 2B means a REVOKE/DROP would leave dependent privileges.", "Revoke the dependent privileges first."),
    "2D": _t("code", "medium", "A transaction was ended in the wrong place on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 2D means COMMIT/ROLLBACK was issued where it is not allowed (inside a function).",
             "Move transaction control out of the function."),
    "2F": _t("code", "medium", "A database function failed (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 2F means an SQL function ended without returning a value or did what it may not.",
             "Read the function named in the error."),
    "34": _t("code", "medium", "A cursor name is invalid on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 34 means the code used a cursor name that does not exist.", _QUERY),
    "38": _t("code", "medium", "An external routine failed in {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 38 means a function in an external language raised.", "Read the function named in the error."),
    "39": _t("code", "medium", "An external routine call failed in {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 39 means calling an external-language function failed.", "Read the function named in the error."),
    "3B": _t("code", "medium", "A savepoint was used wrongly on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 3B means a ROLLBACK TO / RELEASE named a savepoint that does not exist.",
             "Check the savepoint handling around the call."),
    "3D": _t("config", "critical", "The database named in the connection URL does not exist (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 3D (invalid catalog name) means the database name in the connection string is wrong or the "
             "database was not created.",
             "Check the database name in the connection URL in the environment; create the database or fix the name."),
    "3F": _t("config", "high", "A schema the query names does not exist in {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 3F (invalid schema name) means the statement names a schema this database does not have: "
             "the schema name (or the role's search_path) in the settings is wrong, or the schema was never created.",
             "Check the schema name and the role's search_path against the database; create the schema if it is missing."),
    "40": _t("concurrency", "medium", "{who} aborted a transaction that conflicted with another (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 40 (transaction rollback) means Postgres rolled the transaction back because of concurrent "
             "transactions: a deadlock (40P01) or a serialization failure (40001).",
             "Retry the whole transaction with backoff; take row locks in a consistent order and keep transactions short."),
    "42": _t("code", "medium", "{who} rejected the statement the gateway built (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 42 (syntax error or access rule violation) means the SQL or RPC call the code sends is "
             "wrong for this database: a code fix, not an outage.",
             _QUERY, "Fix the statement and add a test that runs it against a real database."),
    "44": _t("code", "medium", "A write broke a view's WITH CHECK OPTION in {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 44 means the row written through a view does not satisfy the view's condition.",
             "Write rows that satisfy the view's condition, or write to the table."),
    "53": _t("capacity", "high", "{who} ran out of a resource (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 53 (insufficient resources) means Postgres ran out of connections, disk or memory.",
             "Check the database's connection count, disk and memory at that time; lower pool sizes or add capacity."),
    "54": _t("storage", "medium", "A statement exceeded a hard limit of {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 54 (program limit exceeded) means the statement or a value in it is larger or more complex "
             "than Postgres allows (too many columns or arguments, an index row too large, a statement too complex).",
             "Split the statement or the value (batch, move large values out of indexed columns)."),
    "55": _t("code", "medium", "An object of {who} is not in the state the statement needs (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 55 (object not in prerequisite state) means the statement needs an object in a state the "
             "code did not bring it to (currval() before nextval() in this session, a setting that cannot change at "
             "runtime, a new enum value used in the transaction that added it); busy objects and locks are 55006/55P03.",
             "Read the object named in the error and fix the order of the statements that use it."),
    "57": _t("storage", "high", "{who} stopped the statement or the connection (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 57 (operator intervention) means the server cancelled the statement or terminated the "
             "connection: a timeout, an administrator, a shutdown or a restart.",
             "Check the database for a restart, failover or cancelled queries at that time; reconnect and retry."),
    "58": _t("storage", "high", "{who} hit a system error outside Postgres (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 58 (system error) means the database server's operating system failed an operation "
             "(I/O error, a missing file).", "Check the database server's disk and logs; contact the provider for a managed database."),
    "72": _t("storage", "medium", "A snapshot was too old on {who} (SQLSTATE {code}, {meaning})",
             "SQLSTATE class 72 means a long-running query needed data already vacuumed away.",
             "Shorten the long-running query or transaction."),
    "F0": _t("config", "high", "{who}'s server configuration file is invalid (SQLSTATE {code}, {meaning})",
             "SQLSTATE class F0 means the database server could not read its configuration file.",
             "Check the database server's configuration (managed: contact the provider)."),
    "HV": _t("storage", "medium", "A foreign data wrapper of {who} failed (SQLSTATE {code}, {meaning})",
             "SQLSTATE class HV means a foreign table's remote source failed.", "Check the foreign server named in the error."),
    "P0": _t("code", "medium", "A database function raised an error (SQLSTATE {code}, {meaning})",
             "SQLSTATE class P0 means PL/pgSQL code in the database raised (RAISE EXCEPTION, an assertion, no data found).",
             "Read the function named in the error and the message it raised."),
    "XX": _t("storage", "critical", "{who} reported an internal error (SQLSTATE {code}, {meaning})",
             "SQLSTATE class XX (internal error) means Postgres itself failed: corrupted data or index, or a server bug.",
             "Check the database server's logs now; for a managed database, open a ticket with the provider."),
}

# Codes inside a class whose cause (and so category or fix) differs from the class's
SQLSTATE_CODES: dict[str, Text] = {
    # Postgres dependency.c reportDependentObjects: ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST for ANY drop whose object
    # others depend on (a column a view uses, a table a foreign key references), not only privileges (class 2B)
    "2BP01": _t("code", "medium", "A DROP in a migration hit objects that depend on it (SQLSTATE {code}, {meaning})",
                "The statement drops an object (a column, table, type or function) that other objects still use (a view, "
                "a foreign key, a default): the migration is written in the wrong order, not a setting or a lock.",
                "Drop or recreate the dependent objects in the same migration first (the error's DETAIL lists them), or "
                "use CASCADE deliberately."),
    "22008": _t("code", "medium", "A date/time value the gateway sent is out of range (SQLSTATE {code}, {meaning})",
                "SQLSTATE 22008 means a timestamp/date value or field does not fit: usually a unit mismatch (milliseconds "
                "or microseconds passed where seconds are expected, e.g. to_timestamp()) or a wrong field order.",
                "Check the unit and the format of the time value at the call (seconds for to_timestamp, ISO 8601 strings)."),
    "21000": _t("code", "medium", "A batch upsert touches the same row twice (SQLSTATE {code}, {meaning})",
                "One INSERT ... ON CONFLICT DO UPDATE carries two rows with the same conflict key; Postgres refuses to "
                "update one row twice in one statement, so the whole batch fails.",
                "Deduplicate the batch by its conflict key before the upsert (keep the last row per key)."),
    "22001": _t("storage", "medium", "A value is longer than its column allows in {who} (SQLSTATE {code}, {meaning})",
                "SQLSTATE 22001 means a string is longer than the column's declared length (varchar(n)): the schema and "
                "the data the gateway stores disagree.",
                "Widen the column in a migration (varchar(n) -> text) or truncate/validate the value before writing."),
    "22003": _t("storage", "medium", "A number is out of range for its column's type in {who} (SQLSTATE {code}, {meaning})",
                "SQLSTATE 22003 means a numeric value does not fit the column's declared type (an integer overflow of "
                "int4/int2): the column is too small for the values the gateway now stores.",
                "Validate the value before writing, or widen the column (integer -> bigint) in a migration."),
    "22P02": _t("code", "medium", "{who} could not parse a value the gateway sent (SQLSTATE {code}, {meaning})",
                "SQLSTATE 22P02 means a value in the statement is not valid text for the column's type (a malformed uuid, "
                "number or boolean): the gateway passed input it did not validate.",
                "Validate the value (uuid, number, date) where it enters the gateway and return 400 instead of querying."),
    "22P05": _t("storage", "medium", "{who} cannot store a character the value holds (SQLSTATE {code}, {meaning})",
                "SQLSTATE 22P05 means a Unicode escape in the value has no equivalent in the database's text: Postgres "
                "text and jsonb cannot hold the NUL character (\\u0000), which extracted file or model text can carry.",
                "Strip NUL characters (\\u0000) from text before writing it, or store the raw bytes in a bytea column."),
    "22021": _t("storage", "medium", "{who} cannot store a byte sequence the value holds (SQLSTATE {code}, {meaning})",
                "SQLSTATE 22021 means the value holds bytes that are not valid in the database's encoding (UTF8), such "
                "as a NUL byte (0x00) that text columns cannot hold.",
                "Strip NUL bytes and decode the text before writing it, or store the raw bytes in a bytea column."),
    "23502": _t("storage", "medium", "A write left a required column empty (SQLSTATE {code}, {meaning})",
                "SQLSTATE 23502 means a NOT NULL column got no value: the code omitted a field the table requires.",
                "Supply the column's value (or give it a default in a migration)."),
    "23503": _t("storage", "medium", "A write references a row that does not exist (SQLSTATE {code}, {meaning})",
                "SQLSTATE 23503 means a foreign key points at a missing row: the referenced row was not written first, "
                "or was deleted.",
                "Write the referenced row first (or in the same transaction); check deletes of parent rows."),
    "23505": _t("storage", "medium", "An insert hits an existing key (SQLSTATE {code}, {meaning})",
                "SQLSTATE 23505 means the row's unique key already exists: a retried write that had succeeded, two "
                "requests creating the same record, or a reused id.",
                "Make the write idempotent (upsert on the key) or create the row once."),
    "25006": _t("storage", "high", "{who} refused a write: the transaction is read-only (SQLSTATE {code}, {meaning})",
                "Postgres is read-only for this session: a read replica, a standby after failover, or a project put into "
                "read-only mode (for example when its disk filled up).",
                "Check the database's state (replica/standby, read-only mode, disk usage) and point writes at the primary."),
    "25P02": _t("code", "medium", "Statements ran in a transaction that had already failed (SQLSTATE {code}, {meaning})",
                "After an error inside a transaction Postgres refuses every command until ROLLBACK; the code caught the "
                "first error and kept using the connection.",
                "Roll back (or use a context-managed transaction) when a statement fails; find the first error before this one."),
    "25P03": _t("code", "medium", "{who} ended a session left idle inside a transaction (SQLSTATE {code}, {meaning})",
                "SQLSTATE 25P03 means a transaction stayed open and idle past idle_in_transaction_session_timeout: the "
                "code opened a transaction and did not commit or roll it back.",
                "Commit or roll back promptly (context-managed transactions); do no slow work inside a transaction."),
    "40001": _t("concurrency", "medium", "A serializable transaction conflicted with another (SQLSTATE {code}, {meaning})",
                "Postgres aborted the transaction because concurrent transactions could not be serialized.",
                "Retry the whole transaction with backoff."),
    "40P01": _t("concurrency", "medium", "{who} detected a deadlock and aborted a transaction (SQLSTATE {code}, {meaning})",
                "Two transactions each waited for a lock the other held (rows locked in opposite orders); Postgres "
                "aborted one of them.",
                "Retry the aborted transaction; take row locks in a consistent order and keep transactions short."),
    "42501": _t("config", "high", "The database role lacks permission (SQLSTATE {code}, {meaning})",
                "SQLSTATE 42501 means the role the gateway connects as has no GRANT (or row-level security policy) for "
                "the object the statement touches.",
                "GRANT the needed privilege to the role or add the policy in a migration, or use the service role for server calls."),
    "42P01": _t("code", "high", "A table the query names does not exist in {who} (SQLSTATE {code}, {meaning})",
                "SQLSTATE 42P01 means the relation is not in this database: the code's query and the database's schema "
                "disagree (the migration creating it was not applied here, or the query uses another schema or name).",
                MIGRATE),
    "42703": _t("code", "high", "A column the query names does not exist in {who} (SQLSTATE {code}, {meaning})",
                "SQLSTATE 42703 means the column is not in the table: the code's query and the database's schema disagree "
                "(the code expects a migration this database does not have, or the name is wrong).", MIGRATE),
    "42883": _t("code", "medium", "No function or operator takes these argument types in {who} (SQLSTATE {code}, {meaning})",
                "SQLSTATE 42883 means no function/operator exists for the argument types the query passes: the query "
                "compares or calls with values of another type (a missing cast), or calls a function by a wrong name.",
                "Cast the parameter to the column's type in the query (the error's HINT says explicit casts are "
                "needed), or call the function with the argument types it is declared with."),
    "42P05": _t("config", "high", "A prepared statement name collides on {who} (SQLSTATE {code}, {meaning})",
                "SQLSTATE 42P05 means the prepared statement already exists on the server connection: through a "
                "transaction-mode pooler (PgBouncer/Supavisor port 6543) server connections are shared between clients, "
                "so a driver's automatic prepared statements collide.",
                "Disable prepared statements for connections through the transaction pooler (psycopg prepare_threshold="
                "None), or connect in session mode (port 5432)."),
    "42P07": _t("code", "medium", "A migration creates a table that already exists (SQLSTATE {code}, {meaning})",
                "SQLSTATE 42P07 means CREATE TABLE found the relation already there: a migration ran twice or the "
                "database was changed by hand.", "Make the migration idempotent (IF NOT EXISTS) and check the migrations table."),
    "42P10": _t("code", "medium", "An upsert's ON CONFLICT target has no matching unique index (SQLSTATE {code}, {meaning})",
                "Postgres needs a unique index or constraint on exactly the ON CONFLICT columns; the table lacks it.",
                "Add the unique constraint in a migration, or name the columns that have one."),
    "28000": _t("config", "critical", "{who} refused the connection by its access rules (SQLSTATE {code}, {meaning})",
                "SQLSTATE 28000 means the server's client-authentication rules (pg_hba.conf) do not allow this host, "
                "user, database or encryption, or the role named does not exist: the server's access rules or the "
                "role/database the DSN names must change.",
                "Add a pg_hba.conf entry for this client (host, user, database, hostssl/host) and reload, or connect "
                "as a role and database the rules allow."),
    "28P01": _t("config", "critical", "{who} refused the password (SQLSTATE {code}, {meaning})",
                "SQLSTATE 28P01 means the password sent for the user is wrong or was rotated.",
                "Check the database URL / password secret in the environment against the database; restart after fixing."),
    "53100": _t("capacity", "critical", "{who} is out of disk space (SQLSTATE {code}, {meaning})",
                "Postgres could not extend a file: the database's disk is full; writes fail until space is freed.",
                "Free or add disk space on the database (managed: raise the disk size); find the table or log that grew."),
    "53200": _t("capacity", "high", "{who} ran out of memory (SQLSTATE {code}, {meaning})",
                "Postgres could not allocate memory for the query (a large sort/hash, too many connections for the instance).",
                "Find the heavy query; lower work_mem-heavy concurrency or add memory."),
    "53300": _t("capacity", "high", "{who} has no free connection slots (SQLSTATE {code}, {meaning})",
                "Postgres refused a new connection because max_connections is reached: the pools of every client together "
                "open more connections than the database allows.",
                "Lower the pools' max size (or connect through the pooler) so the sum of connections stays under max_connections."),
    # the code's own name says it: a limit a server setting sets (temp_file_limit, max_locks_per_transaction,
    # max_files_per_process...), not the disk or memory running out - config
    "53400": _t("config", "medium", "{who} refused a statement over a configured limit (SQLSTATE {code}, {meaning})",
                "SQLSTATE 53400 means the statement needs more than a server setting allows (temp_file_limit, "
                "max_locks_per_transaction...; the message names it); the disk and memory are not exhausted.",
                "Raise the setting the message names for this role/database, or bound the statement (sort less, batch)."),
    "55006": _t("concurrency", "medium", "An object is in use by another session (SQLSTATE {code}, {meaning})",
                "SQLSTATE 55006 means another session uses the object the statement needs exclusively.",
                "Find the other session (pg_stat_activity) and retry when it is done."),
    "55P03": _t("concurrency", "medium", "A lock was not available in time (SQLSTATE {code}, {meaning})",
                "The statement waited for a row or table lock longer than lock_timeout (or used NOWAIT): a concurrent "
                "transaction holds the lock.",
                "Find the long transaction holding the lock (pg_locks / pg_stat_activity); keep transactions short and retry."),
    "57014": _t("storage", "high", "A query on {who} was cancelled (SQLSTATE {code}, {meaning}) - statement timeout or cancel",
                "Postgres cancelled the statement: it ran past statement_timeout (a large batch, a missing index, lock "
                "waits) or was cancelled on request.",
                "Find the slow statement and check its plan (EXPLAIN); split the batch or add the missing index."),
    "57P01": _t("storage", "medium", "{who} was shut down by an administrator and ended the connection (SQLSTATE {code}, {meaning})",
                "An administrator command (a restart, a maintenance or a failover of the database) terminated the connection.",
                "Check the database for a restart at that time; let the pool reconnect and retry the call."),
    "57P02": _t("storage", "high", "{who} crashed and ended the connection (SQLSTATE {code}, {meaning})",
                "The database server crashed (another backend failed) and terminated every connection while it restarts.",
                "Check the database server's logs for the crash; let the pool reconnect and retry."),
    "57P03": _t("storage", "high", "{who} does not accept connections right now (SQLSTATE {code}, {meaning})",
                "The database is starting up, shutting down or in recovery, so it refused the connection.",
                "Wait for the database to finish its restart or recovery; let the pool reconnect with backoff."),
    # a session closed only because two settings disagree (the server's idle_session_timeout shorter than the
    # time the client pool keeps a connection idle): it recurs until one of them changes - config, server up
    "57P05": _t("config", "medium", "{who} closed an idle session: its idle_session_timeout is shorter than the pool's idle time (SQLSTATE {code}, {meaning})",
                "The connection stayed idle past the server's idle_session_timeout and the server closed it; the client "
                "pool keeps idle connections longer than that (psycopg_pool max_idle, SQLAlchemy pool_recycle), so the "
                "next call on it fails. The server is up.",
                "Set the pool's max idle time below the server's idle_session_timeout (or check connections before use)."),
}


# One SQLSTATE, two causes told apart by Postgres' own message (src/backend/tcop/postgres.c, utils/cache/plancache.c)
_EXTENSION_MISSING = _t(
    "config", "high", "An extension's files are not installed on the database server (SQLSTATE {code}) on {who}",
    "Postgres could not find the shared library or control file of an extension the schema uses: the server's image or "
    "installation lacks the extension (a base image switched, a package not installed, a version without it) - a "
    "dependency of the deployment: the server itself is healthy.",
    "Install the extension's package on the database server (or use an image that ships it: e.g. pgvector for "
    "'vector'), then CREATE/ALTER EXTENSION; check SELECT * FROM pg_available_extensions.")
SQLSTATE_BY_MESSAGE: tuple[tuple[str, re.Pattern[str], Text], ...] = (
    # ProcessInterrupts: a hot standby cancels a query whose snapshot WAL replay must remove (RECOVERY_CONFLICT_*),
    # reported as 40001 (or 40P01 for a buffer-pin deadlock): the read replica's state, no two writers racing
    ("40001", re.compile(r"conflict with recovery", re.I),
     _t("storage", "medium", "The read replica cancelled the query: conflict with recovery (SQLSTATE {code}) on {who}",
        "A hot-standby read replica cancelled the statement because WAL replay from the primary had to remove row "
        "versions the query still needed (max_standby_streaming_delay passed). The replica's replay, not a "
        "transaction conflict between writers.",
        "Retry the read (it is transient); for long reads route them to the primary or raise "
        "max_standby_streaming_delay / enable hot_standby_feedback on the replica.")),
    ("40P01", re.compile(r"conflict with recovery", re.I),
     _t("storage", "medium", "The read replica cancelled the query: conflict with recovery (SQLSTATE {code}) on {who}",
        "A hot-standby read replica cancelled the statement to let WAL replay proceed (a buffer pin held too long).",
        "Retry the read; route long reads to the primary.")),
    # miscinit.c InitializeSessionUserId / postinit.c InitPostgres: 53300 "too many connections for role|database"
    # is the role's (ALTER ROLE ... CONNECTION LIMIT, pg_roles.rolconnlimit) or the database's (datconnlimit) own
    # limit, a setting someone made - config, as 53400's configured limits; "sorry, too many clients already" and the
    # reserved-slots messages (max_connections for the whole server) stay capacity (the code's own entry)
    ("53300", re.compile(r"too many connections for (?:role|database)", re.I),
     _t("config", "high", "A connection limit set on a role or database is reached (SQLSTATE {code}) on {who}",
        "Postgres refused the connection because the role's or the database's own CONNECTION LIMIT "
        "(pg_roles.rolconnlimit / pg_database.datconnlimit) is reached - a per-role/per-database setting, not the "
        "server's max_connections: the server still has free slots for other roles.",
        "Compare the limit (SELECT rolname, rolconnlimit FROM pg_roles; ALTER ROLE ... CONNECTION LIMIT n) with the "
        "connections every pool and replica of that role opens (pool max x replicas + jobs), and raise the limit or "
        "shrink the pools.")),
    # dfmgr.c (load_external_function: "could not access file \"$libdir/...\"", "could not load library") raises
    # 58P01 (undefined_file), extension.c 0A000 ("extension \"X\" is not available", its control file missing), for an
    # extension's files not installed in the SERVER's image: an installed dependency, config by the doctrine - not
    # the server's disk failing (class 58's own reading, kept for any other file: pg_read_file, a data file)
    ("58P01", re.compile(r'could not access file "\$libdir/|could not load library "', re.I), _EXTENSION_MISSING),
    ("0A000", re.compile(r'extension "[^"\n]{1,63}" is not available|could not open extension control file', re.I),
     _EXTENSION_MISSING),
    # plancache.c RevalidateCachedQuery: a prepared statement whose result columns changed under it (a migration)
    ("0A000", re.compile(r"cached plan must not change result type", re.I),
     _t("code", "medium", "A prepared statement's result type changed under it (SQLSTATE {code}, cached plan) on {who}",
        "A long-lived connection holds a server-side prepared statement (often a SELECT *) whose result columns a "
        "migration changed; Postgres refuses to return another shape from the cached plan. Deploy order and the "
        "prepared SELECT * in our code, not the database failing.",
        "Reset the pool's connections after a migration (or DEALLOCATE ALL / DISCARD ALL), and name the columns "
        "instead of SELECT *.")),
    # heapam.c simple_heap_update/simple_heap_delete: "tuple concurrently updated/deleted" (XX000, elog ERROR): two
    # sessions changed the same catalog row at once (two replicas running one startup migration, GRANT or COMMENT
    # concurrently) - a race between our own sessions, not the storage failing (CLASSES8 E2; corruption is XX001/XX002)
    ("XX000", re.compile(r"tuple concurrently (?:updated|deleted)|concurrent update of|concurrently (?:updated|modified)",
                         re.I),
     _t("concurrency", "medium", "Two sessions changed the same catalog row at once (SQLSTATE {code}, tuple concurrently "
        "updated) on {who}",
        "Postgres refused a catalog update because another session updated the same row in the meantime: the same "
        "DDL/GRANT/migration ran from two sessions at once (two instances running the startup migration, a deploy "
        "overlapping a restart). A race between our sessions; the database is fine.",
        "Serialise the migration/DDL (an advisory lock, one migration runner) and retry the loser.")),
)


def sqlstate_message_entry(code: str, messages: str) -> tuple[Text, bool] | None:
    """The entry for `code` read with Postgres' own message, where one code has two causes; else None."""
    for known, rx, text in SQLSTATE_BY_MESSAGE:
        if code.upper() == known and rx.search(messages[:16384]):
            return text, True
    return None


@lru_cache(maxsize=1024)
def sqlstate_entry(code: str) -> tuple[Text, bool] | None:
    """The entry for a SQLSTATE and whether it is the code's own (True) or its class's (False)."""
    code = code.upper()
    if code in SQLSTATE_CODES:
        return SQLSTATE_CODES[code], True
    entry = SQLSTATE_CLASSES.get(code[:2])
    return (entry, False) if entry is not None else None
