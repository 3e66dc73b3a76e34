"""Fingerprints of real tracebacks (raised here, printed by `logging`, parsed by ingest) and of messages."""

from __future__ import annotations

import dataclasses

from sidecar.config import GroupingConfig
from sidecar.errors.fingerprint import (
    event_title,
    fingerprint_event,
    fingerprint_message,
    frame_key,
    is_in_app,
    level_class,
)
from sidecar.ingest.record import ExceptionInfo, Frame

from .conftest import capture, event_from_exception, load_module, make_event

APP = '''
import json


class ProviderError(Exception):
    pass


def parse(payload):
    return json.loads(payload)


def handle(payload):
    return parse(payload)


def other_site(payload):
    return json.loads(payload)


def lookup(container, key):
    return container[key]


def fail_wrapped(payload):
    try:
        return handle(payload)
    except ValueError as exc:
        raise ProviderError("upstream returned garbage: " + payload[:12]) from exc


def fail_status(code):
    raise ProviderError(f"Error code: {code} - rate limited")
'''


def test_same_error_at_other_line_numbers_and_install_paths_is_one_group(tmp_path):
    v1 = load_module(tmp_path / "releases" / "v1", "src/gw/handler.py", APP)
    v2 = load_module(tmp_path / "opt" / "gateway-2.0" / "current", "src/gw/handler.py", APP, blank_lines=9)
    e1 = event_from_exception(capture(v1.handle, "not json"))
    e2 = event_from_exception(capture(v2.handle, "{broken"))
    # The two tracebacks really differ in install path, line numbers and message...
    assert e1.exception_type == e2.exception_type == "json.decoder.JSONDecodeError"
    app1 = [f for f in e1.frames if "handler.py" in f.file]
    app2 = [f for f in e2.frames if "handler.py" in f.file]
    assert [f.function for f in app1] == [f.function for f in app2] == ["handle", "parse"]
    assert {f.line for f in app1}.isdisjoint({f.line for f in app2})
    assert app1[0].file != app2[0].file and e1.exception_message != e2.exception_message
    # ...and still group together.
    assert fingerprint_event(e1) == fingerprint_event(e2)


def test_same_exception_type_at_two_call_sites_is_two_groups(tmp_path):
    mod = load_module(tmp_path / "app", "src/gw/handler.py", APP)
    a = event_from_exception(capture(mod.handle, "x"))
    b = event_from_exception(capture(mod.other_site, "x"))
    assert a.exception_type == b.exception_type
    assert fingerprint_event(a) != fingerprint_event(b)


def test_two_exception_types_at_one_call_site_are_two_groups(tmp_path):
    mod = load_module(tmp_path / "app", "src/gw/handler.py", APP)
    key_error = event_from_exception(capture(mod.lookup, {}, "k"))
    type_error = event_from_exception(capture(mod.lookup, [], "k"))
    assert (key_error.exception_type, type_error.exception_type) == ("KeyError", "TypeError")
    assert [f.function for f in key_error.frames][-1] == [f.function for f in type_error.frames][-1] == "lookup"
    assert fingerprint_event(key_error) != fingerprint_event(type_error)


def test_chained_exception_is_grouped_by_the_final_exception_and_its_frames(tmp_path):
    mod = load_module(tmp_path / "app", "src/gw/handler.py", APP)
    chained = event_from_exception(capture(mod.fail_wrapped, "<html>oops</html>"))
    assert len(chained.chain) == 2
    cause, final = chained.chain
    assert cause.type == "json.decoder.JSONDecodeError" and final.type.endswith("ProviderError")
    # Only the final exception (with its frames) decides: dropping the cause changes nothing...
    only_final = dataclasses.replace(chained, chain=(final,))
    assert fingerprint_event(chained) == fingerprint_event(only_final)
    # ...another cause message or payload changes nothing...
    again = event_from_exception(capture(mod.fail_wrapped, "totally different"))
    assert fingerprint_event(again) == fingerprint_event(chained)
    # ...but the cause's own group is a different one.
    as_cause = dataclasses.replace(chained, chain=(cause,), exception_type=cause.type, frames=cause.frames)
    assert fingerprint_event(as_cause) != fingerprint_event(chained)


