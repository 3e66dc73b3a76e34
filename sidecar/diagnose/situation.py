"""What situation an error record is in: which component raised it, which remote it concerns, which codes.

Rules match on these facts, not only on words: the same `ReadTimeout` means "Kimi is slow" when the
openai SDK raised it for api.moonshot.ai and "a database query is slow" when postgrest raised it for
*.supabase.co; the same `"code": "1113"` is a Z.ai business code (insufficient balance), not a
Moonshot one. Everything here is a pure function of the `DiagnosisInput`.

Decisions:
- The record (log message, exception, traceback) decides first; the context lines are only asked
  when the record names no remote (an `httpx` request line logged just before often does).
- Code namespaces are told apart by shape *and* situation: a 4-digit `code` is a Z.ai business
  code only where the record concerns GLM; a 5-character `code` is a Postgres SQLSTATE
  (psycopg/errors.py: `[0-9A-Z]{5}`, class = first two characters); `PGRSTnnn` is PostgREST's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .model import DiagnosisInput

MAX_SCAN = 64 * 1024

# Remote -> what names it (hosts first: they are the most specific).
_HOSTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("glm", re.compile(r"api\.z\.ai|open\.bigmodel\.cn|bigmodel\.cn|zhipuai", re.I)),
    ("kimi", re.compile(r"api\.moonshot\.(?:ai|cn)|moonshot\.cn", re.I)),
    # Supabase: project hosts, the Supavisor pooler (aws-0-<region>.pooler.supabase.com, port 6543
    # transaction / 5432 session), the REST/storage/auth paths and the local stack's 54321
    ("supabase", re.compile(r"(?<![\w-])[\w-]{1,63}\.supabase\.(?:co|in|com)|/rest/v1/|/storage/v1/|/auth/v1/|"
                            r":54321\b|:6543\b|\bport 5432\b|:5432\b", re.I)),
    ("redis", re.compile(r"redis://|\bredis:\d{2,5}\b|:6379\b", re.I)),
)
_MODELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("glm", re.compile(r"\bglm-[\w.-]+", re.I)),
    ("kimi", re.compile(r"\b(?:kimi|moonshot)-[\w.-]+", re.I)),
)
# A remote named in the record's own words ("Kimi API error", "GLM request failed"): the weakest
# source, after hosts, packages, loggers and model names.
_NAMED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("glm", re.compile(r"\b(?:GLM|Zhipu|Z\.ai|BigModel)\b")),
    ("kimi", re.compile(r"\b(?:Kimi|Moonshot)\b", re.I)),
    ("supabase", re.compile(r"\b(?:Supabase|PostgREST)\b", re.I)),
    ("redis", re.compile(r"\bRedis\b", re.I)),
)
_LOGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("glm", re.compile(r"glm|zhipu|\bzai\b|z_ai", re.I)),
    ("kimi", re.compile(r"kimi|moonshot", re.I)),
    # the gateway's storage package (src.storage.*) is its Supabase layer (research: upstream-gateway.md)
    ("supabase", re.compile(r"supabase|postgrest|storage3|psycopg|postgres|\bpg_\w+|\.db\b|database|^src\.storage\.", re.I)),
    ("redis", re.compile(r"redis|\bcache\b", re.I)),
)
# Packages (from site-packages frames, dotted exception types, logger names) -> the remote they talk to.
_PACKAGE_REMOTE = {
    "postgrest": "supabase", "storage3": "supabase", "supabase": "supabase", "supabase_auth": "supabase",
    "gotrue": "supabase", "psycopg": "supabase", "psycopg_pool": "supabase", "psycopg2": "supabase",
    "asyncpg": "supabase", "zhipuai": "glm", "zai": "glm", "redis": "redis",
}
KNOWN_PACKAGES = frozenset({
    "openai", "httpx", "httpcore", "postgrest", "storage3", "supabase", "supabase_auth", "gotrue",
    "psycopg", "psycopg_pool", "psycopg2", "asyncpg", "websockets", "aiohttp", "zhipuai", "zai", "redis",
    "asyncio", "ssl", "socket", "uvicorn", "starlette", "fastapi", "jinja2", "PIL", "numpy", "lxml",
    "tiktoken", "tokenizers", "pypdf", "jsonschema", "babel", "google", "tarfile", "json",
})

_FRAME = re.compile(r'File "[^"]*?(?:site|dist)-packages/(?P<pkg>[A-Za-z_]\w*)[/"]')
_SRC_FRAME = re.compile(r'File "[^"]*?/(?P<pkg>asyncio|ssl|socket|json|tarfile)(?:/|\.py")')
_DOTTED = re.compile(r"^(?P<pkg>[A-Za-z_]\w*)\.")
# a package-qualified exception class named in a log message ("... failed: psycopg_pool.PoolTimeout: ...")
_NAMED_CLASS = re.compile(r"\b(?P<pkg>openai|httpx|httpcore|postgrest|storage3|supabase_auth|gotrue|psycopg|psycopg_pool|"
                          r"websockets|aiohttp|zhipuai|zai|redis|asyncio)\.(?:[a-z_]+\.)*[A-Z]\w+")
# openai/_base_client.py `_make_status_error_from_response` writes "Error code: <status>" and, when the body is JSON
# with error.message, " - <message>" (openai < 1.60 " - <body>"): that text names the SDK even where the gateway's
# wrapper logs it without the class ("OpenAI Compatible API error ...: Error code: 400 - ..."). zhipuai's own form
# ("Error code: 400, with error text {...}") is not matched: its package names it. Read by taxonomy.py only, not
# added to Situation.components: the components are the situation model's features (situation_features.py) and
# every other reader's, and a text is weaker than a raised class or a frame.
_SDK_STATUS_TEXT = re.compile(r"\bError code: [45]\d\d(?: - |[ \t]*$)", re.M)


def sdk_status_text(inp: DiagnosisInput, sit: Situation) -> bool:
    """The record holds the openai SDK's status-error text and names no other LLM SDK's package."""
    if {"zhipuai", "zai"} & sit.components:
        return False
    return any(_SDK_STATUS_TEXT.search(m[:MAX_SCAN]) for m in inp.messages())

# Code namespaces.
# `kq`/`vq`: the key's and the value's opening quotes - a quoted key with an unquoted value is a JSON/repr NUMBER
_QUOTED_CODE = re.compile(r"""(?P<kq>["'])?\bcode["']?\s*[:=]\s*(?P<vq>["'])?(?P<code>[0-9A-Z]{4,5}|PGRST\d{3})["']?""")
_PGRST = re.compile(r"\bPGRST(?:\d{3}|X\d\d)\b")  # PGRSTX00: the internal group
_SQLSTATE_WORD = re.compile(r"\bSQLSTATE\W{0,3}(?P<code>[0-9A-Z]{5})\b")
_PSYCOPG_CLASS = re.compile(r"\bpsycopg2?\.errors\.(?P<cls>[A-Z]\w+)")
# Postgres server messages of the connection phase carry no SQLSTATE through psycopg's "connection
# failed" text; these are their codes (PostgreSQL errcodes appendix; libpq's message for a dropped socket).
_SERVER_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"sorry, too many clients already|remaining connection slots are reserved", re.I), "53300"),
    # miscinit.c / postinit.c: a role's or a database's own CONNECTION LIMIT reached (53300, database_codes.py)
    (re.compile(r'too many connections for (?:role|database) "[^"\n]{1,63}"', re.I), "53300"),
    # auth.c: a refused password is 28P01; pg_hba.conf refusing the host/user/database ("no pg_hba.conf entry",
    # "pg_hba.conf rejects connection") is 28000 (ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION)
    (re.compile(r"password authentication failed for user", re.I), "28P01"),
    (re.compile(r"no pg_hba\.conf entry|pg_hba\.conf rejects", re.I), "28000"),
    (re.compile(r'FATAL:\s+role "[^"\n]{1,63}" does not exist', re.I), "28000"),
    (re.compile(r'FATAL:\s+database "[^"\n]{1,63}" does not exist', re.I), "3D000"),
    (re.compile(r"terminating connection due to administrator command", re.I), "57P01"),
    (re.compile(r"the database system is (?:starting up|shutting down|in recovery mode)", re.I), "57P03"),
    (re.compile(r"server closed the connection unexpectedly|terminating connection due to unexpected postmaster exit", re.I), "08006"),
    (re.compile(r"canceling statement due to statement timeout", re.I), "57014"),
    (re.compile(r"canceling statement due to lock timeout", re.I), "55P03"),
    (re.compile(r"deadlock detected", re.I), "40P01"),
)
# the gateway's own codes: "[req:<id>] [<CODE>] <message>" (src/daemon/error_handling.py log_error) and its error body
_GATEWAY_CODE = re.compile(r"\[req:[^\]\s]{1,80}\]\s*\[(?P<c>[A-Z][A-Z_]{2,40})\]|"
                           r"""["']code["']\s*:\s*["'](?P<c2>UNAUTHORIZED|OVER_CAPACITY|TIMEOUT|SERVICE_UNAVAILABLE|"""
                           r"""INVALID_REQUEST|VALIDATION_ERROR|NOT_FOUND|TOOL_NOT_FOUND|PROTOCOL_ERROR|PROVIDER_ERROR|"""
                           r"""TOOL_EXECUTION_ERROR|INTERNAL_ERROR)["']""")
