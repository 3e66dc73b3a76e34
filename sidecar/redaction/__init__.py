"""The one redactor: every text that leaves the machine or is shown passes through `redact`.

Used when a sample is stored (unless `store.keep_raw`), and again at every exit as a second line of
defence: the Kimi prompt, chat/webhook alerts, Alertmanager labels and annotations, hook payloads,
API JSON and pages. Each secret becomes `[REDACTED:kind]`.

Taxonomy (what counts as a secret). Four classes, each in its own module with its sources; the rules
run in this order, most specific first, so a secret is named by the most precise class that sees it:
(b) STRUCTURAL carriers (`carriers.py`): PEM/PuTTY private keys, credential webhook URLs (Slack,
    Discord, Teams, Power Automate), URL userinfo of any scheme, secret query parameters, JWTs,
    HTTP `Authorization` of any scheme, cookies, `curl -u` / `mysql -p` / `redis-cli -a`, `.netrc`.
(a) known token FORMATS with a fixed prefix or structure (`formats.py`): every fixed-prefix rule of
    gitleaks' config/gitleaks.toml and detect-secrets' plugins (ghp_/gho_/ghu_/ghs_/ghr_/github_pat_,
    glpat-/gldt-/glrt-..., xox[abeoprs]-/xapp-, sk_/rk_/pk_live_, whsec_, AKIA/ASIA/AGPA/AIDA/AROA...,
    AIza, ya29., GOCSPX-, sk-ant-, sk-proj-/sk-, T3BlbkFJ, hf_, gsk_, xai-, pplx-, r8_, hvs./hvb.,
    dop_/doo_/dor_v1_, shpat_/shpca_/shppa_/shpss_, npm_, pypi-AgE, SG., dapi, lin_api_, PMAK-,
    AGE-SECRET-KEY-1, glc_/glsa_, sntrys_/sntryu_, ATATT3, HRKU-AA, LTAI, EAAA/sq0atp-, ...).
(c) KEY-NAME carriers (`names.py`): any value after a name with a secret word in it, in any casing and
    separator and any assignment shape (`=`, `:`, `=>`, `:=`, JSON, Python repr, kwargs, escaped and
    URL-encoded quotes, XML), including `NAME value` when the value looks like one.
(d) HIGH-ENTROPY fallback (`entropy.py`): detect-secrets' Base64HighEntropyString idea, narrowed so
    ids stay; bare hex (git SHAs, trace ids), UUIDs and lowercase+digit ids are kept on purpose.
Plus e-mail addresses (personal data). Carriers that need their own reading: secret names in other
languages (`languages.py`), a secret wrapped onto the next line by a console or a pretty-printer
(`wrapped.py`), encodings (`encoded.py`), credentials in URL paths and scheme-less authorities (`locations.py`),
documented password/token arguments of commands and SDK calls (`arguments.py`), Redis ACL rules, PgBouncer's
auth_file and libpq's conninfo errors (`datastores.py`), validation and SQL reports that
echo a secret field's value apart from its name (`reports.py`).

What must survive is a taxonomy of its own (`keep.py`, round 4): values ALREADY MASKED by the library that
printed them, values PUBLIC by design, and identifiers/digests/nonces/cursors ANNOUNCED by their name;
the name or scheme before a value decides, never its shape alone. Also error codes, exception names,
provider hostnames, model names, paths, token COUNTS, env var NAMES, `key ending eedd` (must_keep.yaml).
"""

from __future__ import annotations

import base64
import functools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

import ahocorasick  # type: ignore[import-not-found]  # a C extension without stubs