def test_error_codes_in_the_exception_message_split_groups(tmp_path):
    mod = load_module(tmp_path / "app", "src/gw/handler.py", APP)
    e429 = event_from_exception(capture(mod.fail_status, 429))
    e429b = event_from_exception(capture(mod.fail_status, 429))
    e500 = event_from_exception(capture(mod.fail_status, 500))
    assert fingerprint_event(e429) == fingerprint_event(e429b)
    assert fingerprint_event(e429) != fingerprint_event(e500)


def test_library_frames_count_only_without_application_frames():
    app = [Frame("/srv/rel-1/src/daemon/ws_server.py", 10, "serve"), Frame("/srv/rel-1/src/providers/kimi.py", 88, "call")]
    lib_a = [Frame("/venv/lib/python3.11/site-packages/openai/_base_client.py", 1000, "request")]
    lib_b = [Frame("/usr/local/lib/python3.12/site-packages/openai/_base_client.py", 1120, "_request"),
             Frame("/usr/lib/python3.12/asyncio/tasks.py", 300, "step")]

    def ev(frames):
        return make_event("x", logger="l") if not frames else dataclasses.replace(
            make_event("boom"), exception_type="openai.RateLimitError", exception_message="quota",
            frames=tuple(frames), chain=(ExceptionInfo("openai.RateLimitError", "quota", tuple(frames)),))

    # Different library internals (another openai version) under the same app frames: one group.
    assert fingerprint_event(ev(app + lib_a)) == fingerprint_event(ev(app + lib_b))
    # Without any app frame, the library frames are all there is to tell errors apart.
    assert fingerprint_event(ev(lib_a)) != fingerprint_event(ev(lib_b))
    assert fingerprint_event(ev(lib_a)) != fingerprint_event(ev(app + lib_a))


def test_in_app_patterns_are_configurable():
    frame = Frame("/opt/gw/lib/gateway_core/router.py", 3, "route")
    assert is_in_app(frame.file)
    custom = GroupingConfig(in_app_include=["gateway_core/"], in_app_exclude=["/opt/gw/lib/"])
    assert not is_in_app(frame.file, custom)
    assert frame_key(frame, GroupingConfig(in_app_include=["gateway_core/"])) == "gateway_core/router.py:route"


def test_frame_keys_drop_install_prefixes_and_line_numbers():
    g = GroupingConfig()
    assert frame_key(Frame("/app/src/daemon/ws_server.py", 849, "handle"), g) == "src/daemon/ws_server.py:handle"
    assert frame_key(Frame("/home/u/rel-9/src/daemon/ws_server.py", 2, "handle"), g) == "src/daemon/ws_server.py:handle"
    assert frame_key(Frame("/usr/lib/python3.11/asyncio/tasks.py", 1, "step"), g) == "asyncio/tasks.py:step"
    assert frame_key(Frame("C:\\gw\\venv\\Lib\\site-packages\\httpx\\_client.py", 1, "send"), g) == "httpx/_client.py:send"
    assert frame_key(Frame("<frozen importlib._bootstrap>", 1, "_load"), g) == "importlib._bootstrap:_load"
    assert frame_key(Frame("/srv/rel-42/main.py", 7, "run"), g) == frame_key(Frame("/srv/rel-43/main.py", 9, "run"), g)


def test_deep_recursion_groups_by_the_frames_near_the_raise():
    base = [Frame("/app/src/a.py", 1, "main")]
    rec = [Frame("/app/src/tree.py", 5, "walk")]
    shallow = dataclasses.replace(make_event("RecursionError"), exception_type="RecursionError",
                                  frames=tuple(base + rec * 3))
    deep = dataclasses.replace(shallow, frames=tuple(base + rec * 900))
    assert fingerprint_event(shallow) == fingerprint_event(deep)


# --- messages without a traceback -------------------------------------------------------------