_MOONSHOT_TYPE = re.compile(
    r"""["']type["']\s*:\s*["'](?P<t>[a-z_]+_error|content_filter)["']"""
)
_HTTP = (
    re.compile(r"Error code: (?P<s>[1-5]\d\d)\b"),
    re.compile(r"HTTP/\d(?:\.\d)?\"? (?P<s>[1-5]\d\d)\b"),
    re.compile(r"""["']?status(?:_?code|Code)?["']?\s*[:=]\s*["']?(?P<s>[1-5]\d\d)\b""", re.I),
    re.compile(r"\bHTTP (?P<s>[1-5]\d\d)\b"),
    # httpx/_models.py raise_for_status: "Client error '409 Conflict' for url '...'" (any status, any reason phrase)
    re.compile(r"\b(?:Client|Server) error '(?P<s>[45]\d\d) [^'\n]{0,60}' for url"),
    re.compile(r"\b(?P<s>[45]\d\d) (?:Bad Request|Unauthorized|Forbidden|Not Found|Too Many Requests|"
               r"Payload Too Large|Request Entity Too Large|Internal Server Error|Bad Gateway|"
               r"Service Unavailable|Gateway Time-?out)\b"),
)
_WS_CLOSE = re.compile(r"\b(?:sent|received) (?P<c>1\d{3}|4\d{3}) \(|\bclose code[ =:]+(?P<c2>1\d{3}|4\d{3})\b"
                       r"|\bcode[ =](?P<c3>1\d{3}|4\d{3})\b(?=[^\n]{0,40}\b(?:close|reason))"
                       # realtime-py _on_connect_error: "WebSocket connection closed with code: 1006, reason: "
                       r"|\bclosed with code: (?P<c4>1\d{3}|4\d{3})\b", re.I)