from . import arguments as args
from . import carriers as c
from . import datastores as ds
from . import locations as loc
from .bound import HINTS as BOUND_HINTS
from .bound import bound_sub
from .changes import HINTS as CHANGE_HINTS
from .changes import changes_sub
from .cicommands import HINTS as CI_HINTS
from .cicommands import ci_secret_sub
from .continued import HINTS as CONTINUED_HINTS
from .continued import continued_sub
from .cookiejar import HINTS as COOKIE_JAR_HINTS
from .cookiejar import cookie_jar_sub
from .directives import HINTS as IPSEC_HINTS
from .directives import (
    IOS_HINTS,
    REDIS_HINTS,
    SASL_HINTS,
    WIFI_HINTS,
    ios_sub,
    ipsec_sub,
    redis_sub,
    sasl_sub,
    wifi_sub,
)
from .encoded import (
    BYTES_HINTS,
    DECIMAL_HINTS,
    ENCODED_WORD_HINTS,
    bytes_key_sub,
    decimal_sub,
    encoded_word_sub,
    make_rules,
)
from .entropy import redact_tokens
from .formats import FORMATS
from .iac import HINTS as IAC_HINTS
from .iac import iac_sub
from .jwk import HINTS as JWK_HINTS
from .jwk import private_sub
from .keep import jwt_role
from .languages import HINTS as FOREIGN_HINTS
from .languages import foreign_sub
from .listed import MNEMONIC_HINTS, listed_sub, mnemonic_sub
from .logrecords import HINTS as RECORD_HINTS
from .logrecords import record_args_sub
from .names import PROSE, kv_sub
from .providers import HINTS as PROVIDER_HINTS
from .reports import HINTS as REPORT_HINTS
from .reports import cut_sub, input_sub
from .rpc import HINTS as RPC_HINTS
from .rpc import rpc_sub
from .secret_names import NAME_HINTS, is_secret_name
from .separated import (
    COMPARED,
    NAME_VALUE,
    QUALIFIED_HINTS,
    SETTER,
    SETTER_HINTS,
    VERDICT,
    VERDICT_HINTS,
    XML_ELEMENT,
    XML_KEY_VALUE,
    compared_repl,
    name_value_repl,
    parenthesised_sub,
    qualified_repl,
    qualified_sub,
    setter_repl,
    spring_value_sub,
    xml_repl,
)
from .serialized import HINTS as PHP_HINTS
from .serialized import php_serialized_sub
from .tables import table_sub
from .transcripts import HINTS as TRANSCRIPT_HINTS
from .transcripts import NOT_FOUND_HINTS, REPL_HINTS, expect_send_sub, not_found_sub, repl_sub
from .unlabelled import (
    DUMP_HINTS,
    HEADER_HINTS,
    LABEL_HINTS,
    VARS_HINTS,
    debug_dump_sub,
    frame_vars_sub,
    header_map_sub,
    labels_sub,
)
from .unnamed import CONVERSION_HINTS, VALUE_FIRST_HINTS, conversion_sub, value_first_sub
from .wire import HINTS as WIRE_HINTS
from .wire import wire_sub
from .wrapped import adjacent_literals_sub, joined_sub, label_line_sub, open_quote_sub

__all__ = ["redact", "redact_counts", "redact_obj", "redacted_cut", "is_secret_name", "KINDS", "MARK_PREFIX"]

MARK_PREFIX = "[REDACTED:"


def _mark(kind: str) -> str:
    return f"{MARK_PREFIX}{kind}]"


