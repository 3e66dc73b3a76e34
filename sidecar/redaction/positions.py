"""Values whose only name is their POSITION in a tool's documented grammar (CLASSES13.md A45, A52, A54, A62-A65, B20,
C27; taxonomy class c: the grammar names the slot, no key word precedes the value).

Each entry is the grammar as its source writes it; the value in the password slot goes unless keep.py keeps it
(a mask, a placeholder, a `$VAR` reference, a file path):
- radtest(1): `radtest [options] user password server[:port] nas-port secret ...` (the password AND the shared secret).
- DB2 / Informix `CONNECT TO <db> USER <user> USING <password>` (DB2 SQL reference, CONNECT statement).
- IRC: `PRIVMSG NickServ :IDENTIFY [account] <password>` (Atheme/Anope NickServ help), RFC 2812 3.1.1 `PASS
  <password>`; NNTP RFC 4643 2.3 `AUTHINFO PASS <password>`.
- Fedora kickstart `rootpw [--plaintext] <password>` and `user ... --password=<password>` (not with `--iscrypted`:
  a crypt hash); Debian preseed / debconf `<owner> <question> password <value>` (the third field is the debconf type).
- sendmail `authinfo` map entries `AuthInfo:<host> "U:<user>" "P:<password>"` (cf/README: the one-letter prefix
  inside the quotes names the field); Exim plaintext authenticator `client_send = ^<user>^<password>` (`^` is NUL).
- JAAS `KafkaServer` PlainLoginModule `user_<username>="<password>"` (Kafka docs, SASL/PLAIN: the NAME is `user_`
  + the username); JDK `jmxremote.password` lines `<role> <password>` for the template's roles.
- NSS key log (SSLKEYLOGFILE: `<label> <client random hex> <secret hex>`: the SECOND hex field is the secret, the
  first public), OpenSSL `SSL_SESSION_print` `Master-Key: <hex>`.
- A key's name in one display row, its value in the next or in the same row's other cell: psql `\\x` expanded rows
  (`password | <v>`), redis-cli numbered replies (`1) "requirepass"` then `2) "<v>"`: CONFIG GET / HGETALL pairs).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable

from .hintscan import BitScan
from .keep import keeps_value
from .names import DOCKER_SEAM
from .secret_names import is_secret_name
from .spans import mark_spans
from .transcripts import typed_secret

_V = r"(?!\[REDACTED:)(?!\$[A-Za-z_{])"
_TOK = r"[^\s\"'\\]+"
_Q = r"\\{0,3}[\"']"
# a word's start as every carrier writes it: `\b`, or after a JSON-escaped break or tab (`\nAuthInfo:`, `\nCLIENT_RANDOM`
# in a json.dumps `output` field: the `n` of the escape is a word character, so `\b` alone never matched there; set 13)
_B = r"(?:\b|(?<=\\[nrt]))"
# One grammar a pattern, each behind a literal it cannot match without (`_needs`: tested on the text as written, or
# lowered for a case-insensitive grammar). One 19-way alternation cost 37-48 us a line on every line holding a common
# hint (` *`, `user_`, ` password `): sre tries every branch at every position (Modules/_sre/sre_lib.h, BRANCH); split,
# a line pays only for the grammars whose literal it holds (as _ROW_RULES below). Every pattern names its value
# group(s) v<n>; the matches are taken leftmost-first across the grammars, as the one alternation took them.
_GRAMMARS: tuple[tuple[re.Pattern[str], tuple[str, ...], bool], ...] = tuple((re.compile(rx), needs, lowered) for rx, needs, lowered in (
    (_B + r"radtest[ \t]+(?:-\S+[ \t]+)*" + _TOK + r"[ \t]+" + _V + r"(?P<v1>" + _TOK + r")[ \t]+" + _TOK + r"[ \t]+"
     + _TOK + r"[ \t]+" + _V + r"(?P<v2>" + _TOK + r")", ("radtest",), False),
    (_B + r"(?i:CONNECT[ \t]TO[ \t]+\S+[ \t]+USER[ \t]+\S+[ \t]+USING[ \t]+)" + _V + r"(?P<v3>" + _TOK + r")", ("using",), True),
    (r"(?i:NickServ[ \t]+:?|/ns[ \t]+)(?i:IDENTIFY)[ \t]+(?:" + _TOK + r"[ \t]+)?" + _V + r"(?P<v4>" + _TOK
     + r")(?=[ \t]*(?:$|[\r\n\\\"]))", ("identify",), True),
    (r"(?:^|(?<=[\n:])|(?<=\\n)|(?<=: ))[ \t]*PASS[ \t]+:?" + _V + r"(?P<v5>" + _TOK + r")", ("PASS",), False),
    (_B + r"AUTHINFO[ \t]+PASS[ \t]+" + _V + r"(?P<v6>" + _TOK + r")", ("AUTHINFO",), False),
    (_B + r"rootpw[ \t]+(?:--(?:plaintext|lock|allow-ssh)[ \t]+)*(?!--)" + _V + r"(?P<v7>" + _TOK + r")", ("rootpw",), False),
    (_B + r"user[ \t][^\n]{0,200}?--password[= \t]" + _V + r"(?P<v8>" + _TOK + r")", ("--password",), False),
    (r"(?<![\w/-])[\w.-]{1,40}[ \t]+[\w.-]+/[\w/.-]+[ \t]+password[ \t]+" + _V + r"(?P<v9>" + _TOK + r")", ("password",),
     False),
    (_B + r"AuthInfo:[^\n]{0,300}?" + _Q + r"P[:=]" + _V + r"(?P<v10>[^\"\\\n]+)" + _Q, ("AuthInfo:",), False),
    (_B + r"client_send[ \t]*=[ \t]*:?[ \t]*\^[^\s^\"\\]*\^" + _V + r"(?P<v11>[^\s^\"\\]+)", ("client_send",), False),
    (r"(?<![\w.-])user_(?!(?:agent|id|ids|name|names|email|type|role|roles|group|groups|data|info|count|ip|host|home"
     r"|dir|uid|gid|login|input|message|prompt|content|query|settings|config|profile|url|avatar|locale|lang)\b)"
     r"[\w.-]{1,64}[ \t]*=[ \t]*" + _Q + _V + r"(?P<v12>[^\s\"'\\]+)" + _Q, ("user_",), False),
    (r"(?<![\w-])(?:monitorRole|controlRole)[ \t]+" + _V + r"(?P<v13>" + _TOK + r")", ("Role",), False),
    (_B + r"(?:CLIENT_RANDOM|CLIENT_EARLY_TRAFFIC_SECRET|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET"
     r"|CLIENT_TRAFFIC_SECRET_\d+|SERVER_TRAFFIC_SECRET_\d+|EARLY_EXPORTER_SECRET|EXPORTER_SECRET)[ \t]+[0-9a-fA-F]{16,}"
     r"[ \t]+(?P<v14>[0-9a-fA-F]{32,})", ("_SECRET", "CLIENT_RANDOM"), False),
    (_B + r"Master-Key:[ \t]*(?P<v15>[0-9A-Fa-f]{32,})", ("Master-Key:",), False),
    (r"\$USER\d{1,3}\$[ \t]*=[ \t]*" + _V + r"(?P<v16>" + _TOK + r")", ("$USER",), False),
    (_B + r"Key Content[ \t]*:[ \t]*" + _V + r"(?P<v17>[^\s\\\"]+)", ("Key Content",), False),
    # squid.conf `cache_peer ... login=user:password` (also `login=PASSTHRU` / `PASS`: no colon, no value)
    (r"(?<![\w-])login=[^\s:,'\"\\]+:" + _V + r"(?P<v18>[^\s,'\"\\]+)", ("login=",), False),
    # pppd chap-secrets / pap-secrets `client server secret addresses`, the server written as the `*` wildcard (pppd(8)
    # "Authentication": the third field is the secret)
    (r"(?:^|(?<=\n)|(?<=\\n)|(?<=: ))" + _Q + r"?[\w.@-]{1,64}" + _Q + r"?(?:[ \t]|\\t)+\*"
     + r"(?:[ \t]|\\t)+" + _Q + r"?" + _V + r"(?P<v21>[^\s\\\"']+)" + _Q + r"?(?:[ \t]|\\t)+(?:\*|\d{1,3}(?:\.\d{1,3}){3})",
     ("*",), False),
    # a PAKE transfer code typed to receive (magic-wormhole `wormhole receive|rx [CODE]`, `wormhole send --code CODE`,
    # wormhole-william `recv`, croc `croc [--code] CODE`): `<nameplate>-<word>-<word>`, the code is the password
    # (magic-wormhole docs "Welcome"; croc README)
    (_B + r"(?:wormhole(?:-william)?[ \t]+(?:receive|recv|rx)\b|(?:wormhole(?:-william)?[ \t]+(?:send|tx)|croc)\b[^\n]{0,200}?"
     r"--code[= \t]|croc\b)(?:[ \t]+--?[\w-]+(?:=[^\s\"\\]+)?)*[ \t]*" + _Q + r"?(?P<v22>\d{1,6}(?:-[A-Za-z]{2,20}){1,6})\b",
     ("wormhole", "croc"), False),
    # a live-streaming ingest URL `rtmp[s]://host[:port]/<app>/<stream key>` (RTMP's `app/playpath`: for an ingest
    # service the playpath IS the key - YouTube `live2/<key>`, Twitch `app/live_<id>_<key>`, Facebook `rtmp/FB-<id>-...`;
    # ffmpeg `-f flv <url>`, OBS `service.json`): judged by _stream_key (a word, a file name stays)
    (r"rtmps?://[^\s/\"'\\]+(?:/[^\s/\"'\\]+)+/(?P<v23>[^\s/\"'\\?&#]{12,256})", ("rtmp",), True),
    # WordPress wp-config.php `define( 'AUTH_KEY', '...' )`: the eight keys and salts (wp-config-sample.php)
    (_B + r"define\([ \t]*" + _Q + r"(?:AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)" + _Q + r"[ \t]*,[ \t]*" + _Q + _V
     + r"(?P<v19>[^'\"\\\n]+)" + _Q, ("define(",), False)))
POSITIONAL_HINTS = ("radtest", "connect to", "connect\tto", "identify", "pass ", "pass\t", "rootpw", "--password", " password ",
                    " password\t", "\tpassword ", "authinfo:", "client_send", "user_", "monitorrole", "controlrole",
                    "_random", "traffic_secret", "exporter_secret", "master-key", "$user", "key content", "login=", "define(", " *", "\t*", "\\t*", "openvpn static key", "wormhole", "croc", "rtmp")
_NL = r"(?:\r?\n|\\{1,3}n(?:" + DOCKER_SEAM + r")?)"
# psql `\x` (`name | value`), redis-cli's numbered pairs (`1) "name"` newline `2) "value"`)
# (not a PHP session's `<name>|<serialized value>` (session.serialize_handler `php`): serialized.py reads its entries)
_NAMED_ROW = re.compile(r"(?:^|(?<=\n)|(?<=\\n)|(?<=\{\"log\":\"))[ \t]*(?P<name>[A-Za-z_][\w.-]{0,60})[ \t]*\|[ \t]*"
                        + _V + r"(?![aOCs]:\d{1,9}:)(?P<v>[^\s|\"\\]+)[ \t]*(?=$|\r?\n|\\[rn]|\")")
_REPLY_PAIR = re.compile(r"\b\d{1,4}\) " + _Q + r"(?P<name>[A-Za-z_][\w.-]{0,60})" + _Q + _NL + r"[ \t]*\d{1,4}\) "
                         + _Q + _V + r"(?P<v>[^\"\\\n]+)" + _Q)
# OpenVPN static keys (`--secret`, `<tls-auth>`, `<tls-crypt>`; openvpn(8) "Static key"): 16 lines of 32 hex digits
_OPENVPN_KEY = re.compile(r"-----BEGIN OpenVPN Static key V1-----(?P<body>(?:[ \t]*" + _NL + r"[ \t]*[0-9a-fA-F]{32})+)")
_HEX32_LINE = re.compile(r"[0-9a-fA-F]{32}")
_JUDGED = frozenset({"v5", "v12"})
_LT, _GT = r"(?:<|\\u003[cC])", r"(?:>|\\u003[eE])"
# Windows `reg query` (`    Name    REG_SZ    value`, four-space columns), an element named as a secret holding a
# `<Value>` (unattend.xml `<Password><Value>`), a name element then its value element (KeePass `<Key>Password</Key>
# <Value>`, Apple plist `<key>password</key>` then `<string>`), GitHub Actions' multiline environment-file form
# (`NAME<<DELIM` / value / `DELIM`), a TOML/INI triple-quoted string (Grafana `password = \"\"\"...\"\"\"`).
_REG_ROW = re.compile(r"(?P<name>[A-Za-z_][\w.-]{0,60})[ \t]{2,}REG_(?:SZ|EXPAND_SZ|MULTI_SZ)[ \t]{2,}" + _V
                      + r"(?P<v>[^\s\\\"]+)")
_XML_CHILD = re.compile(_LT + r"(?P<name>[A-Za-z][\w.-]{0,60})" + _GT + r"(?:[ \t]*" + _NL + r")?[ \t]*" + _LT
                        + r"(?:Value|value)(?:[ \t][^<>\n]{0,80})?" + _GT + _V + r"(?P<v>[^<\\\n]+)" + _LT + "/")
_XML_PAIR = re.compile(_LT + r"(?P<tag>key|Key|name|Name)" + _GT + r"(?P<name>[A-Za-z][\w .-]{0,60})" + _LT
                       + r"/(?P=tag)" + _GT + r"(?:[ \t]*" + _NL + r")?[ \t]*" + _LT
                       + r"(?:string|Value|value|data)(?:[ \t][^<>\n]{0,80})?" + _GT + _V + r"(?P<v>[^<\\\n]+)" + _LT + "/")
_HEREDOC_ENV = re.compile(r"(?P<name>[A-Za-z_][\w]{0,60})(?:<<|\\u003[cC]\\u003[cC])(?P<d>[\w-]{1,40})[ \t]*" + _NL
                          + _V + r"(?P<v>[^\s\\\"]+)[ \t]*" + _NL + r"(?P=d)")
# a generic `key` one level below a parent that names what it keys (Magento env.php `'crypt' => ['key' => ...]`,
# `"crypt": {"key": ...}`; the parent quoted, as PHP and JSON write it): judged as `<parent>_key`.
_NESTED_KEY = re.compile(_Q + r"(?P<name>[A-Za-z_]\w{0,40})" + _Q + r"[ \t]*(?:=>|=\\u003[eE]|:)[ \t]*[\[{(][ \t]*" + _Q
                         + r"?key" + _Q + r"?[ \t]*(?:=>|=\\u003[eE]|:|=)[ \t]*" + _Q + _V + r"(?P<v>[^'\"\\\n]+)" + _Q)
# cloud-init `chpasswd: {list: | ...}` (and `chpasswd -e`-free input): `user:password` lines under it
_CHPASSWD = re.compile(r"\bchpasswd:(?:[^\n]*" + _NL + r"){1,3}?[ \t]*list:[ \t]*\|?[ \t]*(?P<lines>(?:" + _NL
                       + r"[ \t]+[a-z_][\w.-]{0,31}:[^\s:\\\"]+)+)")
_CHPASSWD_LINE = re.compile(r"[a-z_][\w.-]{0,31}:(?P<v>[^\s:\\\"]+)")
_TRIPLE = re.compile(r"(?P<name>[A-Za-z_][\w.-]{0,60})[ \t]*=[ \t]*(?:\\?\"){3}" + _V + r"(?P<v>[^\"\\\n]+)(?:\\?\"){3}")
ROW_HINTS = ("chpasswd", "key", "|", ") \"", ") \\\"", "reg_", "value", "</key>", "</name>", "<<", "\\u003c\\u003c", '"""', '\\"\\"\\"')