@lru_cache(maxsize=1)
def _sqlstate_classes() -> dict[str, str]:
    """psycopg's exception class name -> SQLSTATE (the library's own table, psycopg/errors.py)."""
    try:
        from psycopg import errors
    except ImportError:  # pragma: no cover - psycopg is a runtime dependency
        return {}
    out: dict[str, str] = {}
    for name in dir(errors):
        cls = getattr(errors, name)
        code = getattr(cls, "sqlstate", None)
        if isinstance(cls, type) and isinstance(code, str) and code:
            out[name] = code
    return out


@dataclass(frozen=True, slots=True)
class Situation:
    """Facts about one error record (see the module docstring)."""

    remote: str | None  # kimi | glm | supabase | redis | None
    remotes: frozenset[str]
    components: frozenset[str]  # python packages involved (exception module, frames, logger)
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # namespace -> codes, in order
    remote_named_by_record: bool = False  # the remote comes from a host, package, logger or model of the record

    def code(self, namespace: str) -> tuple[str, ...]:
        return self.codes.get(namespace, ())


def _first_remote(texts: list[str], table: tuple[tuple[str, re.Pattern[str]], ...]) -> list[str]:
    hits: list[tuple[int, int, str]] = []
    for ti, text in enumerate(texts):
        for name, rx in table:
            m = rx.search(text)
            if m is not None:
                hits.append((ti, m.start(), name))
    return [name for _, _, name in sorted(hits)]


