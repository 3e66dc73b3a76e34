"""Generators for the situation classes of evals/CLASSES8.md (round 8's class spec, written by a writer who never read
the rules): each class and its near-miss twin as a log excerpt with the expected category.

Where the spec's library raises the error, it is raised for real here (the openai SDK and httpx against loopback
servers, psycopg against the test PostgreSQL - a server-side SQLSTATE with its own message raised by a DO block where
the situation cannot be caused on a test cluster -, websockets, ssl, asyncio, the standard library's parsers); the
values and wording are this file's own, varied by seed. A generator returns (excerpt, expected category).
"""

from __future__ import annotations

from tests.diagnose.classes8_base import Ctx, Gen
from tests.diagnose.classes8_local import (
    d1_lock_table,
    d2_twin_bind,
    d3_pooler_limit,
    d3_twin_pooler_mode,
    d4_overload_close,
    d4_twin_crash_close,
    d5_bounded_queue,
    d5_twin_consumer_died,
    e1_object_in_use,
    e1_twin_permission,
    e2_catalog_race,
    e3_condition_misuse,
    e3_twin_single_task,
    e4_set_mutated_by_other,
    e4_twin_loop_removes,
    f1_dsn_rejected,
    f2_optional_extra,
    f3_other_protocol_port,
    f4_channel_binding,
    f5_feature_disabled,
    g1_missing_await,
    g2_used_after_with,
    g3_cannot_adapt,
    g4_grouping_rule,
    g5_callback_contract,
    h1_twin_other_file_failed,
    h1_twin_our_staging,
    h1_user_archive,
    h2_user_nul,
    h3_twin_config_names_another_file,
    h3_twin_our_config,
    h3_user_config,
)
from tests.diagnose.classes8_remote import (
    a1_edge_html,
    a1_twin_non_api_host,
    a2_retried_status,
    a2_twin_duplicate_request_id,
    a3_stream_broken,
    a3_twin_our_parse,
    a4_goaway,
    b1_body_cut,
    b1_twin_our_cap,
    b2_reset,
    b3_handshake_timeout,
    b3_twin_blocked_loop,
    b3_twin_other_service_port,
    b3_twin_short_callback,
    b4_tls_eof,
    b4_twin_plain_port,
    c1_crash_of_another,
    c1_twin_idle_session,
    c2_postgrest_statement_timeout,
    c2_twin_our_canceller,
    c3_corruption,
    c3_twin_undefined,
    c4_storage_service,
    c4_twin_our_request,
)
from tests.diagnose.classes8_twins9 import (
    c2_twin_canceller_without_setting,
    c2_twin_timeout_after_canceller_config,
    c3_repeated_without_traceback,
    c3_twin_later_other_failure,
    d5_logging_error_full,
    d5_twin_logging_format_mismatch,
    e3_twin_startup_with_sessions,
    f1_server_refuses_startup_option,
    f1_twin_set_in_our_sql,
    f5_twin_first_use,
    f5_twin_other_setting,
)

__all__ = ["CLASSES", "Ctx", "Gen"]

# class id -> generators (a class, then its twins); ids follow evals/CLASSES8.md
CLASSES: dict[str, tuple[Gen, ...]] = {
    "A1": (a1_edge_html, a1_twin_non_api_host), "A2": (a2_retried_status, a2_twin_duplicate_request_id),
    "A3": (a3_stream_broken, a3_twin_our_parse), "A4": (a4_goaway,),
    "B1": (b1_body_cut, b1_twin_our_cap), "B2": (b2_reset,),
    "B3": (b3_handshake_timeout, b3_twin_blocked_loop, b3_twin_other_service_port, b3_twin_short_callback),
    "B4": (b4_tls_eof, b4_twin_plain_port),
    "C1": (c1_crash_of_another, c1_twin_idle_session), "C2": (c2_postgrest_statement_timeout, c2_twin_our_canceller,
                                                     c2_twin_canceller_without_setting,
                                                     c2_twin_timeout_after_canceller_config),
    "C3": (c3_corruption, c3_twin_undefined, c3_repeated_without_traceback, c3_twin_later_other_failure), "C4": (c4_storage_service, c4_twin_our_request),
    "D1": (d1_lock_table,), "D2": (d2_twin_bind,), "D3": (d3_pooler_limit, d3_twin_pooler_mode),
    "D4": (d4_overload_close, d4_twin_crash_close), "D5": (d5_bounded_queue, d5_twin_consumer_died, d5_logging_error_full,
                                              d5_twin_logging_format_mismatch),
    "E1": (e1_object_in_use, e1_twin_permission), "E2": (e2_catalog_race,),
    "E3": (e3_condition_misuse, e3_twin_single_task, e3_twin_startup_with_sessions), "E4": (e4_set_mutated_by_other, e4_twin_loop_removes),
    "F1": (f1_dsn_rejected, f1_server_refuses_startup_option, f1_twin_set_in_our_sql), "F2": (f2_optional_extra,), "F3": (f3_other_protocol_port,), "F4": (f4_channel_binding,),
    "F5": (f5_feature_disabled, f5_twin_first_use, f5_twin_other_setting),
    "G1": (g1_missing_await,), "G2": (g2_used_after_with,), "G3": (g3_cannot_adapt,), "G4": (g4_grouping_rule,),
    "G5": (g5_callback_contract,),
    "H1": (h1_user_archive, h1_twin_our_staging, h1_twin_other_file_failed), "H2": (h2_user_nul,), "H3": (h3_user_config, h3_twin_our_config, h3_twin_config_names_another_file),
}