def test_messages_differing_only_in_variables_are_one_group():
    same = [
        # ids and addresses
        ("Connection unregistered: 3f1c2a9e-7b6d-4c1e-9a0f-2b3c4d5e6f70 from 172.18.0.1 (duration: 331.14s, remaining: 1)",
         "Connection unregistered: 0b8e55aa-1111-4c1e-8888-aaaaaaaaaaaa from 10.0.3.7 (duration: 2.5s, remaining: 12)"),
        # ports
        ("Connection closed for 172.18.0.1:36952: no close frame received or sent",
         "Connection closed for 172.18.0.9:41000: no close frame received or sent"),
        # paths
        ("Error in chat: [chat:security] Path escapes repository root: /mnt/project/EX-AI-MCP-Server/docs/a.md",
         "Error in chat: [chat:security] Path escapes repository root: /home/ops/other/README"),
        # durations
        ("GLM streaming timeout: GLM streaming exceeded timeout of 300s (elapsed: 317s).",
         "GLM streaming timeout: GLM streaming exceeded timeout of 180s (elapsed: 181.5s)."),
        ("Retrying request to /chat/completions in 0.447355 seconds",
         "Retrying request to /chat/completions in 12 seconds"),
        # memory addresses
        ("Task was destroyed but it is pending! task: <Task pending coro=<run() at 0x7f3a2c1d9e40>>",
         "Task was destroyed but it is pending! task: <Task pending coro=<run() at 0x7fab00001234>>"),
        # counts
        ("SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4",
         "SEMAPHORE HEALTH: Global semaphore leak: expected 10, got 7"),
        # request ids in the gateway's error lines, quoted values, emails, hosts
        ("[req:8f3a1c2d] [PROVIDER_ERROR] kimi upload returned no file ID",
         "[req:00aa77ff] [PROVIDER_ERROR] kimi upload returned no file ID"),
        # which column is missing is the fix (ALTER TABLE ... ADD COLUMN <it>): a table or column name
        # with a digit is a value (generated or versioned name)
        ("Could not find the 'col_7f3a' column of 'tmp_881' in the schema cache",
         "Could not find the 'col_19bd' column of 'tmp_902' in the schema cache"),
        ("alert mail to ops@example.com bounced", "alert mail to oncall.team@corp.example.org bounced"),
        ("Failed to get conversation 1a2b3c: maximum recursion depth exceeded",
         "Failed to get conversation ff00ee: maximum recursion depth exceeded"),
        ("2025-11-03 17:00:04 job failed at 17:00:09", "2025-12-24 09:10:11 job failed at 09:10:12"),
    ]
    for a, b in same:
        assert fingerprint_message(a, "gw") == fingerprint_message(b, "gw"), (a, b)


def test_error_codes_that_name_the_failure_are_separate_groups():
    pairs = [
        ("{'message': \"Could not find the 'upload_method' column\", 'code': 'PGRST204'}",
         "{'message': \"Could not find the 'upload_method' column\", 'code': 'PGRST205'}"),
        ("PGRST204 missing column", "PGRST205 missing column"),
        ('HTTP Request: POST https://x.supabase.co/rest/v1/conversation_files "HTTP/2 429 Too Many Requests"',
         'HTTP Request: POST https://x.supabase.co/rest/v1/conversation_files "HTTP/2 500 Internal Server Error"'),
        ('HTTP Request: POST https://x.supabase.co/rest/v1/conversation_files "HTTP/2 409 Conflict"',
         'HTTP Request: POST https://x.supabase.co/rest/v1/provider_file_uploads "HTTP/2 409 Conflict"'),
        ("Error code: 429, with error text {\"error\":{\"code\":\"1302\",\"message\":\"High concurrency usage\"}}",
         "Error code: 429, with error text {\"error\":{\"code\":\"1301\",\"message\":\"High concurrency usage\"}}"),
        ("Error code: 429 - {'error': {'type': 'exceeded_current_quota_error'}}",
         "Error code: 429 - {'error': {'type': 'rate_limit_reached_error'}}"),
        ("upstream returned status 429", "upstream returned status 503"),
        ("sent 1011 (internal error) keepalive ping timeout; no close frame received",
         "sent 1001 (going away) keepalive ping timeout; no close frame received"),
        ("OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', 3005)",
         "OSError: [Errno 13] error while attempting to bind on address ('127.0.0.1', 3005)"),
        ("duplicate key value violates unique constraint, code=23505", "check violation, code=23514"),
        ("POST https://api.z.ai/api/paas/v4/chat/completions failed", "POST https://api.moonshot.ai/v1/chat/completions failed"),
        ("Error in chat: 'PGRST205'", "Error in chat: 'PGRST204'"),
        # the missing column or table names the failure (issue 15), in PostgREST's and PostgreSQL's words
        ("Could not find the 'upload_method' column of 'provider_file_uploads' in the schema cache",
         "Could not find the 'status' column of 'conversation_files' in the schema cache"),
        ('column "upload_method" of relation "files" does not exist', 'column "status" of relation "files" does not exist'),
        ("Could not find the table 'public.files' in the schema cache",
         "Could not find the table 'public.jobs' in the schema cache"),
    ]
    for a, b in pairs:
        assert fingerprint_message(a, "gw") != fingerprint_message(b, "gw"), (a, b)