# a setting of one remote's client, by the gateway's env names (GLM_TIMEOUT_SECS, KIMI_BASE_URL, SUPABASE_URL, REDIS_URL),
# and the provider's name as a key in lower case ('provider limits: kimi=5 glm=10': _NAMED's GLM is upper case only)
_SETTING_PREFIX: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("glm", re.compile(r"\b(?:GLM|ZAI|ZHIPUAI?)_[A-Z]|\bglm\b")), ("kimi", re.compile(r"\b(?:KIMI|MOONSHOT)_[A-Z]")),
    ("supabase", re.compile(r"\bSUPABASE_[A-Z]")), ("redis", re.compile(r"\bREDIS_[A-Z]")),
)


def remotes_named(text: str, logger: str | None = None) -> set[str]:
    """The remotes one line names by host, model name, its own words or its logger (the tables above): for a record
    other than the error's (deciding_facts.py asks whether a record concerns another remote than the error)."""
    texts = [text[:MAX_SCAN]]
    found = [*_first_remote(texts, _HOSTS), *_first_remote(texts, _MODELS), *_first_remote(texts, _NAMED),
             *_first_remote(texts, _SETTING_PREFIX)]
    return set(found + (_first_remote([logger], _LOGGERS) if logger else []))


def _components(inp: DiagnosisInput, record: str) -> list[str]:
    out: list[str] = []
    for t in inp.exception_types():
        m = _DOTTED.match(t)
        if m and m.group("pkg") in KNOWN_PACKAGES:
            out.append(m.group("pkg"))
    out += [m.group("pkg") for m in _FRAME.finditer(record)]
    out += [m.group("pkg") for m in _NAMED_CLASS.finditer(record)]
    out += [m.group("pkg") for m in _SRC_FRAME.finditer(record)]
    if inp.logger:
        head = inp.logger.split(".")[0]
        if head in KNOWN_PACKAGES:
            out.append(head)
    for t in inp.exception_types():
        bare = t.rsplit(".", 1)[-1]
        if bare in _sqlstate_classes():
            out.append("psycopg")
    return list(dict.fromkeys(out))


def _codes(record: str, components: list[str], remote: str | None, types: list[str]) -> dict[str, tuple[str, ...]]:
    codes: dict[str, list[str]] = {}

    def add(ns: str, code: str) -> None:
        codes.setdefault(ns, [])
        if code not in codes[ns]:
            codes[ns].append(code)

    for m in _PGRST.finditer(record):
        add("pgrst", m.group(0))
    database = remote == "supabase" or any(c in _PACKAGE_REMOTE and _PACKAGE_REMOTE[c] == "supabase" for c in components)
    for m in _QUOTED_CODE.finditer(record):
        code = m.group("code")
        if code.startswith("PGRST"):
            continue
        if len(code) == 4 and code.isdigit() and code.startswith("1") and remote != "supabase":
            add("glm" if remote == "glm" else "business", code)
        elif m.group("kq") and not m.group("vq") and code.isdigit():
            continue  # a SQLSTATE is a 5-character STRING (psycopg's Diagnostic.sqlstate, postgrest's body): 57014 is a number
        elif len(code) == 5 and (database or not code.isdigit() or code[:2] in {"08", "22", "23", "25", "40", "42", "53", "55", "57"}):
            add("sqlstate", code)
    for m in _SQLSTATE_WORD.finditer(record):
        add("sqlstate", m.group("code"))
    states = _sqlstate_classes()
    named = [m.group("cls") for m in _PSYCOPG_CLASS.finditer(record)]
    for bare in named:
        if bare in states and bare not in {"Error", "DatabaseError", "OperationalError", "InterfaceError"}:
            add("sqlstate", states[bare])
    if database or named or any(c.startswith("psycopg") for c in components):
        for rx, code in _SERVER_MESSAGES:
            if rx.search(record):
                add("sqlstate", code)
    for t in types:
        bare = t.rsplit(".", 1)[-1]
        if bare in states and bare not in {"Error", "DatabaseError", "OperationalError", "InterfaceError"}:
            add("sqlstate", states[bare])
    for m in _GATEWAY_CODE.finditer(record):
        add("gateway", m.group("c") or m.group("c2"))
    for m in _MOONSHOT_TYPE.finditer(record):
        add("moonshot" if remote != "glm" else "provider_type", m.group("t"))
    for rx in _HTTP:
        for m in rx.finditer(record):
            add("http", m.group("s"))
    for m in _WS_CLOSE.finditer(record):
        add("ws_close", next(g for g in m.groups() if g))
    return {k: tuple(v) for k, v in codes.items()}


