"""Request records: a line written for EVERY request, whose HTTP status is one of its fields.

The keep rules (`masking_rules.KEEP_RULES`: `http_status`, `keyed_code`'s `status`) keep a status in
a message's identity because a line written BECAUSE a request failed names its failure with it
(`upstream returned status 503`, `Kimi API error 429 ...`: a 409 and a 500 need different fixes).
A request record is the other class: one statement logs every finished request, successful or not,
with the request's own measures, and its status is a field like the path and the time taken - one
call site, one template (the label every grouping bench uses). Its formats, from their sources:
* eventlet.wsgi `DEFAULT_LOG_FORMAT`: `%(client_ip)s - - [%(date_time)s] "%(request_line)s"
  %(status_code)s %(body_length)s %(wall_seconds).6f`; OpenStack nova's wsgi log format
  (nova commit c01c852c, "contains information not shown elsewhere (wall_seconds, body_length)"):
  `%(client_ip)s "%(request_line)s" status: %(status_code)s len: %(body_length)s time: %(wall_seconds).7f`;
* uWSGI `--logformat` (`%(method) %(uri) ... status %(status)` with `%(msecs)`, `%(size)`), gunicorn's
  `access_log_format` (`"%(r)s" %(s)s %(b)s`, `%(T)s`/`%(D)s` the request time), Labstack Echo's logger
  (`"method":"GET","uri":"/","status":200,"latency":..,"bytes_out":..`), Tomcat AccessLogValve
  (`%r %s %b %D`), Go middlewares (`log.Printf("[%d] %s in %v", status, uri, elapsed)`), an application's
  own request filter (`log.info("{} {} completed in {} with status {}", method, uri, duration, status)`).

So a message is a request record when it holds (a) the request: an HTTP method (RFC 9110 s.9, PATCH
RFC 5789) in capitals and a path or URL, and (b) a measure of that request: its time taken or its size
(`len: 1893`, `time: 0.25`, `in 12ms`, `in PT1.5S`, `4.2KB`, `bytes_out`). Then its statuses are
masked like any value. Near misses that keep their status (tests/errors/test_request_records.py):
a failure report without the request's measures (`POST https://.../files failed with status 409`,
httpx's `HTTP Request: POST <url> "HTTP/2 409 Conflict"`, pinned by tests/errors/test_fingerprint.py),
a measure without a request (`upstream returned status 503 after 1.2s`), a request that failed, is
retried or was given up on (`POST /x failed after 30.2s with status 504`), and every non-status keep
(`code=23505`, errno, close codes) even inside a request record.
"""

from __future__ import annotations

import re

from .token_forms import names_failure

__all__ = ["HTTP_METHODS", "is_request_record", "is_status_keep"]

# HTTP request methods (RFC 9110 s.9 and PATCH, RFC 5789), written in capitals by every server and client.
HTTP_METHODS = frozenset("GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH".split())

_METHOD = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(HTTP_METHODS)) + r")(?![\w-])")
# A request target: an absolute path (`/api/v1/x`, `/`) or an absolute URL.
_TARGET = re.compile(r"(?:^|[\s\"'=:\[(])/(?!/)|\w://")
# A measure of the request: a time or size field by name, a number with a time or size unit, an ISO-8601
# duration (java.time.Duration.toString). Looked for outside the query string (`_QUERY`).
_MEASURE = re.compile(
    r"(?i:\b(?:len|length|bytes(?:_in|_out|_sent|_received)?|size|body_length|time|duration|elapsed|took|latency"
    r"|response_time|request_time)\b['\"]?\s*[:=]?\s*['\"]?\d)"
    r"|\b\d+(?:\.\d+)?\s?(?:ms|us|µs|ns|s|B|[kKMG]i?B|bytes)\b"
    r"|\bPT(?:\d+[HM])*\d+(?:\.\d+)?S\b|\bPT\d+[HM]\b"
)
# A request target's query (RFC 3986 s.3.4: from `?` to the end of the target, `#` or whitespace): its fields
# are the request's ARGUMENTS, set before it was sent, never a measure of it - a field named like one
# (`?size=20`, `&time=5`: review r16) or a value with a unit (`?timeout=30s`, `?wait=500ms`: client-go's
# rest.Request puts its timeout in the query as `timeout=` + time.Duration.String(), `32s`) alike.
_QUERY = re.compile(r"\?[^\s\"'#]*")
# The status keeps: `http_status` spans and the `status` forms of `keyed_code` holding a 1xx-5xx number.
_STATUS_KEYED = re.compile(r"""(?i)^['"]?(?:http[ _]?)?status(?:[ _]?code)?['"]?(?:\s*[:=]\s*|\s+is\s+|\s+)['"]?[1-5]\d\d['"]?$""")


# A line that says the request failed, is retried or was given up on is written BECAUSE it failed (review
# r16: `POST /x failed after 30.2s with status 504`, `Retrying GET /x in 2.0s after status 429`): its status
# names the failure even when it carries the elapsed time.
_RETRY = re.compile(r"(?i)\b(?:retr(?:y|ies|ying|ied)|g(?:ave|iving|ive) up|back(?:ing)? off|backoff)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z_-]*")


def is_request_record(text: str) -> bool:
    """Whether `text` is a request record (module docstring): an HTTP method, a request target and a
    measure of the request, and no word saying it failed or is retried (`names_failure`, `_RETRY`).
    Cheap on the common message: the method test is a literal-led scan."""
    return (_METHOD.search(text) is not None and _TARGET.search(text) is not None
            and _MEASURE.search(_QUERY.sub(" ", text) if "?" in text else text) is not None and _RETRY.search(text) is None
            and not any(names_failure(w) for w in _WORD.findall(text)))


def is_status_keep(kept: str, from_http_rule: bool) -> bool:
    """Whether a keep span's text is an HTTP status: every `http_status` span, and a `keyed_code` span
    that is `status`/`status code`/`http status` with a 1xx-5xx number (not `code=23505`, not errno)."""
    return from_http_rule or _STATUS_KEYED.match(kept) is not None
