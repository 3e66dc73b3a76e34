"""Key files and config languages read by their grammar: the secret is a positional field that the tool's own manual
documents as the secret, with no secret-named key beside it (issue 18, round 12 mechanism 3).

One table, one row per grammar: the literal hints that must occur, a pattern whose named groups `v*` are the secret
fields, and the manual that defines them. A row lists the tool family's grammar, not one tool's example: every
digest name a key file accepts, both quoting styles, every carrier's line break (raw, JSON-escaped `\\n`, a Docker
json-file record's `{"log":"` opening).

| grammar | secret fields | source |
|---|---|---|
| snmpd.conf `createUser [-e E] user AUTH authpass [PRIV [privpass]]` | authpass, privpass | snmpd.conf(5) "SNMPv3 Users" |
| snmp.conf `defPassphrase` / `defAuthPassphrase` / `defPrivPassphrase` / `def*MasterKey` / `def*LocalizedKey` | value | snmp.conf(5) |
| snmpd.conf `trapcommunity` / `trapsink` / `trap2sink` / `informsink host [community]` | community | snmpd.conf(5) "Trap destinations" |
| NTP key files `keyno type key` (ntpd `ntp.keys`, chrony `chrony.keys` `ID [HASH] [ASCII:|HEX:]KEY`, NTPsec) | key | ntp.keys(5), chrony.conf(5) `keyfile`, ntpsec ntp.keys(5) |
| libp2p private-network key `/key/swarm/psk/1.0.0/` then `/base16/` (or `/base64/`) then the key | key | go-libp2p `core/pnet/codec.go` (IPFS `swarm.key`) |
| Subversion hash dump `K n` / name / `V n` / value, the name a secret name | value | libsvn_subr/hash.c `svn_hash_write2` (`~/.subversion/auth/svn.simple/*`) |
| cryptsetup `luksDump --dump-volume-key` / `--dump-master-key`: `MK dump:` / `Volume key:` then hex bytes, 16 a line | the bytes | cryptsetup(8), lib/utils_crypt / `crypt_log_hex` |
| dm-crypt table `start len crypt cipher KEY iv_offset dev offset` (`dmsetup table --showkeys`) | KEY (hex; a `:size:type:desc` keyring reference stays) | kernel Documentation/admin-guide/device-mapper/dm-crypt.rst |
| `openssl enc ... -K <hex>` (the raw key; `-iv` is not secret) | the key | openssl-enc(1) `-K` |
| Samba `smbpasswd` file / `pdbedit -Lw`: `name:uid:LM:NT:[flags]:LCT-...` (an NT hash logs in: pass-the-hash) | LM (unless `X`s), NT | smbpasswd(5) |
| Tor client authorization `<onion>:descriptor:x25519:<base32 private key>` (`.auth_private`) | the key | tor(1) "CLIENT AUTHORIZATION" |
| `ip xfrm state` output and `ip xfrm state add`: `auth|auth-trunc|enc|aead|comp ALGO 0x<key>` | the key | ip-xfrm(8) |
| `setkey -D` output (`E:`/`A:` then 8-hex groups) and setkey.conf `-E alg 0x<key>` / `-A alg "<key>"` | the key | setkey(8) |
| Erlang `-setcookie <cookie>` (RabbitMQ, CouchDB, ejabberd nodes) | the cookie | erl(1) |
| `rclone obscure <password>`; a here-string into a password reader (`vncpasswd -f <<< pw`, `--password-stdin <<<`) | the value | rclone docs, bash(1) "Here Strings" |
| `ipmitool user set password <id> <password>` | the password | ipmitool(1) |
| CVS `~/.cvspass`: `/1 :pserver:user@host:port/root A<scrambled>` (the scramble is a fixed byte table) | the value | CVS manual "Password authentication client" |
| ZeroTier `identity.secret`: `<address>:0:<public hex>:<private hex>` | the private half | ZeroTier docs (identity.secret) |
| tgt `targets.conf` `incominguser <user> <secret>` / `outgoinguser <user> <secret>` (CHAP) | secret | tgt targets.conf.example, tgt-admin(8) |
| snmptrapd.conf `authCommunity TYPES COMMUNITY [SOURCE [OID]]` (TYPES: `log`, `execute`, `net`, comma-joined) | community | snmptrapd.conf(5) "Access Control" |
| NUT upsmon.conf `MONITOR <system> <powervalue> <username> <password> <primary, secondary, master or slave>` | password | upsmon.conf(5) |
| An auth file of `user:password:level` lines (Deluge `auth`: levels 0-10; the daemon writes `localclient:<sha1>:10`) | password | Deluge docs "Authentication" (core/authmanager.py) |
| A cracked-hash listing `[user:]<hash>:<plain>` (hashcat `--show` / potfile, `--username`; hex digests of 32-128) | plain | hashcat wiki "--show", "potfile" |
| 3GPP TS 27.007 `AT+CGAUTH=<cid>,<auth_prot>,<userid>,<password>`; vendor PDP auth: Quectel `AT+QICSGP=<id>,<type>,<apn>,<user>,<password>`, SIMCom `AT+CSTT=<apn>,<user>,<password>`, Qualcomm `AT$QCPDPP=<cid>,<type>,<password>`, Huawei `AT^AUTHDATA=<cid>,<type>,<plmn>,<password>` | password | 3GPP TS 27.007 10.1.31, the vendors' AT manuals |
| Jetty `realm.properties` (HashLoginService) `<user>: [OBF:]<password>[,<role> ...]` (`MD5:`/`CRYPT:` digests stay) | password | Jetty docs "HashLoginService" |
| Grandstream provisioning P-values `P<n> = <v>` / `<P<n>>v</P<n>>` for the password parameters (P2 admin, P196 end user, P34/P406/P506/P606 accounts 1-4 SIP authentication) | value | Grandstream configuration template (cfg.txt / cfg.xml) |
| Xray/V2Ray/sing-box inbound users: `"id"` / `"uuid"` of a client beside `"flow"`, `"alterId"`, `"level"`, a VLESS/VMess/TUIC protocol | the UUID | Xray docs "VLESS"/"VMess" inbound `clients[].id`, sing-box docs `users[].uuid` |

A UUID, a hex run or a word in these slots is a credential by the grammar, whatever its shape: the entropy fallback keeps
bare hex and UUIDs on purpose (entropy.py), so only the grammar can name them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .hintscan import BitScan
from .names import DOCKER_SEAM
from .secret_names import is_secret_name
from .spans import mark_spans
from .transcripts import typed_secret

# a line's start in each carrier: the text's start, a raw break, a JSON-escaped break, a Docker json-file record
_SOL = r"(?:^|(?<=\n)|(?<=\\n)|(?<=\{\"log\":\"))(?:[ \t]|\\t)*"
_NL = r"(?:\r?\n|\\r\\n|\\n)(?:" + DOCKER_SEAM + r")?"  # a break, or the seam between two Docker records
_EOL = r"(?=[ \t]*(?:#|\r?\n|\\[rn]|\"|$))"
# a value as a config line quotes it: "...", \"...\" (inside a JSON string), '...' or bare
_Q = r"(?:\\{0,3}[\"']?)"
_VAL = r"[^\s\"'\\]{1,256}"
_AUTH = r"(?:MD5|SHA(?:-?(?:1|224|256|384|512))?)"
_PRIV = r"(?:DES|AES(?:-?(?:128|192|256))?C?)"
_DIGEST = (r"(?:M|MD4|MD5|MDC2|SHA|SHA1|SHA-?(?:224|256|384|512)|SHA3-(?:224|256|384|512)|RMD160|RIPEMD160|TIGER|WHIRLPOOL"
           r"|SM3|SHAKE(?:128|256)|AES128|AES256|AES-128-CMAC|AES-256-CMAC|CMAC)")
_HEX_BYTES = r"[0-9a-fA-F]{2}(?:(?:[ \t]|" + _NL + r"(?:[ \t]|\\t)*)[0-9a-fA-F]{2}){7,}"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_KQ = r"\\{0,3}\""  # a JSON key's quote, raw or escaped once or more

# ntp.keys(5) / chrony.conf(5) `keyfile`: `keyno type key`. A key is an `ASCII:`/`HEX:` string or up to 20 (ASCII) or
# 40 (hex) printable characters; `<n> M <word>` is also how a size or a count reads (`12 M requests`, `40 M /var/log`,
# `1 SHA256 mismatch`: review r12), so a bare key must not be a word, a path or a number (_ntp_key).
_NTP_KEY_LINE = re.compile(
        _SOL + r"\d{1,5}[ \t]+(?:" + _DIGEST + r"[ \t]+(?P<v>(?:ASCII:|HEX:)?[!-~]{1,128}?)|(?P<v2>(?:ASCII:|HEX:)[!-~]{1,128}?))"
        + r"(?=[ \t]+#|[ \t]*(?:\r?\n|\\[rn]|\"|$))")
_WORD_OR_PATH = re.compile(r"[A-Za-z]+|[./~][^\s]*|\d+(?:[.,]\d+)*[A-Za-z%]{0,3}")


def _ntp_key(value: str) -> bool:
    """A key field of a key line: prefixed (`ASCII:`/`HEX:`), or 6+ characters that are not a word, path or number."""
    return value.startswith(("ASCII:", "HEX:")) or len(value) >= 6 and _WORD_OR_PATH.fullmatch(value) is None


# An auth file of `user:password:level` lines (Deluge): the level (0-10) closes the line, raw, escaped or at a JSON
# string's end; the hints are the level and that close. `stage:compile:3`, `db:5432:1`, `cache:/var/cache:5` are a
# word, a number, a path in the middle field (_WORD_OR_PATH), not a password.
_LEVEL_AUTH = re.compile(r"(?:" + _SOL + r"|(?<=\": \")|(?<=: ))[A-Za-z][\w.@-]{0,63}:(?P<v>[^\s:\"'\\]{6,256}):(?:10|\d)"
                         r"(?=\r?\n|\\[rn]|\"|$)")
# Jetty realm.properties: the roles after the value are what marks the line (a password alone after `name:` is any
# YAML pair); judged by typed_secret (`hosts: node1,node2` is a word list) unless OBF: (Jetty's reversible obfuscation).
_REALM_LINE = re.compile(r"(?:" + _SOL + r"|(?<=\": \"))[\w.@-]{1,64}:[ \t]*(?!MD5:|CRYPT:)(?P<v>(?:OBF:)?[^\s,:\"'\\]{4,128})"
                         r"(?:,[ \t]*[A-Za-z][\w-]{0,40})+(?=[ \t]*(?:\r?\n|\\[rn]|\"|$))")
REALM_HINTS = ("realm", ",admin", ",user", ", admin", ", user", ",manager", ",viewer", ",guest", ",operator", ",developer")
_PLAIN_FIELD = re.compile(r"[A-Za-z]+|(?:/|~/|\.{1,2}/)[^\s]*|\d+(?:[.,]\d+)*[A-Za-z%]{0,3}")


def _plain_field(value: str) -> bool:
    """A word, a path (`/`, `~/`, `./`, `../`) or a number: the middle field of `stage:compile:3`, `cache:/var/cache:5`,
    `db:5432:1`, not a password (a password may start with a dot: `.hbHs...`)."""
    return _PLAIN_FIELD.fullmatch(value) is not None


LEVEL_HINTS = tuple(f":{n}{e}" for n in range(11) for e in ("\n", "\\n", "\"", "\r"))


GRAMMARS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("createuser",), re.compile(
        r"(?i:createUser)[ \t]+(?:-e[ \t]+\S+[ \t]+)?(?:-[alm][ \t]+)?\S+[ \t]+(?i:" + _AUTH + r")[ \t]+"
        + _Q + r"(?P<v1>" + _VAL + r")" + _Q
        + r"(?:[ \t]+(?i:" + _PRIV + r")(?:[ \t]+" + _Q + r"(?P<v2>" + _VAL + r")" + _Q + r")?)?")),
    (("defpassphrase", "defauthpassphrase", "defprivpassphrase", "masterkey", "localizedkey"), re.compile(
        _SOL + r"(?i:def(?:Auth|Priv)?Passphrase|def(?:Auth|Priv)(?:MasterKey|LocalizedKey))[ \t]+" + _Q
        + r"(?P<v>" + _VAL + r")")),
    (("trapcommunity", "trapsink", "trap2sink", "informsink"), re.compile(
        _SOL + r"(?:trapcommunity[ \t]+|(?:trapsink|trap2sink|informsink)[ \t]+\S+[ \t]+)" + _Q + r"(?P<v>" + _VAL
        + r")")),
    # hints: the digest name between blanks, as a key line writes it (`sha` alone is in every digest a log prints)
    (tuple(f"{a}{d}{b}" for d in ("md5", "md4", "sha", "sha1", "sha224", "sha256", "sha384", "sha512", "rmd160",
                                  "ripemd160", "tiger", "whirlpool", "aes128", "aes256", "cmac", "sm3", "mdc2")
           for a, b in ((" ", " "), ("\t", "\t"), (" ", "\t"), ("\t", " "))) + (" sha3-", " ascii:", " hex:", " m ", "\tm\t"),
     _NTP_KEY_LINE),
    (("/key/swarm/psk",), re.compile(
        r"/key/swarm/psk/1\.0\.0/" + _NL + r"/(?:base16|base64|bin)/" + _NL + r"(?P<v>[^\s\"\\]{16,256})")),
    (("\nv ", "\\nv "), re.compile(
        r"K[ \t]\d{1,4}" + _NL + r"(?P<name>[^\r\n\\]{1,64})" + _NL + r"V[ \t]\d{1,5}" + _NL
        + r"(?P<v>[^\r\n\\]{1,512})")),
    (("mk dump", "volume key", "master key"), re.compile(
        r"(?i:MK dump|Volume key|Master key)[ \t]*:(?:[ \t]|\\t)*(?:" + _NL + r"(?:[ \t]|\\t)*)?(?P<v>" + _HEX_BYTES
        + r")")),
    ((" crypt ",), re.compile(
        r"\b\d+[ \t]+\d+[ \t]+crypt[ \t]+[\w:-]+(?:-[\w:]+)*[ \t]+(?P<v>[0-9a-fA-F]{32,256})[ \t]+\d+[ \t]")),
    (("vless", "vmess", "tuic", "xtls", "alterid", "alter_id"), re.compile(
        r"(?:" + _KQ + r"(?:id|uuid)" + _KQ + r"|(?<![\w\"'-])uuid)[ \t]*:[ \t]*(?:" + _KQ + r"|')?(?P<v>" + _UUID + r")")),
    (("openssl",), re.compile(r"\bopenssl[ \t]+(?:enc\b|-?aes|-?des|-?chacha|-?camellia|-?bf\b)[^\n]*?[ \t]-K[ \t]+(?P<v>[0-9a-fA-F]{16,128})")),
    ((":[u", ":[n", ":[w", ":[d", ":[x", ":[l", ":[h", ":[i", ":[m", ":[s", ":[t"), re.compile(
        _SOL + r"[\w.$ -]{1,64}:\d{1,10}:(?:X{32}|(?P<v1>[0-9A-F]{32})):(?P<v2>[0-9A-F]{32}):\[[UNWDXLHIMST ]{1,11}\]")),
    ((":descriptor:x25519:",), re.compile(r"[a-z2-7]{56}:descriptor:x25519:(?P<v>[A-Z2-7]{52})\b")),
    (("xfrm", "auth-trunc", "aead", "proto esp", "proto ah", "auth hmac(", "enc cbc(", "enc ctr(", "enc ecb(", "enc rfc",
      "comp deflate"), re.compile(
        r"(?:(?<![\w-])|(?<=\\t))(?:auth-trunc|auth|enc|aead|comp)[ \t]+[^\s]{2,64}[ \t]+(?P<v>0x[0-9a-fA-F]{8,512})")),
    (("esp mode=", "ah mode=", "setkey", "spdadd", " esp 0x", " ah 0x", "\te: ", "\ta: ", "\\te: ", "\\ta: "), re.compile(
        r"(?:(?:^|\n|\\n|(?<=\{\"log\":\"))(?:[ \t]|\\t)+[EA]:[ \t]+[\w-]+[ \t]+(?P<v>[0-9a-fA-F]{8}(?:[ \t][0-9a-fA-F]{8})+)"
        r"|(?<![\w-])-[EA][ \t]+[\w-]+[ \t]+(?P<v2>0x[0-9a-fA-F]{8,512}|\\?\"[^\"\\\n]{1,256}\\?\"))")),
    (("-setcookie",), re.compile(r"-setcookie[ \t]+(?:\\?[\"'])?(?P<v>[^\s\"'\\]{1,256})")),
    (("rclone obscure",), re.compile(r"rclone[ \t]+obscure[ \t]+(?:\\?[\"'])?(?P<v>(?!-(?:\s|$))[^\s\"'\\]{1,256})")),
    (("<<<",), re.compile(
        r"(?i:passw|vncpasswd|chpasswd|password-stdin|-stdin|passphrase|secret|token|obscure)[^\n|;]{0,80}<<<[ \t]*(?:\\?[\"'])?"
        r"(?P<v>[^\s\"'\\]{1,256})")),
    (("ipmitool",), re.compile(r"ipmitool\b[^\n]{0,160}?\buser[ \t]+set[ \t]+password[ \t]+\d{1,3}[ \t]+(?:\\?[\"'])?"
                               r"(?P<v>[^\s\"'\\]{1,64})")),
    ((":pserver:", ":ext:", ":gserver:"), re.compile(
        r"(?:/1[ \t]+)?:(?:pserver|gserver|ext):\S+[ \t]+(?P<v>A[^\s\"\\]{1,256})(?=[ \t]*(?:\r?\n|\\[rn]|\"|$))")),
    (("incominguser", "outgoinguser"), re.compile(
        r"(?<![\w-])(?:incoming|outgoing)user[ \t]+[^\s\"'\\]+[ \t]+" + _Q + r"(?P<v>" + _VAL + r")" + _Q + _EOL)),
    (("authcommunity",), re.compile(
        r"(?i:authCommunity)[ \t]+(?:log|execute|net)(?:,(?:log|execute|net))*[ \t]+" + _Q + r"(?P<v>" + _VAL + r")")),
    (("monitor",), re.compile(
        r"(?<![\w-])MONITOR[ \t]+[^\s\"\\]+[ \t]+\d{1,3}[ \t]+[^\s\"\\]+[ \t]+" + _Q + r"(?!\$)(?P<v>" + _VAL + r")" + _Q
        + r"[ \t]+(?:primary|secondary|master|slave)\b")),
    (LEVEL_HINTS, _LEVEL_AUTH),
    (REALM_HINTS, _REALM_LINE),
    (("hashcat", "potfile", ".pot", "--show"), re.compile(
        _SOL + r"(?:[\w.@-]{1,64}:)?(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}"
        r"|[0-9a-fA-F]{128}):(?P<v>[^\s\"\\]{1,128})" + _EOL)),
    (("at+cgauth", "at+qicsgp", "at+cstt", "at$qcpdpp", "at^authdata"), re.compile(
        r"(?i:AT)(?:\+(?i:CGAUTH)=\d{1,2},\d," + _Q + r"[^\"'\\\n]*" + _Q + r","
        r"|\+(?i:QICSGP)=\d{1,2},\d," + _Q + r"[^\"'\\\n]*" + _Q + r"," + _Q + r"[^\"'\\\n]*" + _Q + r","
        r"|\+(?i:CSTT)=" + _Q + r"[^\"'\\\n]*" + _Q + r"," + _Q + r"[^\"'\\\n]*" + _Q + r","
        r"|\$(?i:QCPDPP)=\d{1,2},\d,"
        r"|\^(?i:AUTHDATA)=\d{1,2},\d," + _Q + r"[^\"'\\\n]*" + _Q + r",)" + _Q + r"(?P<v>[^\"'\\\s,]{1,128})")),
    (("p2 ", "p2=", "p2\t", "<p2>", "p34", "p196", "p406", "p506", "p606"), re.compile(
        r"(?:(?<![\w.-])|(?<=\\n))P(?P<n>2|34|196|406|506|606)(?:[ \t]*=[ \t]*(?P<v>[^\s\"\\<]{1,128})(?=[ \t]*(?:#|\r?\n|\\[rn]|\"|$))"
        r"|(?:>|\\u003[eE])(?P<v2>[^<\\\n]{1,128})(?:<|\\u003[cC])/P(?P=n)\b)")),
    ((":0:",), re.compile(r"\b[0-9a-f]{10}:0:[0-9a-f]{128}:(?P<v>[0-9a-f]{128})\b")),
    (("vless://", "vmess://", "trojan://", "tuic://", "hysteria://", "hysteria2://", "hy2://"), re.compile(
        r"(?i:vless|vmess|trojan|tuic|hysteria2?|hy2)://(?P<v>[^@\s/\"'\\]{6,256})@")),
)
GRAMMAR_HINTS = tuple(dict.fromkeys(h for hints, _ in GRAMMARS for h in hints))
# Which rows a text's hints let through, in one Aho-Corasick pass (a bit per row): an `in` test per hint of ~35 rows
# cost ~35 us a text, more than the rows' patterns on bench/redaction.py's lines (engine.py: the same automaton idea).
_ROW_SCAN = BitScan(hints for hints, _ in GRAMMARS)
_PROXY_CONTEXT = re.compile(r"(?i)vless|vmess|tuic|xtls|\\{0,3}\"(?:flow|alterId|alter_id)\\{0,3}\"")


def grammar_sub(mark: str) -> Callable[[str], str]:
    """Mark each grammar's secret fields (the table above) in every row whose hints occur in `text`."""
    def sub(text: str) -> str:
        rows = _ROW_SCAN.bits(text.lower())
        spans: list[tuple[int, int]] = []
        proxy: bool | None = None  # is the record a proxy's user list? (asked once per text, on the first uuid)
        for i, (hints, rx) in enumerate(GRAMMARS):
            if not rows >> i & 1:
                continue
            for m in rx.finditer(text):
                groups = m.groupdict()
                if "name" in groups and not is_secret_name(groups["name"].strip()):
                    continue  # svn's `passtype`/`username`/`svn:realmstring` fields are not secrets
                if rx is _NTP_KEY_LINE and not _ntp_key(m.group("v") or m.group("v2")):
                    continue  # a size or a count after `12 M`, not a key (review r12)
                if rx is _LEVEL_AUTH and _plain_field(m.group("v")):
                    continue
                if rx is _REALM_LINE and not (m.group("v").startswith("OBF:") or typed_secret(m.group("v"))):
                    continue
                if "xtls" in hints:
                    if proxy is None:
                        proxy = _PROXY_CONTEXT.search(text) is not None
                    if not proxy:
                        continue  # an `"id": "<uuid>"` is an id unless the record is a proxy's user list
                spans += [m.span(g) for g, v in groups.items() if g.startswith("v") and v]
        return mark_spans(text, spans, mark)
    return sub
