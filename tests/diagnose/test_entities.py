"""The cause text names what the error names (entities.py): the host, port, schema, request id of the record or of
its own logger's lines just before - never a thing another component logged, never code or a doc link."""

from __future__ import annotations

import pytest

from sidecar.diagnose.entities import MAX_ENTITIES, named_entities
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.rules import load_rules

RULES = load_rules("rules/diagnoses.yaml")
DNS_TB = ("Traceback (most recent call last):\n"
          '  File "/usr/local/lib/python3.11/site-packages/httpx/_transports/default.py", line 101, in map_httpcore_exceptions\n'
          "    yield\n"
          "httpx.ConnectError: [Errno -2] Name or service not known\n")


def _log(context: list[str], logger: str, message: str, tb: str = DNS_TB) -> str:
    return "".join(f"{c}\n" for c in context) + f"2025-11-20 07:45:11 ERROR {logger}: {message}\n{tb}"


@pytest.mark.parametrize("ref", ["qzvbxkel", "abc-def-123", "x" * 20])
def test_a_host_that_does_not_resolve_is_named_from_its_clients_own_line(ref: str) -> None:
    log = _log(["2025-11-20 07:45:10 INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/chat/completions \"HTTP/1.1 200 OK\"",
                f"2025-11-20 07:45:11 INFO src.storage.supabase_client: Supabase client initialised for https://{ref}.supabase.co"],
               "src.storage.supabase_client", "get_conversation failed")
    d = RULES.diagnose(excerpt_to_input(log))
    text = d.summary + " " + d.root_cause
    assert d.category == "config" and f"{ref}.supabase.co" in text, (d.rule, text)
    assert "moonshot" not in text.lower() and "Kimi" not in text  # another logger's line is never named


def test_a_url_only_another_component_logged_is_not_named() -> None:
    inp = excerpt_to_input(_log(["2025-11-20 07:45:10 INFO httpx: HTTP Request: POST https://api.moonshot.ai/v1/x \"HTTP/1.1 200 OK\""],
                                "src.storage.supabase_client", "get_conversation failed"))
    assert named_entities(inp) == []


def test_settings_pairs_of_the_same_logger_are_named_not_code_or_doc_links() -> None:
    tb = ("Traceback (most recent call last):\n"
          '  File "/app/src/storage/supabase_client.py", line 3, in connect\n'
          "    client = create_client(url=os.environ['SUPABASE_URL'], schema=SCHEMA)\n"
          "httpx.HTTPStatusError: Client error '406 Not Acceptable'\n"
          "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/406\n")
    inp = excerpt_to_input(_log(["2025-11-18 06:58:00 INFO src.storage.supabase_client: Supabase client initialised (schema=exai)",
                                 "2025-11-18 06:58:00 INFO src.other: token=abc123 schema=other"],
                                "src.storage.supabase_client", "query failed", tb))
    assert named_entities(inp) == ["schema=exai"]


def test_credentials_in_a_url_are_never_named_and_the_count_is_bounded() -> None:
    urls = " ".join(f"postgres://user:hunter2secret@db{i}.example.com:5432/app" for i in range(10))
    inp = excerpt_to_input(_log([], "src.storage.pg", f"connect failed for {urls}", ""))
    found = named_entities(inp)
    assert len(found) == MAX_ENTITIES and not any("hunter2" in f or "user" in f for f in found), found


def test_a_10_mb_line_is_bounded() -> None:
    line = "schema=" + "a" * 10_000_000 + " https://" + "h" * 5_000_000
    inp = excerpt_to_input(_log([f"2025-11-18 06:58:00 INFO src.x: {line}"], "src.x", line, ""))
    found = named_entities(inp)  # only the first SCAN characters of a line are searched
    assert found and all(len(f) < 120 for f in found), found


def test_a_postgres_object_past_the_quoted_part_of_a_long_message_is_still_named() -> None:
    """libpq puts the server's reason after the host list: past the 200 characters the cause quotes of a message,
    the object the server names ('database "x"', PostgreSQL's message style) must still reach the text."""
    hosts = ", ".join(f'connection to server at "db{i}.qzvbxkel.supabase.co" (10.0.3.{i}), port 5432 failed: timeout'
                      for i in range(4))
    tb = ("Traceback (most recent call last):\n"
          '  File "/usr/local/lib/python3.11/site-packages/psycopg/connection_async.py", line 1, in connect\n'
          f'psycopg.OperationalError: connection failed: {hosts}; FATAL:  database "postgress" does not exist\n')
    d = RULES.diagnose(excerpt_to_input(_log([], "src.storage.pg_direct", "pool open failed", tb)))
    assert d.category == "config" and '"postgress"' in d.root_cause, (d.rule, d.root_cause)
