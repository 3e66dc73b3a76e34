"""The keep and protect rules: what names the error (HTTP statuses, keyed error codes, WebSocket close codes,
the names a Python exception gives) is kept verbatim, and a URL keeps its service (scheme, host, path words)
while its per-request parts are masked. Each rule carries examples and the reason it exists (masking_rules.py is
the table; keep_spans.py applies these rules).
"""

from __future__ import annotations

import re

from .rule_table import PLACEHOLDER, Rule, rule

__all__ = ["ERROR_TOKEN", "KEEP_RULES"]

_HTTP_REASONS = (
    "Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|"
    "Request Timeout|Conflict|Gone|Payload Too Large|Request Entity Too Large|Unsupported Media Type|"
    "Unprocessable Entity|Unprocessable Content|Too Many Requests|Internal Server Error|Not Implemented|"
    "Bad Gateway|Service Unavailable|Gateway Timeout"
)

# An error code is uppercase letters then at least two digits: PGRST204, ORA-00942, HY000.
ERROR_TOKEN = r"[A-Z]{2,}[-_]?\d{2,}[A-Z]?(?![\w.+-])"


def _mask_host(authority: str) -> str:
    userinfo, _, hostport = authority.rpartition("@")
    if hostport.startswith("["):  # [ipv6]:port
        host, _, rest = hostport.partition("]")
        host, sep = PLACEHOLDER, ":" if rest.startswith(":") else ""
    else:
        host, sep, _port = hostport.partition(":")
        labels = host.split(".")
        if all(lbl.isdigit() for lbl in labels if lbl):
            host = PLACEHOLDER
        else:
            host = ".".join(PLACEHOLDER if _DIGIT.search(lbl) else lbl for lbl in labels)
    out = (PLACEHOLDER + "@" if userinfo else "") + host
    return out + (":" + PLACEHOLDER if sep else "")


_DIGIT = re.compile(r"\d")
_URL_PARTS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$")
_VARIABLE_SEGMENT = re.compile(r"\d|^[A-Za-z0-9_-]{24,}$")


def _url(m: re.Match[str]) -> str:
    url = m.group()
    trailing = ""
    while url and url[-1] in ".;:!":
        trailing = url[-1] + trailing
        url = url[:-1]
    parts = _URL_PARTS.match(url)
    if not parts:
        return PLACEHOLDER + trailing
    scheme, authority, path, query, _fragment = parts.groups()
    segments = [PLACEHOLDER if _VARIABLE_SEGMENT.search(seg) else seg for seg in path.split("/")]
    out = scheme + _mask_host(authority) + "/".join(segments)
    if query:
        pairs = []
        for pair in query[1:].split("&"):
            key, eq, _value = pair.partition("=")
            pairs.append(f"{key}={PLACEHOLDER}" if eq else PLACEHOLDER)
        out += "?" + "&".join(pairs)
    return out + trailing