def test_the_gateway_failure_modes_stay_distinct():
    """Section 6 of the upstream research: each real failure mode is its own group."""
    messages = [
        "sent 1011 (internal error) keepalive ping timeout; no close frame received",
        "socket.send() raised exception.",
        "Connection closed for 172.18.0.1:36952: no close frame received or sent",
        "SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4",
        "SEMAPHORE RECOVERY: Recovered leaks: Global: +1",
        "Semaphore global_sem_chat already at max value (5/5), skipping release",
        "Failed to release global semaphore: BoundedSemaphore released too many times",
        "Not found the model glm-4.5-flash or Permission denied",
        "No provider for model kimi-k2-thinking",
        "{'message': \"Could not find the 'upload_method' column of 'provider_file_uploads' in the schema cache\", 'code': 'PGRST204'}",
        "{'message': \"Could not find the table 'public.files' in the schema cache\", 'code': 'PGRST205'}",
        "duplicate key value violates unique constraint \"conversation_files_pkey\"",
        "[BATCH_LINK] Failed to batch link files: {'message': 'ON CONFLICT DO UPDATE command cannot affect row a second time', 'code': '21000'}",
        "Upload failed with both providers. Primary: kimi upload returned no file ID, Fallback: glm upload returned no file ID",
        "Error code: 429, with error text {\"error\":{\"code\":\"1302\",\"message\":\"High concurrency usage of this API\"}}",
        "Error code: 429 - {'error': {'message': 'Your account is suspended', 'type': 'exceeded_current_quota_error'}}",
        "Error code: 400 - {'error': {'message': 'unknown tool type: web_search', 'type': 'invalid_request_error'}}",
        "GLM streaming timeout: GLM streaming exceeded timeout of 300s (elapsed: 317s).",
        "Conversation thread 'abc123' was not found or has expired.",
        "No module named 'utils.infrastructure.semantic_cache_legacy'",
        "NameError: name 'os' is not defined",
        "[SEMANTIC_CACHE] L2 write error: Object of type ModelResponse is not JSON serializable",
        "[EXPERT_ANALYSIS_DEBUG] JSON parse error: No JSON found in response",
        "[CACHE_METRICS] Transient error (attempt 1/3): ReadTimeout",
        "All retries exhausted for metrics flush",
        "Health writer failed for 31s - daemon may be stuck",
    ]
    fps = [fingerprint_message(m, "gw") for m in messages]
    assert len(set(fps)) == len(messages)


def test_logger_and_level_class_are_part_of_a_message_fingerprint():
    msg = "Health writer failed for 31s"
    assert fingerprint_message(msg, "ws_daemon", "WARN") == fingerprint_message(msg, "ws_daemon", "WARNING")
    assert fingerprint_message(msg, "ws_daemon", "CRITICAL") == fingerprint_message(msg, "ws_daemon", "FATAL")
    assert fingerprint_message(msg, "ws_daemon", "ERROR") != fingerprint_message(msg, "ws_daemon", "WARNING")
    assert fingerprint_message(msg, "ws_daemon") != fingerprint_message(msg, "src.daemon")
    assert level_class("error") == level_class("ERROR") == "error"


def test_fingerprints_are_32_hex_characters_and_titles_are_templates(tmp_path):
    fp = fingerprint_message("boom 1")
    assert len(fp) == 32 and int(fp, 16) >= 0
    ev = make_event("Connection closed for 172.18.0.1:36952: no close frame received or sent")
    assert event_title(ev) == "Connection closed for <*>: no close frame received or sent"
    mod = load_module(tmp_path / "app", "src/gw/handler.py", APP)
    exc_event = event_from_exception(capture(mod.lookup, {}, "missing-key-42"))
    assert event_title(exc_event) == "KeyError: '<*>'"