# a host the record itself names: a URL's, one before a port, one after "host"/"host=" (urllib3's
# HTTPSConnectionPool(host='x', port=443)) or after a connect verb's "to"; a DNS name of two or more labels ending in a
# letters-only label that is not a source or data file's extension ('relay_server.py:296', a JVM frame's
# '(Bar.kt:42)' are frames). Only a verb or noun of sending takes "to" (connect, request, deliver(y), upload, call, ...:
# 'alert delivery to webhook.x.example failed'); a bare "to" does not: 'cannot convert to numpy.ndarray' names a type.
_OWN_HOST = re.compile(r"://(?:[^@/\s]*@)?(?P<u>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)|"
                       r"(?<![\w./(-])(?P<p>[A-Za-z][\w-]*(?:\.[\w-]+)+)\.?:\d{2,5}\b|"
                       r"(?:\bhost\s*=\s*['\"]?|\bhost\s+'?|"
                       r"\b(?:connect|request|reach|sen[dt]|post|deliver|upload|call|forward|push|publish|proxy|dial|relay)\w*\s+to\s+'?)"
                       r"(?P<h>[A-Za-z][\w-]*(?:\.[\w-]+)+)", re.IGNORECASE)
_FILE_EXT = frozenset({"py", "pyc", "pyi", "js", "ts", "go", "rs", "java", "rb", "c", "h", "cc", "cpp", "so", "log",
                       "txt", "json", "yaml", "yml", "toml", "cfg", "ini", "conf", "pem", "crt", "key", "sql", "html",
                       "md", "csv", "sh", "lock", "env", "pid", "sock", "tmp", "bin", "gz", "zip", "pdf", "png", "jpg",
                       "kt", "kts", "scala", "groovy", "php", "cs", "swift", "pl", "pm", "mjs", "cjs", "jsx", "tsx"})


def own_host(record: str) -> str | None:
    """The first host the record names (by the shapes above) that is no remote of the _HOSTS table, or None."""
    for m in _OWN_HOST.finditer(record[:MAX_SCAN]):
        host = (m.group("u") or m.group("p") or m.group("h")).rstrip(".")
        last = host.rsplit(".", 1)[-1]
        if last.isalpha() and len(last) >= 2 and last.lower() not in _FILE_EXT and \
                not _first_remote([host], _HOSTS):
            return host
    return None


def situation(inp: DiagnosisInput) -> Situation:
    """The situation of `inp`'s error record (pure; see the module docstring for the precedence)."""
    record_texts = [m[:MAX_SCAN] for m in inp.messages()] + [inp.traceback[-MAX_SCAN:]]
    record = "\n".join(record_texts)
    components = _components(inp, record)
    hosts = _first_remote(record_texts, _HOSTS)
    packages = [_PACKAGE_REMOTE[c] for c in components if c in _PACKAGE_REMOTE]
    loggers = _first_remote([inp.logger or ""], _LOGGERS)
    models = _first_remote(record_texts, _MODELS)
    named = _first_remote(record_texts, _NAMED)
    # the nearest context line that names a remote (a request log line just before the error, or the
    # "Using model: kimi-..." line of the same tool call)
    nearest: list[str] = []
    for line in reversed(inp.context[-12:]):
        found = _first_remote([line[:4096]], _HOSTS) or _first_remote([line[:4096]], _MODELS)
        if found:
            nearest = found[:1]
            break
    strong = [*hosts, *packages, *loggers, *models]
    ordered = [*strong, *named, *nearest]
    remote = ordered[0] if ordered else None
    return Situation(
        remote=remote,
        remotes=frozenset(ordered),
        components=frozenset(components),
        codes=_codes(record, components, remote, inp.exception_types()),
        remote_named_by_record=bool(strong),
    )


def codes_in(text: str, sit: Situation) -> dict[str, tuple[str, ...]]:
    """The codes `text` (a quote of the record or of a record around it) holds, by the namespaces `_codes` gives them in
    `sit` (its remote, its components): the one owner of whose a code is, for quote_words.py too."""
    return _codes(text[:MAX_SCAN], sorted(sit.components), sit.remote, [])