# each grammar's literals, found in one Aho-Corasick pass over the text as written and one over it lowered (a bit per
# grammar): an `in` test per literal of 21 grammars cost more than the patterns it spared (keyfiles.py's _ROW_SCAN)
_AS_WRITTEN = BitScan(() if lowered else needs for _, needs, lowered in _GRAMMARS)
_LOWERED = BitScan(needs if lowered else () for _, needs, lowered in _GRAMMARS)
_FILE_NAME = re.compile(r".*\.[A-Za-z0-9]{2,5}")


def _stream_key(v: str) -> bool:
    """A stream key (module doc): 12+ characters with a digit, not a file name (`movie-2024.mp4`) or a mark."""
    return any(c.isdigit() for c in v) and not _FILE_NAME.fullmatch(v) and not v.startswith("[REDACTED")


def _grammar_matches(text: str) -> list[re.Match[str]]:
    """The matches of the grammars whose literal `text` holds, leftmost first and not overlapping (ties: the grammar
    listed first), as finditer over their alternation gives them."""
    ranks = _AS_WRITTEN.bits(text) | _LOWERED.bits(text.lower())
    # One candidate per grammar: its first match at or after the scan's position. Candidates are taken leftmost
    # first (ties: the grammar listed first); after each step a grammar searches again from the new position, so a
    # match that overlapped a taken one does not hide that grammar's next match (review r13: finditer's own next
    # match started after the dropped one's end, where the alternation would have resumed earlier).
    heap: list[tuple[int, int, re.Match[str]]] = []
    for rank, (rx, _, _) in enumerate(_GRAMMARS):
        if ranks >> rank & 1 and (m := rx.search(text)) is not None:
            heap.append((m.start(), rank, m))
    if len(heap) < 2:  # one grammar: its own scan, from its first match
        return list(_GRAMMARS[heap[0][1]][0].finditer(text, heap[0][0])) if heap else []
    heapq.heapify(heap)
    out: list[re.Match[str]] = []
    resume = 0
    while heap:
        start, rank, m = heapq.heappop(heap)
        if start >= resume:
            out.append(m)
            resume = max(m.end(), start + 1)
        if resume <= len(text) and (m := _GRAMMARS[rank][0].search(text, resume)) is not None:
            heapq.heappush(heap, (m.start(), rank, m))
    return out