def _jwt_kind(token: str) -> str:
    """Supabase service-role keys are JWTs whose payload says so: name them, they are the worst leak."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, IndexError, UnicodeDecodeError):
        return "jwt"
    if isinstance(data, dict) and data.get("role") == "service_role":
        return "supabase_service_key"
    if isinstance(data, dict) and data.get("iss") == "supabase":
        return "supabase_key"
    return "jwt"


def _const(kind: str) -> Callable[[re.Match[str]], str]:
    return lambda m: _mark(kind)


def _pre_val(kind: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group("pre") + _mark(kind)


_PGPASS_PORT = re.compile(r":(?:\d{2,5}|\*):")
_PGPASS_REPL = _pre_val("password")


def _pgpass(text: str) -> str:
    """`.pgpass` lines only where a `:port:` field occurs (a cheap test first: ':' is in every log line)."""
    return c.PGPASS.sub(_PGPASS_REPL, text) if _PGPASS_PORT.search(text) else text


def _email(m: re.Match[str]) -> str:
    return _mark("email")


class _Sub:
    """One rule: a pattern, its replacement, and the lowercase hints without which it cannot match."""

    __slots__ = ("kind", "sub", "hints", "needs")

    def __init__(self, kind: str, pattern: re.Pattern[str] | Callable[[str], str],
                 repl: Callable[[re.Match[str]], str] | None, hints: tuple[str, ...], needs: str = "") -> None:
        self.kind = kind
        self.hints = hints
        self.needs = needs  # a second necessary condition (a gate below): "name" or "hex32"
        if isinstance(pattern, re.Pattern):
            compiled: re.Pattern[str] = pattern
            assert repl is not None
            self.sub: Callable[[str], str] = lambda text: compiled.sub(repl, text)
        else:
            self.sub = pattern


def _redact_decoded(text: str) -> str:
    return _apply(text, None)


# ECMA-48 SGR sequences (`ESC[36m`), raw or as JSON writes ESC (`\u001b[`): coloured console renderers (structlog's
# ConsoleRenderer, uvicorn's ColourizedFormatter) put them between a name and its value (CLASSES10.md A7). The text is
# judged without them; when that finds a secret, the text without colours is what is kept (the colours are
# presentation; a mark cannot be put back between them reliably).
_SGR = re.compile(r"(?:\x1b|\\u001[bB]|\\x1[bB]|\\033)\[[0-9;]*m")


def _uncoloured(text: str) -> str:
    plain = _SGR.sub("", text)
    if plain == text:
        return text
    judged = _apply(plain, None)
    return judged if judged != plain else text


# CLASSES12.md B15, names spelled with compatibility or invisible characters or a pictograph: full-width `ｐａｓｓｗｏｒｄ＝`
# (U+FF01-FF5E), zero-width and soft-hyphen Cf characters inside a name (`pass\u200bword`), the KEY emoji labels
# (U+1F511, U+1F510, U+1F5DD, with or without the U+FE0F variation selector). Judged after NFKC (UAX #15 folds the
# compatibility forms), with the Cf characters removed and a key emoji read as the word `secret` (a bare `key=` is too
# common a name to judge by); when that finds a secret,
# the folded text is what is kept (a mark cannot be put back between the original characters reliably).
# (Not gated on the full-width colon `：`: CJK prose writes it everywhere, languages.py reads its names, and a folded
# text would come back with ASCII punctuation: bench/redaction_identity.py showed it on set 5-10 Japanese/Chinese lines.)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\ufe0f]")
_KEY_EMOJI = re.compile("(?:[\U0001F511\U0001F510\U0001F512\U0001F5DD]|\\\\u[dD]83[dD]\\\\u[dD][dD](?:1[012]|[dD][dD]))"
                        "(?:\\\\u[fF][eE]0[fF])?[ \t]*")  # raw, or as JSON writes it (a surrogate pair)
FOLD_HINTS = ("\\ud83d\\udd1", "\\ud83d\\uddd", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
              "\U0001F511", "\U0001F510", "\U0001F512", "\U0001F5DD", "\uff1d", "ｐａｓ", "ｐｗ", "ｓｅｃ", "ｔｏｋ", "ｋｅｙ", "ａｐｉ", "ａｕｔ", "ｃｒｅ")


# Forms NFKC does not fold (review, test_review_b15_forms): small capitals (U+1D00 block), Cyrillic/Greek homoglyphs of
# Latin letters (UTS #39 confusables, the common ones), combining marks (dropped after NFD). Read only in a text that
# holds one of them next to a letter, or a mathematical/circled letter (NFKC folds those): `not isascii()` first.
_SMALL_CAPS = str.maketrans("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz")
_HOMOGLYPHS = str.maketrans("\u0430\u0435\u043e\u0440\u0441\u03ba\u0456\u0445\u0443\u03bf\u03b1",
                            "aeopckixyoa")
_FOLDABLE = re.compile("[\U0001D400-\U0001D7FF\u24b6-\u24e9\u1d00-\u1d22\ua730\U0001F512]|[A-Za-z][\u0300-\u036f]"
                       "|[A-Za-z][\u0430\u0435\u043e\u0440\u0441\u03ba\u0456\u0445\u0443\u03bf\u03b1]"
                       "|[\u0430\u0435\u043e\u0440\u0441\u03ba\u0456\u0445\u0443\u03bf\u03b1][A-Za-z]")


def _folded_more(text: str) -> str:
    if text.isascii() or _FOLDABLE.search(text) is None:
        return text
    plain = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).translate(_SMALL_CAPS).translate(_HOMOGLYPHS))
    plain = unicodedata.normalize("NFC", "".join(ch for ch in plain if unicodedata.category(ch) != "Mn"))
    if plain == text:
        return text
    judged = _apply(plain, None)
    return judged if judged != plain else text


def _folded(text: str) -> str:
    plain = _KEY_EMOJI.sub("secret", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))
    if plain == text:
        return text
    judged = _apply(plain, None)
    return judged if judged != plain else text


_PERCENT, _UNICODE, _BASE64 = make_rules(_redact_decoded, _mark("encoded_secret"))
# Formats whose only hint is common (`.`, `:`, `/`, `sk`) but which hold 32 hex digits: one search for the run
# decides for all of them (a mark cannot make such a run: `[`/`]` are not hex).
_HEX32_KINDS = frozenset({"zai_key", "fal_key", "asana_token", "mailchimp_key"})
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
# Formats with a case-sensitive two-letter start whose lowercase hint is common (`ap` in app/api, `sk`, `ac` in
# access): the letters as written must occur (a substring test on the text the rule sees).
_CASED_STARTS = {r"\bSK[0-9a-fA-F]{32}": "SK", r"\bAC[a-z0-9]{32}": "AC", r"(?:(?<=[\s=:\"'])|^)AP[": "AP",
                  r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))SEC": "SEC"}


def _format_gate(kind: str, rx: str) -> str:
    if kind in _HEX32_KINDS:
        return "hex32"
    return next(("cased:" + lit for start, lit in _CASED_STARTS.items() if rx.startswith(start)), "")

_RULES: tuple[_Sub, ...] = (
    # (c) a value bound to its name by reference (bound.py), before any rule rewrites the template that names the slot
    _Sub("password", bound_sub(_mark("password")), None, BOUND_HINTS, "name"),
    _Sub("secret", record_args_sub(_redact_decoded, _mark("secret")), None, RECORD_HINTS),
    _Sub("password", rpc_sub(_mark("password")), None, RPC_HINTS),  # by position in a documented signature (rpc.py)
    _Sub("secret", iac_sub(_mark("secret")), None, IAC_HINTS),  # marked sensitive by Terraform itself (iac.py)
    _Sub("password", expect_send_sub(_mark("password")), None, TRANSCRIPT_HINTS),  # an Expect answer (transcripts.py)
    _Sub("secret", repl_sub(_mark("secret")), None, REPL_HINTS),
    _Sub("password", not_found_sub(_mark("password")), None, NOT_FOUND_HINTS),  # typed at a shell (transcripts.py)  # a debugger/REPL value of a named expression
    _Sub("secret", php_serialized_sub(_mark("secret")), None, PHP_HINTS),  # PHP serialize()/session (serialized.py)
    # (b) encoded carriers first: decoded, judged by every class, replaced when they hold a secret
    _Sub("encoded_secret", _PERCENT, None, ("%",)),
    _Sub("encoded_secret", _UNICODE, None, ("\\u",)),
    _Sub("encoded_secret", decimal_sub(_redact_decoded, _mark("encoded_secret")), None, DECIMAL_HINTS),
    _Sub("encoded_secret", encoded_word_sub(_redact_decoded, _mark("encoded_secret")), None, ENCODED_WORD_HINTS),
    _Sub("secret", bytes_key_sub(_mark("secret")), None, BYTES_HINTS),
    _Sub("secret", _uncoloured, None, ("\x1b[", "\\u001b[", "\\x1b[", "\\033[")),
    _Sub("secret", _folded, None, FOLD_HINTS),
    _Sub("secret", _folded_more, None, ()),
    _Sub("secret", table_sub(_mark("secret")), None, ("\n",), "name"),
    # (c) values named only after them, or not at all (unnamed.py): before a rule takes the words that name them
    _Sub("secret", conversion_sub(_mark("secret")), None, CONVERSION_HINTS),
    _Sub("secret", value_first_sub(_mark("secret")), None, VALUE_FIRST_HINTS, "name"),
    # (b) a cookie file, one cookie a line (cookiejar.py): before the joining below takes a line's end for a wrap
    _Sub("cookie", cookie_jar_sub(_mark("cookie")), None, COOKIE_JAR_HINTS),
    # (b) a secret wrapped onto the next line: judged joined, before the lines are judged apart
    _Sub("secret", joined_sub(_redact_decoded), None, ("\n", "\\n")),
    _Sub("secret", adjacent_literals_sub(_redact_decoded, _mark("secret")), None, ("'\n", '"\n')),
    _Sub("secret", continued_sub(_mark("secret")), None, CONTINUED_HINTS, "name"),  # value on the next line
    # (b) structures
    _Sub("private_key", c.PEM, _const("private_key"), ("private key", "putty-user-key")),
    _Sub("slack_webhook", c.SLACK_WEBHOOK, c.webhook(_mark("slack_webhook")), ("hooks.slack",)),
    _Sub("discord_webhook", c.DISCORD_WEBHOOK, c.webhook(_mark("discord_webhook")), ("/webhooks/",)),
    _Sub("mattermost_webhook", c.MATTERMOST_WEBHOOK, c.webhook(_mark("mattermost_webhook")), ("/hooks/",)),
    _Sub("teams_webhook", c.TEAMS_WEBHOOK, c.webhook(_mark("teams_webhook")), ("webhook.office", "logic.azure")),
    _Sub("url_token", loc.CREDENTIAL_PATH, loc.credential_path(_mark("url_token")), loc.CREDENTIAL_PATH_HINTS),
    _Sub("url_token", loc.CONDA_TOKEN, loc.credential_path(_mark("url_token")), loc.CONDA_HINTS),
    _Sub("url_token", loc.CAPABILITY_HOST, loc.capability_host(_mark("url_token")), loc.CAPABILITY_HOST_HINTS),
    _Sub("url_password", c.URL_USERINFO, c.userinfo(_mark("password")), ("//",)),
    _Sub("url_password", loc.SCHEMELESS_USERINFO, loc.schemeless_userinfo(_mark("password")), ("@",)),
    _Sub("url_token", c.URL_USER_TOKEN, c.user_token(_mark("url_token")), ("://",)),
    _Sub("private_key", private_sub(_mark("private_key")), None, JWK_HINTS),
    _Sub("jwt", c.JWT, lambda m: m.group(0) if jwt_role(m.group(0)) == "anon" else _mark(_jwt_kind(m.group(0))),
         ("eyj",)),
    _Sub("authorization", c.AUTH_HEADER, c.auth_header(_mark, PROSE), ("authorization",)),
    _Sub("bearer", c.BEARER, c.bearer(_mark("bearer"), _mark("basic_auth"), PROSE), ("bearer", "basic")),
    _Sub("cookie", c.COOKIE_HEADER, c.cookie(_mark("cookie")), ("cookie",)),
    _Sub("cookie", c.COOKIE_REPR, _pre_val("cookie"), ("<cookie ",)),
    _Sub("cookie", c.cookie_obj_sub(_mark("cookie")), None, c.COOKIE_OBJ_HINTS),
    _Sub("cli_password", c.CLI_SECRET, c.cli(_mark("password")),
         ("curl", "mysql", "redis-cli", "sshpass", "docker", "sqlcmd", "mongo", "htpasswd", "password-stdin", "ldap",
          "openssl", "wpa_passphrase", "7z", "rar", "zip", "gpg", "bundle", "net")),
    _Sub("password", args.COMMAND_SECRET, args.command_secret(_mark("password")), args.COMMAND_HINTS),
    _Sub("password", args.snmp_sub(_mark("password")), None, args.SNMP_HINTS),
    _Sub("password", args.SWITCH_SECRET, args.command_secret(_mark("password")), args.SWITCH_HINTS),
    _Sub("password", wire_sub(_mark("password")), None, WIRE_HINTS),
    _Sub("secret", args.SDK_CALL, args.sdk_call(_mark("secret")), args.SDK_HINTS),
    _Sub("password", c.IMAP_LOGIN, c.imap_login(_mark("password")), ("login ", "login\t")),
    _Sub("secret", c.PIN, _pre_val("secret"), ("pin",)),
    _Sub("recovery_code", c.recovery_codes(_mark("recovery_code")), None,
         ("recovery", "backup", "scratch", "mfa", "2fa", "otp")),
    _Sub("url_password", c.GO_DSN, _pre_val("password"), ("@tcp(", "@unix(", "@udp(")),
    _Sub("password", c.AUTH_PAIR, lambda m: m.group("pre") + _mark("password") + m.group("q2"),
         ("auth", "login", "credential")),
    _Sub("password", c.SQL_PASSWORD, lambda m: m.group("pre") + _mark("password") + m.group("q"),
         ("password", "identified")),
    _Sub("password", c.ODBC_BRACED, c.odbc_braced(_mark("password")), ("={", "= {", "=\t", "=  ", "= \t")),
    _Sub("secret", label_line_sub(_mark("secret")), None, ("\n", "\\n"), "name"),
    _Sub("authorization", c.SIGNATURE_LINE, _pre_val("authorization"), ("signature:",)),
    _Sub("authorization", c.DIGEST_RESPONSE, c.digest_response(_mark("authorization")), ("response",)),
    _Sub("password", c.REDIS_AUTH, c.redis_auth(_mark("password"), PROSE), ("auth ", "auth\t")),
    _Sub("password", ds.acl_sub(_mark("password")), None, ds.ACL_HINTS),
    _Sub("password", ds.USERLIST, ds.userlist(_mark("password")), ds.USERLIST_HINTS),
    _Sub("password", ds.LIBPQ_MISSING, ds.libpq_missing(_mark("password")), ds.LIBPQ_HINTS),
    _Sub("password", ipsec_sub(_mark("password")), None, IPSEC_HINTS),
    _Sub("password", redis_sub(_mark("password")), None, REDIS_HINTS),
    _Sub("password", ios_sub(_mark("password")), None, IOS_HINTS),
    _Sub("secret", ci_secret_sub(_mark("secret")), None, CI_HINTS),
    _Sub("password", wifi_sub(_mark("password")), None, WIFI_HINTS),
    _Sub("password", sasl_sub(_mark("password")), None, SASL_HINTS),
    _Sub("password", ds.SENTINEL_AUTH, ds.sentinel_auth(_mark("password")), ds.SENTINEL_HINTS),
    _Sub("password", c.FTP_ARGS, _pre_val("password"), ("ftp",)),
    _Sub("password", c.ORACLE_LOGON, _pre_val("password"),
         ("jdbc:oracle", "sqlplus", "rman", "expdp", "impdp", "exp ", "exp\t", "imp ", "imp\t", "sqlldr", "dgmgrl",
          "conn ", "conn\t", "connect ", "connect\t", "userid")),  # ORACLE_LOGON takes a space or a tab after each
    _Sub("secret", c.YAML_ARGV, c.yaml_argv(_mark("secret")), ("--",)),
    _Sub("netrc_password", c.NETRC, _pre_val("password"), ("machine", "default")),
    _Sub("pgpass_password", _pgpass, None, (":",)),
    _Sub("query_secret", c.SECRET_QUERY, _pre_val("secret"), ("=",)),
    # (a) provider formats
    *(_Sub(kind, re.compile(rx), _const(kind), hints, _format_gate(kind, rx)) for kind, rx, hints in FORMATS),
    # (c) names
    _Sub("secret", NAME_VALUE, name_value_repl(_mark("secret")), ("value",), "name"),
    _Sub("secret", spring_value_sub(_mark("secret")), None, ("    value: ",)),
    _Sub("secret", SETTER, setter_repl(_mark("secret")), SETTER_HINTS, "name"),
    _Sub("secret", COMPARED, compared_repl(_mark("secret")), ("==", "!="), "name"),
    _Sub("secret", qualified_sub(_mark("secret")), None, QUALIFIED_HINTS, "name"),
    _Sub("secret", VERDICT, qualified_repl(_mark("secret")), VERDICT_HINTS, "name"),
    _Sub("secret", input_sub(_mark("secret")), None, REPORT_HINTS, "name"),
    _Sub("secret", cut_sub(_mark("secret")), None, ("input_value=", "...", "'+", '"+')),
    _Sub("secret", parenthesised_sub(_mark("secret")), None, ("(",), "name"),
    _Sub("secret", XML_ELEMENT, xml_repl(_mark("secret")), ("</",), "name"),
    _Sub("secret", XML_KEY_VALUE, xml_repl(_mark("secret")), ("value",), "name"),
    _Sub("secret", mnemonic_sub(_mark("secret")), None, MNEMONIC_HINTS),
    # (hints: the automaton's loop costs per occurrence, so the list openings as written, never a bare `(`/`,`/`[`)
    _Sub("secret", listed_sub(_mark("secret")), None, ("=[", "= [", ":[", ": [", "=(", "= (", "=>[", "=> [", "\n-",
                                                         "\n -", "\n  -", "\\n-", "\\n  -", "s=", "s\"=", "s'="),
         "name"),
    _Sub("secret", kv_sub(_mark("secret")), None, NAME_HINTS),
    _Sub("secret", kv_sub(_mark("secret"), PROVIDER_HINTS), None, PROVIDER_HINTS),
    _Sub("secret", foreign_sub(_mark("secret")), None, FOREIGN_HINTS),
    # (c) names that say nothing, in carriers that hold credentials (unlabelled.py)
    _Sub("secret", labels_sub(_mark("secret")), None, LABEL_HINTS),
    _Sub("secret", frame_vars_sub(_mark("secret")), None, VARS_HINTS),
    _Sub("secret", header_map_sub(_mark("secret")), None, HEADER_HINTS),
    _Sub("secret", debug_dump_sub(_mark("secret")), None, DUMP_HINTS),
    _Sub("secret", open_quote_sub(_mark("secret")), None, ("'\n", '"\n', "│", "┃", "║")),
    _Sub("email", re.compile(
        r"(?<![A-Za-z0-9._%+/-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"), _email, ("@",)),
    _Sub("secret", changes_sub(_mark("secret")), None, CHANGE_HINTS),  # a redacted old value's new one (changes.py)
    # (d) entropy
    _Sub("high_entropy", lambda text: redact_tokens(text, _mark("high_entropy"), _BASE64), None, ()),
)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(r.kind for r in _RULES))
# A rule runs only when one of its hints occurs in the lowered text. The hints (~160) are found in one
# pass by an Aho-Corasick automaton (pyahocorasick): 7x cheaper than a substring test per hint, which
# was most of the cost of a line without secrets.
_AUTOMATON = ahocorasick.Automaton()
for _i, _r in enumerate(_RULES):
    for _h in _r.hints:
        _AUTOMATON.add_word(_h, _AUTOMATON.get(_h, 0) | 1 << _i)  # a bit per rule: OR-ed per line, read in order
# The rules marked "name" change a text only where their name is a secret name (is_secret_name) or a provider's
# (providers.provider_of), and every such name holds one of these (the name rule's hints, `pat` bare, the
# providers' keywords): without one the rules cannot change the line.
_NAME_BIT = len(_RULES)
# (`tok`/`tkn`, token's abbreviations, open the gate only: as a name-rule scan hint `tok` would fire on every `token` twice)
for _h in (*NAME_HINTS, "pat", "tok", "tkn", *PROVIDER_HINTS):
    _AUTOMATON.add_word(_h, _AUTOMATON.get(_h, 0) | 1 << _NAME_BIT)
_AUTOMATON.make_automaton()
_NEEDS_NAME = sum(1 << i for i, r in enumerate(_RULES) if r.needs == "name")
_NEEDS_HEX32 = sum(1 << i for i, r in enumerate(_RULES) if r.needs == "hex32")
_NEEDS_CASED = sum(1 << i for i, r in enumerate(_RULES) if r.needs.startswith("cased:"))
_RULE_BITS = (1 << _NAME_BIT) - 1
_ALWAYS = sum(1 << i for i, r in enumerate(_RULES) if not r.hints)
_CACHE_MAX_LEN = 256


def _rules_for(lower: str) -> int:
    """The rules whose hints occur in `lower`, as a bit mask (bit i: _RULES[i])."""
    mask = _ALWAYS
    for _, bits in _AUTOMATON.iter(lower):
        mask |= bits
    if not mask >> _NAME_BIT & 1:
        mask &= ~_NEEDS_NAME
    return mask & _RULE_BITS


_MARKS = re.compile(r"\[REDACTED:([a-z0-9_]+)\]")
_ESCAPED_SLASH = re.compile(r"(?<!\\)((?:\\\\)*)\\/")  # an odd run of backslashes before '/': the last escapes it


def _apply(text: str, counts: Counter[str] | None) -> str:
    """Run the rules in order; `counts` gets the new marks by kind."""
    before = Counter(_MARKS.findall(text)) if counts is not None else None
    original = plain = ""
    if "\\/" in text:  # JSON with escaped slashes (`https:\/\/u:p@h`, PHP/.NET encoders): `/` is the same JSON
        # Only an escaping backslash: in `\\/` the backslash is itself escaped (a literal one before a
        # slash); unescaping it would change what the text says and not be idempotent. Judged unescaped; a text
        # with no secret is returned as written (set 10's must-keep `"uri":"\/rest\/v1\/provider"` was rewritten).
        original, text = text, _ESCAPED_SLASH.sub(r"\1/", text)
        plain = text
    mask = _rules_for(text.lower())
    while mask:  # rule order (lowest bit first); only the hinted ones (a few of ~190)
        low = mask & -mask
        if low & _NEEDS_HEX32 and _HEX32.search(text) is None:
            mask &= ~_NEEDS_HEX32  # judged on the text as the first of them sees it; the rest see no new run
            continue
        rule = _RULES[low.bit_length() - 1]
        mask ^= low
        if low & _NEEDS_CASED and rule.needs[6:] not in text:
            continue
        text = rule.sub(text)
    if original and text == plain:
        text = original
    if counts is not None and before is not None:
        for kind, n in Counter(_MARKS.findall(text)).items():
            if n > before[kind]:
                counts[kind] += n - before[kind]
    return text


def redact_counts(text: str) -> tuple[str, Counter[str]]:
    """Redact `text` and count the replacements by rule."""
    counts: Counter[str] = Counter()
    return _apply(text, counts), counts


@functools.lru_cache(maxsize=4096)
def _redact_short(text: str) -> str:
    return _apply(text, None)


def redact(text: str) -> str:
    """Replace every secret in `text` with `[REDACTED:kind]`; everything else is left as it was.

    Pure, so short texts are remembered (bounded): loggers, levels, exception types and label
    values repeat across an error storm and across callers.
    """
    return _redact_short(text) if len(text) <= _CACHE_MAX_LEN else _apply(text, None)


# How far past a cut the text is redacted with it: a name following its value ("if '<v>' == API_KEY", "<v> is the
# password") sits within a few hundred characters, and a bound keeps a 64 KB message off the hot path.
_CUT_CONTEXT = 4096


def redacted_cut(text: str, limit: int) -> str:
    """The first `limit` characters of `text` redacted, with the text after the cut as context: cutting first
    would drop a name that follows its value and leave the value unmarked (review r8)."""
    return redact(text[:limit + _CUT_CONTEXT])[:limit]


def redact_obj(value: Any) -> Any:
    """Redact every string inside nested dicts, lists and tuples (keys too: they can hold secrets)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            secret_key = isinstance(k, str) and is_secret_name(k)
            out[redact(k) if isinstance(k, str) else k] = (
                _mark("secret") if secret_key and isinstance(v, str | int) and not isinstance(v, bool)
                and str(v) and str(v).lower() not in PROSE else redact_obj(v)
            )
        return out
    if isinstance(value, list | tuple):
        return [redact_obj(v) for v in value]
    return value
