"""The second look at a first answer: the records around the error and the origin of its value, in a fixed order.

The rules file and the class layer read the error record; what decides many near-misses sits elsewhere - the value's
origin (rereading.py), an earlier record that explains a symptom (preceding.py), our canceller or a switched-off
feature (context_causes.py), the provider's reply (reply_schema.py), who closed a transport (server_writes.py), what
grew before an OOM kill (oom_kills.py), a keep-alive reuse after idling (idle_reuse.py), our pool at its bound
(pool_limit.py), a proxy the connect went to (proxy_connect.py), Postgres's COPY hint (server_file.py), a registry's
second registration (registries.py), a user's URL (user_target.py), a non-JSON 2xx the SDK returned as text
(sdk_text_reply.py), a web page from a host that is not the API's or our egress filter's (api_host.py), a CR/LF
header's origin (header_value.py), a second loop in a thread (loop_threads.py), a refused expression's origin (user_expression.py), PyJWT's refusing
check (jwt_claims.py), a user's argument quoted by our function's raise (user_db_value.py), an encode
failure's side (stdio_encoding.py), a PEM text mangled by its loader (pem_text.py), a refresh token rotated by another holder (refresh_race.py), the
sniffer refusing every file (sniffed_every_file.py), a dead worker behind a wait (dead_worker.py), the same operation
succeeding in a LATER record (recovered.py, reading following.py's later records), the failures behind an aggregate
"no provider could serve" (aggregate.py), whose value a strict parser refused (reparse.py), the exception inside the
runtime's own report of an unawaited task (runtime_carrier.py), a refused value the provider's reply carried
(reply_value.py), a pool at its bound under a flat request rate (pool_trend.py), a value the same request's tool
call carried named by the refusal (user_value.py), a reader refusing the user's upload or file (user_data.py), a
connect at a pinned or moved address (moved_address.py), a schema-cache miss of an object a record shows exists
(schema_reload.py), a service's own host out of disk or memory (service_host.py), a key
the cache evicted under its memory policy (cache_eviction.py), the container's user, home or temp dir
(runtime_identity.py), an id sequence at its maximum or a computed value overflowing a column (id_space.py), a strict
reply model refusing a provider's addition (strict_reply.py), an OOM kill by memory outside the heap
(cgroup_memory.py), a
conditional write refused after another writer's (precondition.py), a miss of an object written moments before
(unseen_write.py), a Redis BUSY while our own script runs (own_script.py), an
account's file store full while we delete (file_store.py), a time limit of ours that fired at its configured value
(limit_reached.py), the orchestrator's or container runtime's own failure message (platform_causes.py), connections
lost when the platform killed the process at its stop timeout mid-drain (stop_grace.py), a refusal whose other
actor the records show (contention.py), a lock held by a session idle in transaction for minutes
(stuck_holder.py), another actor's write of the same object overlapping the
failure (overlapping_write.py), two live processes appending to the file whose record did not parse
(shared_append.py), a platform or kernel record of our resource at its size (at_its_size.py), a wait for a slot
of ours read by the primitive's own figure - load or a leak (held_slots.py),
failures that began right after a setting or a policy changed (onset_change.py), a limit of ours shorter than the wait
another setting asks of the same work (shorter_limit.py).
Each step returns its input unchanged unless its own evidence is present; the order is the order they were measured in
(a later step sees the earlier one's answer). Split from rules.py, which only matches the rules file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..redaction import redact
from .aggregate import aggregate_cause
from .api_host import api_host_cause
from .at_its_size import at_its_size_cause
from .cache_eviction import cache_eviction_cause
from .cgroup_memory import cgroup_memory_cause
from .contention import contention_cause
from .context_causes import context_cause
from .dead_worker import dead_worker_cause
from .file_store import file_store_cause
from .header_value import header_value_cause
from .held_slots import held_slots_cause
from .id_space import id_space_cause
from .idle_reuse import idle_reuse_cause
from .jwt_claims import jwt_claims_cause
from .limit_reached import limit_reached_cause
from .loop_threads import loop_thread_cause
from .model import Diagnosis, DiagnosisInput
from .moved_address import moved_address_cause
from .onset_change import onset_change_cause
from .oom_kills import oom_cause
from .overlapping_write import overlapping_write_cause
from .own_script import own_script_cause
from .pem_text import pem_text_cause
from .platform_causes import platform_cause
from .pool_limit import pool_limit_cause
from .pool_trend import pool_trend_cause
from .preceding import blocked_loop_cause, preceding_cause, repeated_cause, same_file_cause, wrapped_cause
from .precondition import precondition_cause
from .proxy_connect import proxy_connect_cause
from .recovered import recovered_cause
from .refresh_race import refresh_race_cause
from .registries import registry_cause
from .reparse import reparse_cause
from .reply_schema import reply_schema_cause
from .reply_value import reply_value_cause
from .rereading import reread
from .runtime_carrier import runtime_carrier_cause
from .runtime_identity import runtime_identity_cause
from .schema_reload import schema_reload_cause
from .sdk_text_reply import sdk_text_reply_cause
from .server_file import server_file_cause
from .server_writes import server_write_cause
from .service_host import service_host_cause
from .shared_append import shared_append_cause
from .shorter_limit import shorter_limit_cause
from .situation import Situation
from .sniffed_every_file import sniffed_every_file_cause
from .stdio_encoding import stdio_encoding_cause
from .stop_grace import stop_grace_cause
from .strict_reply import strict_reply_cause
from .stuck_holder import stuck_holder_cause
from .unseen_write import unseen_write_cause
from .user_content import user_content_cause
from .user_data import user_data_cause
from .user_db_value import user_db_value_cause
from .user_expression import user_expression_cause
from .user_target import user_target_cause
from .user_value import user_value_cause

# The steps that read only the error and the records around it, in the order they were measured in (module docstring):
# a provider reply against its schema; who closed a transport; what grew before an OOM kill; the second record decides
# (a reuse after idling, our pool at its bound, a proxy); COPY's own hint and a name registered twice; a non-JSON 2xx
# the openai SDK returned as text; a user's URL and a web page from a host not the API's; a CR/LF header's origin and a
# loop in another thread; a refused expression's origin and PyJWT's refusing check; a user's argument in our raise and
# an encode's side; a PEM key mangled by its loader; a refresh token rotated by another holder; the sniffer refusing
# another request's file too; last, a later record showing the same operation succeeding unchanged (transient), and
# the per-provider failures behind the gateway's aggregate "no provider" error (aggregate.py), whose value a strict
# parser refused, by giving it each candidate (reparse.py); a value our serialiser refused shown in the provider's
# reply (reply_value.py); a provider's 400 refusing a user's own content (user_content.py); a pool at its bound under a flat request rate (pool_trend.py); a connect at an address
# pinned by a setting or no longer the host's (moved_address.py).
_READS_OF_THE_RECORDS: tuple[Callable[[Diagnosis, DiagnosisInput], Diagnosis], ...] = (
    reply_schema_cause, server_write_cause, oom_cause,
    idle_reuse_cause, pool_limit_cause, proxy_connect_cause,
    server_file_cause, registry_cause,
    sdk_text_reply_cause,
    user_target_cause, api_host_cause,
    header_value_cause, loop_thread_cause,
    user_expression_cause, jwt_claims_cause,
    user_db_value_cause, stdio_encoding_cause,
    pem_text_cause, refresh_race_cause, sniffed_every_file_cause,
    recovered_cause, aggregate_cause, reparse_cause, reply_value_cause, pool_trend_cause,
    user_value_cause, user_data_cause, user_content_cause, moved_address_cause,
    schema_reload_cause, service_host_cause, cache_eviction_cause, runtime_identity_cause,
    id_space_cause, strict_reply_cause, cgroup_memory_cause, precondition_cause, unseen_write_cause,
    own_script_cause, file_store_cause, limit_reached_cause, shorter_limit_cause, platform_cause, stop_grace_cause,
    contention_cause, stuck_holder_cause, overlapping_write_cause, shared_append_cause, at_its_size_cause,
    held_slots_cause, onset_change_cause,
)


# The steps that read the records each search the error's message and traceback with their own patterns: a hostile
# 10 MiB message cost ~20 s across them (tests/diagnose/test_generated.py's hostile records, near pytest-timeout's
# 120 s under load). What they decide on is the error's head and its last lines (a traceback ends with the raised class
# and its message), so a longer message is read to MESSAGE_READ characters and a longer traceback as its first and last
# TRACEBACK_READ // 2 - log content is attacker-controlled and must not buy CPU time.
MESSAGE_READ = 64 * 1024
TRACEBACK_READ = 256 * 1024


def _bounded(inp: DiagnosisInput) -> DiagnosisInput:
    """`inp` with its message and traceback bounded for the steps (above); itself when they are within the bounds."""
    if len(inp.message) <= MESSAGE_READ and len(inp.exception_message or "") <= MESSAGE_READ and \
            len(inp.traceback) <= TRACEBACK_READ:
        return inp
    tb, half = inp.traceback, TRACEBACK_READ // 2
    return replace(inp, message=inp.message[:MESSAGE_READ], traceback=tb if len(tb) <= TRACEBACK_READ else
                   f"{tb[:half]}\n{tb[-half:]}",
                   exception_message=None if inp.exception_message is None else inp.exception_message[:MESSAGE_READ])


def second_looks(d: Diagnosis, inp: DiagnosisInput, sit: Situation,
                 diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d` after every second look (see the module docstring); `diagnose` reads an earlier record on its own."""
    first = d
    d = reread(d, inp, sit)  # where the failing value came from (rereading.py)
    d = same_file_cause(preceding_cause(d, inp, diagnose), inp, diagnose)  # preceding.py
    d = blocked_loop_cause(wrapped_cause(d, inp, diagnose), inp)
    d = repeated_cause(d, inp, diagnose)  # the same failure's earlier traceback (preceding.py)
    d = context_cause(d, inp, sit)  # our canceller, a switched-off feature, one task (context_causes.py)
    read = _bounded(inp)
    for step in _READS_OF_THE_RECORDS:
        d = step(d, read)
    d = dead_worker_cause(d, inp, diagnose)
    d = runtime_carrier_cause(d, inp, diagnose)  # the exception inside asyncio's "never retrieved" (runtime_carrier.py)
    # the steps quote records of the log (a printed proxy URL with its credentials, a pool figure, an earlier error):
    # log content is attacker-controlled and a diagnosis is shown and forwarded, so its texts are redacted like its
    # evidence (rules.py redacts the evidence). Only a re-read answer: the first answer's texts were filled from
    # redacted fields already (rules.py), and redaction's false positives on class names are not worth repeating
    if d is first:
        return d
    return d.model_copy(update={"summary": redact(d.summary), "root_cause": redact(d.root_cause)})