def positional_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for m in _grammar_matches(text):
            for g, v in m.groupdict().items():
                if v is None or keeps_value(text, m.start(g), v) or g in _JUDGED and not typed_secret(v):
                    continue  # PASS (also a test runner's verdict), `user_<x>=` (also an agent or an id): judged
                if g == "v8" and "--iscrypted" in text[m.start():m.end()]:
                    continue  # a crypt hash, not the password
                if g == "v23" and not _stream_key(v):
                    continue
                spans.append(m.span(g))
        if "OpenVPN Static key" in text:
            for m in _OPENVPN_KEY.finditer(text):
                spans += [(m.start("body") + h.start(), m.start("body") + h.end())
                          for h in _HEX32_LINE.finditer(m.group("body"))]
        return mark_spans(text, spans, mark) if spans else text
    return sub


_ROW_RULES = ((_NAMED_ROW, ("|",)), (_REPLY_PAIR, (") ",)), (_REG_ROW, ("REG_",)), (_XML_CHILD, ("alue",)),
              (_XML_PAIR, ("</",)), (_HEREDOC_ENV, ("<<", "\\u003c\\u003c", "\\u003C\\u003C")), (_TRIPLE, ('""', '\\"\\"')),
              (_NESTED_KEY, ("key",)))


def named_row_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for rx, needs in _ROW_RULES:
            if not any(n in text for n in needs):
                continue  # each grammar's own literal first: most hinted lines hold none (bench/redaction_callgrind.py)
            for m in rx.finditer(text):
                name = m.group("name") + ("_key" if rx is _NESTED_KEY else "")
                if is_secret_name(name) and not keeps_value(text, m.start("v"), m.group("v")):
                    spans.append(m.span("v"))
        if "chpasswd" in text:
            for m in _CHPASSWD.finditer(text):
                spans += [(m.start("lines") + c.start("v"), m.start("lines") + c.end("v"))
                          for c in _CHPASSWD_LINE.finditer(m.group("lines")) if not keeps_value(text, 0, c.group("v"))]
        return mark_spans(text, spans, mark) if spans else text
    return sub
