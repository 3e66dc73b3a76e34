"""The rule table of the one redactor (sidecar.redaction's docstring: the taxonomy and its order), the marks, and
`_apply`, the table run over a text. Split from __init__.py in round 20 (a file past ~400 lines), no behaviour change:
__init__.py keeps the public API (redact, redact_counts, redacted_cut, redact_obj) and re-exports what tests and
benches read (`_apply`, `_RULES`, `RULESET`, `KINDS`, `MARK_PREFIX`).
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable

from . import arguments as args
from . import carriers as c
from . import datastores as ds
from . import grouped
from . import httpauth as ha
from . import idslots as ids
from . import locations as loc
from . import spelled as sp
from .announced import (
    INLINE_HINTS,
    PADDED_HINTS,
    inline_banner_sub,
    lone_record_sub,
    lone_sub,
    padded_label_sub,
)
from .basicuser import HINTS as BASIC_USER_HINTS
from .basicuser import basic_user_sub
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
from .engine import Rule, RuleSet
from .entropy import redact_tokens
from .folds import FOLD_HINTS, SGR_HINTS, make_folds
from .formats import FORMATS
from .iac import HINTS as IAC_HINTS
from .iac import iac_sub
from .jwk import HINTS as JWK_HINTS
from .jwk import private_sub
from .keep import jwt_role
from .keyfiles import GRAMMAR_HINTS, grammar_sub
from .languages import HINTS as FOREIGN_HINTS
from .languages import foreign_sub
from .listed import LONE_MNEMONIC_HINTS, MNEMONIC_HINTS, listed_sub, lone_mnemonic_sub, mnemonic_sub
from .logins import HINTS as LOGIN_HINTS
from .logins import login_argument_sub
from .logrecords import HINTS as RECORD_HINTS
from .logrecords import record_args_sub
from .names import kv_sub
from .positions import POSITIONAL_HINTS, ROW_HINTS, named_row_sub, positional_sub
from .providers import HINTS as PROVIDER_HINTS
from .recoded import AUDIT_HINTS, VIS_HINTS, audit_sub, vis_sub
from .rediscommands import HINTS as REDIS_COMMAND_HINTS
from .rediscommands import redis_command_sub
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
from .values import PROSE
from .verifiers import verifier_sub
from .wire import HINTS as WIRE_HINTS
from .wire import wire_sub
from .wrapped import adjacent_literals_sub, joined_sub, label_line_sub, open_quote_sub

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


# systemd.unit(5): a template's instance is named `<prefix>@<instance>.<type>` (`getty@tty1.service`,
# `openvpn-client@office.service`, `systemd-fsck@dev-sda1.service`): no address; no TLD is a unit type.
_UNIT_TYPES = (".service", ".socket", ".timer", ".mount", ".automount", ".path", ".slice", ".scope", ".swap", ".device")


def _email(m: re.Match[str]) -> str:
    return m.group(0) if m.group(0).endswith(_UNIT_TYPES) else _mark("email")


def _redact_decoded(text: str) -> str:
    return _apply(text, None)


_uncoloured, _folded, _folded_more = make_folds(_redact_decoded)
_PERCENT, _UNICODE, _BASE64 = make_rules(_redact_decoded, _mark("encoded_secret"))
# Formats whose only hint is common (`.`, `:`, `/`, `sk`) but which hold 32 hex digits: one search for the run
# decides for all of them (a mark cannot make such a run: `[`/`]` are not hex).
_HEX32_KINDS = frozenset({"zai_key", "fal_key", "asana_token", "mailchimp_key"})
# Formats with a case-sensitive two-letter start whose lowercase hint is common (`ap` in app/api, `sk`): the
# letters as written must occur (a substring test on the text the rule sees).
_CASED_STARTS = {r"\bSK[0-9a-fA-F]{32}": "SK", r"(?:(?<=[\s=:\"'])|^)AP[": "AP",
                  r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))SEC": "SEC"}


# A format whose hint is a common character (`.`) and whose pattern opens with no literal (sre tries it at every
# position): a literal-led piece every match holds is searched first (Discord bot tokens: `.<6 chars>.` between the
# user id and the HMAC, discord.py's token layout).
_FORMAT_SEAMS = {"discord_bot_token": re.compile(r"\.[A-Za-z\d_-]{6}\.")}


def _format_gate(kind: str, rx: str) -> str:
    if kind in _HEX32_KINDS:
        return "hex32"
    return next(("cased:" + lit for start, lit in _CASED_STARTS.items() if rx.startswith(start)), "")

_RULES: tuple[Rule, ...] = (
    # (c) a value bound to its name by reference (bound.py), before any rule rewrites the template that names the slot
    Rule("password", bound_sub(_mark("password")), None, BOUND_HINTS, "name"),
    Rule("secret", record_args_sub(_redact_decoded, _mark("secret")), None, RECORD_HINTS),
    Rule("password", rpc_sub(_mark("password")), None, RPC_HINTS),  # by position in a documented signature (rpc.py)
    Rule("secret", iac_sub(_mark("secret")), None, IAC_HINTS),  # marked sensitive by Terraform itself (iac.py)
    Rule("password", expect_send_sub(_mark("password")), None, TRANSCRIPT_HINTS),  # an Expect answer (transcripts.py)
    Rule("secret", repl_sub(_mark("secret")), None, REPL_HINTS),
    Rule("password", not_found_sub(_mark("password")), None, NOT_FOUND_HINTS),
    Rule("password", positional_sub(_mark("password")), None, POSITIONAL_HINTS),  # by its slot (positions.py)
    Rule("secret", grammar_sub(_mark("secret")), None, GRAMMAR_HINTS),  # a key file's secret field (keyfiles.py)
    Rule("secret", named_row_sub(_mark("secret")), None, ROW_HINTS, "name"),  # typed at a shell (transcripts.py)  # a debugger/REPL value of a named expression
    Rule("secret", php_serialized_sub(_mark("secret")), None, PHP_HINTS),  # PHP serialize()/session (serialized.py)
    # (b) encoded carriers first: decoded, judged by every class, replaced when they hold a secret
    Rule("encoded_secret", _PERCENT, None, ("%",)),
    Rule("encoded_secret", _UNICODE, None, ("\\u",)),
    Rule("encoded_secret", decimal_sub(_redact_decoded, _mark("encoded_secret")), None, DECIMAL_HINTS),
    Rule("encoded_secret", encoded_word_sub(_redact_decoded, _mark("encoded_secret")), None, ENCODED_WORD_HINTS),
    # (b) encoders that keep no visible shape (spelled.py, CLASSES12.md C24)
    Rule("encoded_secret", sp.html_refs_sub(_redact_decoded), None, sp.HTML_HINTS),
    Rule("encoded_secret", sp.ascii85_sub(_redact_decoded, _mark("encoded_secret")), None, sp.A85_HINTS),
    Rule("encoded_secret", sp.uuencode_sub(_redact_decoded, _mark("encoded_secret")), None, sp.UU_HINTS),
    Rule("encoded_secret", sp.colon_hex_sub(_redact_decoded, _mark("encoded_secret")), None, sp.COLON_HEX_HINTS),
    Rule("secret", vis_sub(_redact_decoded), None, VIS_HINTS),  # libedit's \040, auditd's hex argv (recoded.py)
    Rule("secret", audit_sub(_redact_decoded, _mark("secret")), None, AUDIT_HINTS),
    Rule("secret", bytes_key_sub(_mark("secret")), None, BYTES_HINTS),
    Rule("secret", _uncoloured, None, SGR_HINTS),
    Rule("secret", _folded, None, FOLD_HINTS),
    Rule("secret", _folded_more, None, ()),
    Rule("secret", table_sub(_mark("secret")), None, ("\n",), "name"),
    # (c) values named only after them, or not at all (unnamed.py): before a rule takes the words that name them
    Rule("secret", conversion_sub(_mark("secret")), None, CONVERSION_HINTS),
    Rule("secret", value_first_sub(_mark("secret")), None, VALUE_FIRST_HINTS, "name"),
    # (b) a cookie file, one cookie a line (cookiejar.py): before the joining below takes a line's end for a wrap
    Rule("cookie", cookie_jar_sub(_mark("cookie")), None, COOKIE_JAR_HINTS),
    # (b) a secret wrapped onto the next line: judged joined, before the lines are judged apart
    Rule("secret", joined_sub(_redact_decoded), None, ("\n", "\\n")),
    Rule("secret", adjacent_literals_sub(_redact_decoded, _mark("secret")), None, ("'\n", '"\n')),
    Rule("secret", continued_sub(_mark("secret")), None, CONTINUED_HINTS, "name"),  # value on the next line
    # (b) structures
    Rule("private_key", c.PEM, _const("private_key"), ("private key", "putty-user-key")),
    Rule("slack_webhook", c.SLACK_WEBHOOK, c.webhook(_mark("slack_webhook")), ("hooks.slack",)),
    Rule("discord_webhook", c.DISCORD_WEBHOOK, c.webhook(_mark("discord_webhook")), ("/webhooks/",)),
    Rule("mattermost_webhook", c.MATTERMOST_WEBHOOK, c.webhook(_mark("mattermost_webhook")), ("/hooks/",)),
    Rule("teams_webhook", c.TEAMS_WEBHOOK, c.webhook(_mark("teams_webhook")), ("webhook.office", "logic.azure")),
    Rule("url_token", loc.CREDENTIAL_PATH, loc.credential_path(_mark("url_token")), loc.CREDENTIAL_PATH_HINTS),
    Rule("secret", loc.PCT_QUERY_NAME, loc.pct_query_name(_mark("secret"), lambda name, val: is_secret_name(name) or (
        c.SECRET_QUERY.match(f"?{name}={val}") is not None or c.JOBVITE_SC.match(f"?{name}={val}") is not None)),
        loc.PCT_QUERY_NAME_HINTS, seam=loc.PCT_QUERY_NAME_SEAM),
    Rule("url_token", ids.PATH_KEY, ids.path_key(_mark("url_token")), ids.PATH_KEY_HINTS, seam=ids.PATH_KEY_SEAM),
    Rule("secret", ids.APP_ID, ids.app_id(_mark("secret")), ids.APP_ID_HINTS),  # B42 (idslots.py)
    Rule("url_token", loc.CONDA_TOKEN, loc.credential_path(_mark("url_token")), loc.CONDA_HINTS),
    Rule("url_token", loc.CAPABILITY_HOST, loc.capability_host(_mark("url_token")), loc.CAPABILITY_HOST_HINTS),
    Rule("basic_auth", basic_user_sub(_mark("basic_auth")), None, BASIC_USER_HINTS),  # the key as the user (basicuser.py)
    Rule("url_password", c.URL_USERINFO, c.userinfo(_mark("password")), ("//",)),
    Rule("url_password", loc.SCHEMELESS_USERINFO, loc.schemeless_userinfo(_mark("password")), ("@",),
         seam=loc.SCHEMELESS_SEAM),
    Rule("url_token", c.URL_USER_TOKEN, c.user_token(_mark("url_token")), ("://",), seam=c.URL_USER_TOKEN_SEAM),
    Rule("private_key", private_sub(_mark("private_key")), None, JWK_HINTS),
    Rule("jwt", c.JWT, lambda m: m.group(0) if jwt_role(m.group(0)) == "anon" else _mark(_jwt_kind(m.group(0))),
         ("eyj",)),
    Rule("authorization", ha.AUTH_HEADER, ha.auth_header(_mark, PROSE), ("authorization",)),
    Rule("bearer", ha.BEARER, ha.bearer(_mark("bearer"), _mark("basic_auth"), PROSE), ("bearer", "basic")),
    Rule("cookie", ha.COOKIE_HEADER, ha.cookie(_mark("cookie")), ("cookie",)),
    Rule("cookie", ha.COOKIE_REPR, _pre_val("cookie"), ("<cookie ",)),
    Rule("cookie", ha.cookie_obj_sub(_mark("cookie")), None, ha.COOKIE_OBJ_HINTS),
    Rule("cli_password", c.CLI_SECRET, c.cli(_mark("password")),
         ("curl", "mysql", "redis-cli", "sshpass", "docker", "sqlcmd", "mongo", "htpasswd", "password-stdin", "ldap",
          "openssl", "wpa_passphrase", "7z", "rar", "zip", "gpg", "bundle", "net")),
    Rule("password", args.COMMAND_SECRET, args.command_secret(_mark("password")), args.COMMAND_HINTS),
    Rule("password", args.snmp_sub(_mark("password")), None, args.SNMP_HINTS),
    Rule("secret", login_argument_sub(_mark("secret")), None, LOGIN_HINTS),  # `zrok enable <t>` (logins.py)
    Rule("password", args.SWITCH_SECRET, args.command_secret(_mark("password")), args.SWITCH_HINTS),
    Rule("password", wire_sub(_mark("password")), None, WIRE_HINTS),
    Rule("secret", args.SDK_CALL, args.sdk_call(_mark("secret")), args.SDK_HINTS),
    Rule("password", c.IMAP_LOGIN, c.imap_login(_mark("password")), ("login ", "login\t")),
    Rule("secret", c.PIN, _pre_val("secret"), ("pin",)),
    Rule("recovery_code", c.recovery_codes(_mark("recovery_code")), None,
         ("recovery", "backup", "scratch", "mfa", "2fa", "otp")),
    Rule("url_password", c.GO_DSN, _pre_val("password"), ("@tcp(", "@unix(", "@udp(")),
    Rule("password", c.AUTH_PAIR, lambda m: m.group("pre") + _mark("password") + m.group("q2"), c.AUTH_PAIR_HINTS,
         seam=c.AUTH_PAIR_SEAM),
    Rule("password", c.SQL_PASSWORD, lambda m: m.group("pre") + _mark("password") + m.group("q"),
         ("password", "identified")),
    Rule("password", c.ODBC_BRACED, c.odbc_braced(_mark("password")), ("={", "= {", "=\t", "=  ", "= \t")),
    Rule("secret", label_line_sub(_mark("secret")), None, ("\n", "\\n"), "name"),
    Rule("authorization", c.SIGNATURE_LINE, _pre_val("authorization"), ("signature:",)),
    Rule("authorization", ha.DIGEST_RESPONSE, ha.digest_response(_mark("authorization")), ("response",)),
    Rule("password", redis_command_sub(_mark("password")), None, REDIS_COMMAND_HINTS),  # (rediscommands.py)
    Rule("password", c.REDIS_AUTH, c.redis_auth(_mark("password"), PROSE), ("auth ", "auth\t")),
    Rule("password", ds.acl_sub(_mark("password")), None, ds.ACL_HINTS),
    Rule("password", ds.USERLIST, ds.userlist(_mark("password")), ds.USERLIST_HINTS),
    Rule("password", ds.LIBPQ_MISSING, ds.libpq_missing(_mark("password")), ds.LIBPQ_HINTS),
    Rule("password", ipsec_sub(_mark("password")), None, IPSEC_HINTS),
    Rule("password", redis_sub(_mark("password")), None, REDIS_HINTS),
    Rule("password", ios_sub(_mark("password")), None, IOS_HINTS),
    Rule("secret", ci_secret_sub(_mark("secret")), None, CI_HINTS),
    Rule("password", wifi_sub(_mark("password")), None, WIFI_HINTS),
    Rule("password", sasl_sub(_mark("password")), None, SASL_HINTS),
    Rule("password", ds.SENTINEL_AUTH, ds.sentinel_auth(_mark("password")), ds.SENTINEL_HINTS),
    Rule("password", c.FTP_ARGS, _pre_val("password"), ("ftp",)),
    Rule("password", c.ORACLE_LOGON, _pre_val("password"),
         ("jdbc:oracle", "sqlplus", "rman", "expdp", "impdp", "exp ", "exp\t", "imp ", "imp\t", "sqlldr", "dgmgrl",
          "conn ", "conn\t", "connect ", "connect\t", "userid")),  # ORACLE_LOGON takes a space or a tab after each
    Rule("secret", c.YAML_ARGV, c.yaml_argv(_mark("secret")), ("--",)),
    Rule("netrc_password", c.NETRC, _pre_val("password"), ("machine", "default")),
    Rule("pgpass_password", ds.pgpass_sub(_mark("password")), None, (":",)),
    Rule("password", verifier_sub(_mark("password")), None, ("=", ":"), "hex32"),  # HA1 lines (verifiers.py)
    Rule("query_secret", c.SECRET_QUERY, _pre_val("secret"), ("=",)),
    Rule("query_secret", c.JOBVITE_SC, _pre_val("secret"), ("sc=",)),
    # (a) provider formats
    *(Rule(kind, re.compile(rx), _mark(kind), hints, _format_gate(kind, rx), _FORMAT_SEAMS.get(kind))
      for kind, rx, hints in FORMATS),
    Rule("secret", padded_label_sub(_mark("secret")), None, PADDED_HINTS),  # `Secret ID    = <v>` (announced.py)
    # (c) names
    Rule("secret", NAME_VALUE, name_value_repl(_mark("secret")), ("value",), "name"),
    Rule("secret", spring_value_sub(_mark("secret")), None, ("    value: ",)),
    Rule("secret", SETTER, setter_repl(_mark("secret")), SETTER_HINTS, "name"),
    Rule("secret", COMPARED, compared_repl(_mark("secret")), ("==", "!="), "name"),
    Rule("secret", qualified_sub(_mark("secret")), None, QUALIFIED_HINTS, "name"),
    Rule("secret", VERDICT, qualified_repl(_mark("secret")), VERDICT_HINTS, "name"),
    Rule("secret", input_sub(_mark("secret")), None, REPORT_HINTS, "name"),
    Rule("secret", cut_sub(_mark("secret")), None, ("input_value=", "...", "'+", '"+')),
    Rule("secret", parenthesised_sub(_mark("secret")), None, ("(",), "name"),
    Rule("secret", XML_ELEMENT, xml_repl(_mark("secret")), ("</",), "name"),
    Rule("secret", XML_KEY_VALUE, xml_repl(_mark("secret")), ("value",), "name"),
    Rule("secret", mnemonic_sub(_mark("secret")), None, MNEMONIC_HINTS),
    Rule("secret", lone_mnemonic_sub(_mark("secret")), None, LONE_MNEMONIC_HINTS),
    # (hints: the automaton's loop costs per occurrence, so the list openings as written, never a bare `(`/`,`/`[`)
    Rule("secret", listed_sub(_mark("secret")), None, ("=[", "= [", ":[", ": [", "=(", "= (", "=>[", "=> [", "\n-",
                                                         "\n -", "\n  -", "\\n-", "\\n  -", "s=", "s\"=", "s'="),
         "name"),
    Rule("secret", grouped.SPACED, grouped.spaced(_mark("secret")), grouped.HINTS, seam=grouped.SPACED_SEAM),  # Google's app passwords
    Rule("secret", kv_sub(_mark("secret")), None, NAME_HINTS),
    Rule("secret", kv_sub(_mark("secret"), PROVIDER_HINTS), None, PROVIDER_HINTS),
    Rule("secret", foreign_sub(_mark("secret")), None, FOREIGN_HINTS),
    # (c) names that say nothing, in carriers that hold credentials (unlabelled.py)
    Rule("secret", labels_sub(_mark("secret")), None, LABEL_HINTS),
    Rule("secret", frame_vars_sub(_mark("secret")), None, VARS_HINTS),
    Rule("secret", header_map_sub(_mark("secret")), None, HEADER_HINTS),
    Rule("secret", debug_dump_sub(_mark("secret")), None, DUMP_HINTS),
    Rule("secret", open_quote_sub(_mark("secret")), None, ("'\n", '"\n', "│", "┃", "║")),
    Rule("email", re.compile(
        r"(?<![A-Za-z0-9._%+/-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"), _email, ("@",)),
    Rule("secret", changes_sub(_mark("secret")), None, CHANGE_HINTS),  # a redacted old value's new one (changes.py)
    # (c) a lone value under its banner, or random alone; a multi-word label's value (announced.py): what no rule above named
    Rule("secret", lone_sub(_mark("secret")), None, ("\n", "\\n")),  # alone under its banner, or random alone
    Rule("secret", inline_banner_sub(_mark("secret")), None, INLINE_HINTS),  # the banner's sentence, then `: <v>`
    Rule("secret", lone_record_sub(_mark("secret")), None, ()),  # a record that is one random token
    # (d) entropy
    Rule("high_entropy", functools.partial(redact_tokens, mark=_mark("high_entropy"), encoded=_BASE64), None, ()),
)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(r.kind for r in _RULES))
# The rules marked "name" change a text only where their name is a secret name (is_secret_name) or a provider's
# (providers.provider_of), and every such name holds one of these (the name rule's hints, `pat` bare, the
# providers' keywords). (`tok`/`tkn`, token's abbreviations, open the gate only: as a name-rule scan hint `tok` would
# fire on every `token` twice.)
RULESET = RuleSet(_RULES, (*NAME_HINTS, "pat", "tok", "tkn", *PROVIDER_HINTS))
_apply = RULESET.apply