KEEP_RULES: tuple[Rule, ...] = (
    rule(
        "http_status", "keep",
        rf"\bHTTP/\d(?:\.\d)?\s+[1-5]\d\d\b(?:\s+(?:{_HTTP_REASONS})\b)?|\bHTTP\s+[1-5]\d\d\b"
        rf"|\b[1-5]\d\d\s+(?:{_HTTP_REASONS})\b",
        None,
        ("HTTP", "Request"),
        (('HTTP Request: POST https://db7x.supabase.co/rest/v1/files "HTTP/2 409 Conflict"',
          'HTTP Request: POST https://<*>.supabase.co/rest/<*>/files "HTTP/2 409 Conflict"'),
         ("upstream said 429 Too Many Requests", "upstream said 429 Too Many Requests")),
        "The status is the failure: 409 (a duplicate) and 500 (a crash) need different fixes.",
    ),
    rule(
        "keyed_code", "keep",
        r"""['"]?\b(?i:error[ _]?code|status[ _]?code|http[ _]?status|sqlstate|errno|exit[ _](?:code|status)"""
        r"""|return[ _]?code|close[ _]code)['"]?(?:\s*[:=]\s*|\s+is\s+|\s+)['"]?-?[\w.-]*\d[\w.-]*['"]?"""
        r"""|['"]?\b(?i:code|status|type|error_type|err_code|reason)['"]?\s*[:=]\s*['"]?[\w.-]+['"]?"""
        r"|\b(?i:status)\s+[1-5]\d\d\b",
        None,
        ("code", "Code", "CODE", "status", "Status", "STATUS", "type", "Type", "TYPE", "rrno", "ERRNO",
         "reason", "Reason", "REASON", "sqlstate", "SQLSTATE"),
        (('Error code: 429, with error text {"error":{"code":"1302","message":"High concurrency"}}',
          'Error code: 429, with error text {"error":{"code":"1302","message":"High concurrency"}}'),
         ("OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', 3005)",
          "OSError: [Errno 98] error while attempting to bind on address ('<*>', <*>)"),
         ("worker exited with exit code 137", "worker exited with exit code 137"),
         ("message code 2 is not 3 or 4", "message code <*> is not <*> or <*>"),
         ("upstream returned status 503 after 3 tries", "upstream returned status 503 after <*> tries")),
        "A value introduced by code/status/errno/type names the failure (GLM 1302 = concurrency, Kimi "
        "429 = quota, errno 98 = port in use, exit 137 = OOM kill); masking it would merge errors that "
        "need different fixes. Plain `code`/`status`/`type` need a `:` or `=` after them (so `message "
        "code 2` still masks); `error code`, `errno`, `exit code` do not, nor does `status` before an "
        "HTTP status number.",
    ),
    rule(
        "ws_close_code", "keep",
        r"\b(?:sent|received)\s+1\d{3}\s+\([\w ]+\)",
        None,
        ("sent 1", "received 1"),
        (("sent 1011 (internal error) keepalive ping timeout; no close frame received",
          "sent 1011 (internal error) keepalive ping timeout; no close frame received"),),
        "A WebSocket close code says why the connection ended (1011 server error vs 1001 going away).",
    ),
    rule(
        "failure_name", "keep",
        # CPython's own message forms that name what failed (Objects/object.c, Python/ceval.c,
        # Python/import.c, Python/getargs.c): `'T' object has no attribute 'a'`, `module 'm' has no
        # attribute 'a'`, `name 'x' is not defined`, `cannot import name 'x'`, `No module named 'x'`,
        # `unexpected keyword argument 'x'`, `missing 1 required positional argument: 'x'`, and a
        # KeyError's message, which is the key's repr. Only identifiers: `masking._failure_name`
        # drops a match whose name has digits or looks like an id (a key that is data stays masked).
        r"""(['"])[A-Za-z_][\w.]{0,79}\1 object has no attribute (['"])[A-Za-z_]\w{0,79}\2"""
        r"""|\b(?:has no attribute|cannot import name|No module named|unexpected keyword argument"""
        r"""|required (?:positional|keyword-only) argument:|(?:KeyError|NameError|UnboundLocalError):)"""
        r"""\s*(['"])[A-Za-z_][\w.]{0,79}\3"""
        r"""|\bname (['"])[A-Za-z_]\w{0,79}\4 is not defined"""
        # PostgreSQL's undefined column/table (SQLSTATE 42703/42P01, "column \"x\" of relation \"y\"
        # does not exist") and PostgREST's schema-cache misses (PGRST204/PGRST205: "Could not find the
        # 'x' column of 'y'", "Could not find the table 'public.y'"): which column is missing is the fix.
        r"""|\b(?:column|relation|table) (['"])[A-Za-z_][\w.]{0,79}\5(?: column)?(?: of (?:relation )?(['"])[A-Za-z_][\w.]{0,79}\6)?"""
        r"""|\bthe (['"])[A-Za-z_][\w.]{0,79}\7 column of (['"])[A-Za-z_][\w.]{0,79}\8""",
        None,
        ("attribute", "import name", "module named", "argument", "KeyError", "NameError", "UnboundLocalError",
         "not defined", "column", "relation", "table"),
        (("handler failed: AttributeError: 'NoneType' object has no attribute 'get'",
          "handler failed: AttributeError: 'NoneType' object has no attribute 'get'"),
         ("lookup failed: KeyError: 'model'", "lookup failed: KeyError: 'model'"),
         ("lookup failed: KeyError: 'a3f9c2d1'", "lookup failed: KeyError: '<*>'"),
         ("startup: NameError: name 'os' is not defined", "startup: NameError: name 'os' is not defined"),
         ("ModuleNotFoundError: No module named 'zhipuai'", "ModuleNotFoundError: No module named 'zhipuai'"),
         ('column "upload_method" of relation "files" does not exist',
          'column "upload_method" of relation "files" does not exist'),
         ("Could not find the 'status' column of 'files' in the schema cache",
          "Could not find the 'status' column of 'files' in the schema cache"),
         ("Could not find the table 'public.uploads' in the schema cache",
          "Could not find the table 'public.uploads' in the schema cache")),
        "The attribute, key, name or module a Python exception names is the failure (issue 15: `'get'` "
        "on None and a missing `'timeout_secs'` need different fixes); in a traceback `failure_names` "
        "keeps them, and an exception logged inline (`logger.error(f\"...: {exc!r}\")`) must group the same way.",
    ),
    rule(
        "url", "protect",
        r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>\]\[)(}{,]+",
        _url,
        ("://",),
        (("Retrying https://api.example.com:8443/v1/files/file-83hd?purpose=batch&x=1",
          "Retrying https://api.example.com:<*>/<*>/files/<*>?purpose=<*>&x=<*>"),
         ("POST https://api.z.ai/api/paas/v4/chat/completions failed",
          "POST https://api.z.ai/api/paas/<*>/chat/completions failed")),
        "The scheme, host and the words of the path say which service failed (api.z.ai vs "
        "api.moonshot.ai); ports, ids in the path and query values vary per request. Host labels "
        "with digits (IPs, generated project refs) are masked.",
    ),
)
