"""Class (b) of the taxonomy: structures that carry a credential whatever it looks like.

- PEM private key blocks (gitleaks private-key, detect-secrets private_key.py: RSA/EC/DSA/OPENSSH/PGP/
  ENCRYPTED, also with literal `\\n` inside JSON) and PuTTY key files.
- Webhook URLs that are credentials themselves (gitleaks slack-webhook-url, microsoft-teams-webhook;
  Discord `/api/webhooks/<id>/<token>`, Power Automate `logic.azure.com ... sig=`, Mattermost and
  Rocket.Chat `/hooks/<id>[/<token>]` on any host): host kept, path goes.
- URL userinfo of ANY scheme (detect-secrets basic_auth.py): `scheme://user:password@host`, also a
  password holding `@` or `/`, and a lone user part that is a token (`https://<token>@github.com`,
  a Sentry DSN key); `git@github.com` stays.
- Query parameters whose value is a credential (`sig`, `X-Amz-Signature`, `code`, `access_token`, ...;
  any parameter whose name the name class calls secret is caught there too).
- HTTP authentication of any scheme (RFC 9110 section 11: `Authorization`/`Proxy-Authorization: <scheme>
  <credentials>`; Bearer, Basic, Token, ApiKey, Digest, AWS4-HMAC-SHA256, Negotiate, ...), and a bare
  `Bearer <token>` / `Basic <b64>` anywhere (httpauth.py).
- Cookies (RFC 6265): every value of `Cookie:` and `Set-Cookie:` (attributes like Path stay),
  requests' `<Cookie name=value for host>` (httpauth.py).
- Command lines: `curl -u user:pass` / `--user` (gitleaks curl-auth-user), `mysql -pSECRET`,
  `redis-cli -a SECRET`, `sshpass -p SECRET`; `.netrc` lines (`machine h login u password p`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .entropy import is_high_entropy
from .hashed import VERIFIER
from .hintscan import ignorecase_hints
from .keep import is_masked
from .names import DOCKER_SEAM
from .secret_names import introduced_name, is_secret_name
from .values import PROSE, looks_like_value

Repl = Callable[[re.Match[str]], str]
# A reference to a secret, not the secret (gitleaks' global allowlist: `${VAR}`, `$VAR`, `{{ ... }}`, `%VAR%`).
PLACEHOLDER = re.compile(r"^(?:\$\{[^}]*\}?|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|%[A-Za-z_]+%|<[^<>]+>)[\"']?$")
NOT_REDACTED = r"(?!\[REDACTED:)"

PEM = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,-]*)"
    r"|PuTTY-User-Key-File-\d:[\s\S]*?Private-MAC: [0-9a-f]+"
)
SLACK_WEBHOOK = re.compile(r"(?P<pre>hooks\.slack\.com/)(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{8,}",
                           re.IGNORECASE)
DISCORD_WEBHOOK = re.compile(
    r"(?P<pre>(?:discord|discordapp)\.com/api/(?:v\d+/)?)webhooks/\d{5,}/[A-Za-z0-9_-]{10,}", re.IGNORECASE)
# Mattermost incoming webhooks (Mattermost docs, "Incoming webhooks": `https://<server>/hooks/<id>`, the id a
# 26-char model.NewId in lowercase base32) and Rocket.Chat's `/hooks/<id>/<token>`: the path is the credential,
# on any self-hosted domain. GitHub's `/repos/o/r/hooks/<number>` is not matched (digits only, under /repos).
MATTERMOST_WEBHOOK = re.compile(
    r"(?P<pre>://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._-]+)*?/)hooks/"
    r"(?:[a-z0-9]{26}(?![A-Za-z0-9])|[A-Za-z0-9]{17,}/[A-Za-z0-9]{20,})")
TEAMS_WEBHOOK = re.compile(
    r"(?P<pre>[a-z0-9-]+\.webhook\.office\.com/)webhook(?:b2)?/[^\s\"'<>]+"
    r"|(?P<pre2>[a-z0-9.-]*\.logic\.azure\.com(?::\d+)?/)workflows/[^\s\"'<>]*sig=[^\s\"'<>&]+",
    re.IGNORECASE)
# user:password@ (lazy up to the @ that is followed by a host), any scheme, `//` without a scheme too.
# A whole mark may be the user (`//[REDACTED:basic_auth]:<pw>@`: text that already holds marks); a bare
# `[REDACTED` is never a user (the password rule must not cut into a mark).
# Linear time (round 18): the password may hold `@` and `/` (an unencoded one, as written into a DSN by hand; RFC 3986
# 3.2.1 forbids both, the leak is real all the same), but not the start of the next userinfo, `//<user>:` - so the lazy
# scan of one attempt ends where the next attempt starts, and a line is read about once however many `//a:` it holds
# (with `[^\s'"<>]+?` each failing attempt read to the line's end: 1.3 s at 16 KB, a 1 MiB line for hours). The
# scheme before `//` is not matched: it was kept verbatim, and an optional `\b<scheme>:` tried from every word start
# of a `a.a.a.` run re-read the run (quadratic too); without it the pattern opens with the literal `//` sre looks for.
_USERINFO_START = r"//(?:\[REDACTED:[a-z0-9_]+\]|[^:/@\s'\"<>]*(?<!\[REDACTED)):"
URL_USERINFO = re.compile(
    r"(?P<pre>" + _USERINFO_START + r")" + NOT_REDACTED
    + r"(?P<pw>(?:[^\s'\"<>/]|/(?!/[^:/@\s'\"<>]*:))+?)(?P<at>@)"
    r"(?=(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_%]+)(?::\w*)?(?:[/?#\s'\",;)<>\\]|$))")
URL_USER_TOKEN = re.compile(
    r"(?P<pre>\b[a-zA-Z][a-zA-Z0-9+.-]*://)" + NOT_REDACTED + r"(?P<user>[A-Za-z0-9._~%+-]{16,})(?P<at>@)")
URL_USER_TOKEN_SEAM = re.compile(r"://[A-Za-z0-9._~%+-]{16,}@")  # (its scheme has no literal either)
# `appid` is OpenWeatherMap's API key parameter (its docs: "appid - your unique API key"; trufflehog's openweather
# detector: 32 lowercase hex); elsewhere an app id is public (WeChat `wx` + 16 hex, Baidu digits, Facebook digits),
# so only its documented key shape goes. `\u0026` is `&` as JSON encoders escape it inside a logged URL.
SECRET_QUERY = re.compile(
    r"(?P<pre>(?:[?&;]|\\u0026)(?:appid(?==[0-9a-f]{32}(?![0-9A-Za-z]))|sig|signature|x-amz-signature"
    r"|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|code|access_token|refresh_token"
    r"|id_token|client_secret|api[_-]?key|key|token|auth"
    r"|password|passwd|pwd|sv_sig|se?ssion(?:id)?|oauth_token|oauth_verifier|private_token|jwt|assertion"
    r"|apikey|secret|ticket|hash)=)" + NOT_REDACTED + r"(?P<val>[^&\s\"'#<>\\]+)",
    re.IGNORECASE)
# Jobvite's `sc` is its secret key (Jobvite API docs: `api=<key>&sc=<secret>`); elsewhere `sc` is a short code (`sc=en`,
# `sc=1`), so only a generated run of 16+ letters and digits goes. Its own carrier behind the `sc=` hint (review r18:
# it sat inside SECRET_QUERY, tried on every text with a `=`); the same value run as SECRET_QUERY's once judged.
JOBVITE_SC = re.compile(r"(?P<pre>(?:[?&;]|\\u0026)sc=)(?=(?=[A-Za-z]{0,63}\d)[A-Za-z0-9]{16,64}(?![\w-]))" + NOT_REDACTED
                        + r"(?P<val>[^&\s\"'#<>\\]+)", re.IGNORECASE)
# botocore's SigV4Auth.add_auth logs `logger.debug('Signature:\n%s', signature)` (and the S3 v2 signer a base64
# HMAC): the label ends one line, the request signature (hex SHA-256 HMAC, or base64) is the whole next line, raw
# or after a JSON/repr-escaped newline. The StringToSign and CanonicalRequest lines it also logs hold no secret.
SIGNATURE_LINE = re.compile(
    r"(?P<pre>(?<![\w-])Signature:[ \t]*(?:\r?\n|\\{1,3}n))(?!\[REDACTED:)"
    r"(?P<val>[0-9a-f]{64}|[A-Za-z0-9+/]{27}=|[A-Za-z0-9+/]{43}=)(?=$|\s|\\|[\"'])", re.MULTILINE)
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.(?:[A-Za-z0-9_-]{8,}|(?![A-Za-z0-9_-]))")
# Go's MySQL driver DSN (go-sql-driver/mysql): user:password@tcp(host:port)/db.
# The password may hold `@`: the driver splits at the LAST `@` before the address.
GO_DSN = re.compile(r"(?P<pre>(?<![\w/])[\w.-]{1,64}:)" + NOT_REDACTED + r"(?P<val>[^\s\"'/]{1,256}?)(?=@(?:tcp|udp|unix)\()")
# Basic-auth pairs in code: requests' auth=('u', 'p'), HTTPBasicAuth/BasicAuth/DigestAuth('u', 'p'),
# smtplib/ftplib login('u', 'p'): the second string is the password. One tuple of names builds pattern and hints.
_AUTH_PAIR_NAMES = ("auth", "basicauth", "httpbasicauth", "httpdigestauth", "digestauth", "proxyauth", "login",
                    "authenticate", "plaincredentials", "credentials", "credential", "usernamepasswordcredentials",
                    "networkcredential", "passwordauthentication")
AUTH_PAIR = re.compile(
    r"(?P<pre>(?i:\b(?:" + "|".join(_AUTH_PAIR_NAMES) + r"))"
    r"\\{0,3}[\"']?[ \t]*[:=(][ \t]*\(?[ \t]*(?P<q>\\{0,3}[\"'])[^\"'\n]{0,120}(?P=q)[ \t]*,[ \t]*(?P<q2>\\{0,3}[\"']))"
    + NOT_REDACTED + r"(?P<val>[^\"'\n]{1,256})(?P=q2)(?![ \t]*:)")  # (a string before `:` is the next KEY of a
# JSON object or dict: `{"login": "bob", "password": "<pw>"}` is no pair, its password is the name rules')
# Hints: each name's ending (`auth` covers `basicauth`) in EVERY spelling IGNORECASE matches (ignorecase_hints: `İ`/`ı`
# for i, `ſ` for s), then a quote, blank, `:`, `=`, `(` or `\` (a JSON-escaped quote after the name, as the pattern's
# `\\{0,3}` reads it since 1ba0ace2) - a bare `auth` hit every `Authorization`/`oauth` line. Never
# narrower than the pattern: `logİn('u', '<pw>')` is the pattern's and is redacted (ASCII-only hints let it escape, r15).
_AUTH_PAIR_ENDS = tuple(n for n in _AUTH_PAIR_NAMES if not any(n != m and n.endswith(m) for m in _AUTH_PAIR_NAMES))
AUTH_PAIR_HINTS = tuple(n + after for end in _AUTH_PAIR_ENDS for n in ignorecase_hints(end)
                        for after in ("\"", "'", " ", "\t", ":", "=", "(", "\\"))
# What AUTH_PAIR reads past its name, searched first (engine.Rule's seam): a quoted user's closing quote, `,`, the
# value's opening quote (its IGNORECASE name alternation has no literal start: sre tries it at every position).
AUTH_PAIR_SEAM = re.compile(r"[\"'][ \t]*,[ \t]*\\{0,3}[\"']")  # (quotes JSON-escaped too: `(\"u\", \"p\")`)
# SQL that sets a password: ALTER/CREATE USER ... WITH PASSWORD 'x', IDENTIFIED BY 'x', PASSWORD('x').
SQL_PASSWORD = re.compile(
    r"(?P<pre>(?i:\b(?:with\s+(?:encrypted\s+|unencrypted\s+)?password|identified\s+(?:with\s+\w+\s+)?by"
    r"|password\s*\(|password\s+for\s+\S+\s*=)\s*)(?:(?i:password)\s*\(\s*)?(?P<q>['\"]))"
    + NOT_REDACTED + r"(?P<val>[^'\"\n]{1,256})(?P=q)")
# IMAP LOGIN (RFC 3501 6.2.3: `tag LOGIN userid password`, each an atom or a quoted string), as imaplib's debug
# output (`> b'HNGO1 LOGIN u@x "pw"'`) and error messages print it; the quote may be JSON-escaped.
IMAP_LOGIN = re.compile(r"(?P<pre>\bLOGIN[ \t]+(?:\\{0,3}\"[^\"\n\\]*\\{0,3}\"|[^\s\"\\]+)[ \t]+(?:\\{0,3}\")?)"
                        + NOT_REDACTED + r"(?P<val>[^\s\"\\']+)")
# One-time recovery (backup, scratch) codes of a second factor (GitHub `xxxxx-xxxxx`, Google 8 digits, GitLab 16
# hex): a name that says so, then one code or a list of them; a code holds a digit, so prose stays.
RECOVERY_CODES = re.compile(
    r"(?i:\b(?:recovery|backup|scratch|mfa|2fa|otp)[ _-]?codes?)\\{0,3}[\"']?[ \t]*[:=]?[ \t]*\[?")
_CODE = re.compile(r"\\{0,3}[\"']?[ \t]*,?[ \t]*\\{0,3}[\"']?(?P<code>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]{3,}(?:-[A-Za-z0-9]{3,}){0,5})"
                   r"(?![\w-])\\{0,3}[\"']?")


# A PIN is numeric by definition (ISO 9564-1: 4-12 digits; a PKCS#11 user/SO PIN, a smart card or HSM PIN): after
# `PIN`/`PIN code`, up to four qualifying words (`for HSM slot 0`), then `is`/`was`/`:`/`=` or a quote, a run
# of 4-12 digits is the PIN. `PIN length is 6`, `pinned 20241201`, `pin 3` stay (too short, or another word).
PIN = re.compile(
    r"(?P<pre>(?i:\bpin(?:[ _-]?code)?)\b(?:[ \t]+(?!(?i:is|was)\b)[^\s:=\"'()]{1,30}){0,4}"
    r"(?:[ \t]+(?i:is|was)[ \t]+|[ \t]*[:=][ \t]*|[ \t]+(?=[\"']))\\{0,3}[\"']?)"
    + NOT_REDACTED + r"(?P<val>\d{4,12})(?![\d.,:/-])")


def recovery_codes(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in RECOVERY_CODES.finditer(text):
            if m.start() < pos:
                continue
            at = m.end()
            for _ in range(32):
                c = _CODE.match(text, at)
                if c is None or len(c.group("code")) < 8:
                    break  # `recovery codes: 7 left`, `backup code 2026-12-01` (a group of 2 ends the code)
                out.append(text[pos:c.start("code")])
                out.append(mark)
                pos = at = c.end("code")
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub


def imap_login(mark: str) -> Repl:
    def repl(m: re.Match[str]) -> str:
        val = m.group("val")
        quoted = m.group("pre").endswith('"')  # the protocol's second argument: quoted, it is the password
        if val.lower() in PROSE or PLACEHOLDER.match(val) or not quoted and not looks_like_value(val, True, True):
            return m.group(0)
        return m.group("pre") + mark
    return repl


# Between a flag and its value: blanks (a shell line), or a closing quote and `, '` (a Python argv list).
def _until(command: str) -> str:
    """The rest of a command line up to the flag, lazily, but never past the next occurrence of the command: a
    line holding the command word many times is scanned once per occurrence, not to its end each time (a
    200 KB line of `openssl a ` took 92 s with `[^\\n]*?`)."""
    return r"(?:(?!\b" + command + r")[^\n])*?"


_LDAP = r"ldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn|exop|url)\b"


_ARGV_SEP = r"(?:[\"']?[ \t]*,[ \t]*[\"']?|[ \t]+[\"']?)"
# (pre3) Go CLIs parse flags with spf13/pflag, whose shorthand takes `-p=<v>` as well as `-p <v>` (pflag's
# parseSingleShortArg: a `=` after the letter starts the value): `docker login -u=x -p=<v>`, also as an argv list.
# (pre) curl -u's user may be a whole mark, as in URL_USERINFO; `\"` is a JSON-escaped quote around the pair.
CLI_SECRET = re.compile(
    r"(?P<pre>\bcurl\b" + _until(r"curl\b") + r"\s(?:-u|--user)(?:=|[ \t]+)(?:\\?['\"])?(?:\[REDACTED:[a-z0-9_]+\]|(?:[^\s:'\"\\]|\\(?!['\"]))*(?<!\[REDACTED)):)" + NOT_REDACTED + r"(?P<val>(?:[^\s'\"\\]|\\(?!['\"]))+)"
    r"|(?P<pre2>\bmysql(?:dump|admin|sh)?\b" + _until(r"mysql(?:dump|admin|sh)?\b") + r"\s-p)(?P<val2>[^\s'\"]{2,}|'[^'\n]+'|\"[^\"\n]+\")"
    r"|(?P<pre3>\b(?:redis-cli\b" + _until(r"redis-cli\b") + r"\s-a|sshpass\b" + _until(r"sshpass\b") + r"\s-p|docker(?:\s+|" + _ARGV_SEP + r")login\b" + _until(r"docker\b") + r"[\s\"']-p|sqlcmd\b" + _until(r"sqlcmd\b") + r"\s-P"
    r"|mongo(?:sh)?\b" + _until(r"mongo(?:sh)?\b") + r"\s-p|htpasswd\s+-\w*b\w*\s+\S+\s+\S+)(?:[ \t]+|(?<=-[pPa])=))(?P<val3>[^\s'\"]+|'[^'\n]+'|\"[^\"\n]+\")"
    r"|(?P<pre4>\becho\s+)(?P<val4>'[^'\n]+'|\"[^\"\n]+\"|\S+)(?=\s*\|\s*(?:[\w./-]+\s+login\b[^\n]*--password-stdin"
    r"|gpg2?\b[^\n|]*--passphrase-fd[ \t=]+0\b))"
    # The same commands' password arguments as a shell line or as a Python argv list (`'-w', 'secret'`):
    # OpenLDAP ldapsearch(1) and its siblings `-w passwd` (ldappasswd(1) also `-a oldpw` / `-s newpw`);
    # openssl-passphrase-options(1) `pass:<password>` after -passin/-passout/-pass/-password (env:, file:,
    # fd: and stdin name where the password is, they stay) and enc(1)'s `-k <password>`; wpa_passphrase(8)
    # `<ssid> <passphrase>`.
    r"|(?P<pre5>\b(?:ldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn|exop|url)\b" + _until(_LDAP) + r"(?<![\w-])-w"
    r"|ldappasswd\b" + _until(_LDAP) + r"(?<![\w-])-[as]|openssl\b" + _until(r"openssl\b") + r"(?<![\w-])-k)"
    r"(?:" + _ARGV_SEP + r"|(?<=-w)(?=[^\s'\",\]|-]))"  # getopt(3) takes `-w<passwd>` glued as well (review B16)
    + r"|\bopenssl\b" + _until(r"openssl\b") + r"(?<![\w-])-(?:passin|passout|pass|password)" + _ARGV_SEP + r"pass:"
    r"|\bwpa_passphrase\b['\"]?(?:[ \t]*,[ \t]*['\"]?|[ \t]+['\"]?)[^\s'\",]+" + _ARGV_SEP
    # Archivers' password switches: 7-Zip `-p{Password}` and RAR `-p<pwd>` glued to the switch, Info-ZIP
    # zip(1)/unzip(1)/zipcloak `-P password`; GnuPG gpg(1) `--passphrase string` (not -fd/-file, which name
    # where it is); Bundler's credentials for a gem source, `bundle config [set] [--global] <host> <user:pass>`.
    + r"|\b(?:7z[ar]?|7za|(?:un)?rar)\b" + _until(r"(?:7z[ar]?|7za|(?:un)?rar)\b") + r"(?<![\w-])-p(?=[^\s'\",\]])"
    r"|\b(?:zip|unzip|zipcloak)\b" + _until(r"(?:un)?zip\b") + r"(?<![\w-])-P" + _ARGV_SEP
    + r"|\bgpg2?\b" + _until(r"gpg2?\b") + r"(?<![\w-])--passphrase(?![\w-])(?:=[\"']?|" + _ARGV_SEP + ")"
    r"|\bbundle\b" + _ARGV_SEP + r"config(?:" + _ARGV_SEP + r"(?:set|--global|--local))*" + _ARGV_SEP
    + r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s'\",]*)?" + _ARGV_SEP + r"(?=[^\s'\",:]+:)"
    # Windows `net use [device] \\computer\share [password | *] [/user:...]` (Microsoft's net use syntax): the
    # one positional argument after the share that is not a /switch or `*`, before or after /user.
    r"|\bnet" + _ARGV_SEP + r"use(?:" + _ARGV_SEP + r"(?:[A-Za-z*]:|/[^\s'\",]+))*" + _ARGV_SEP
    + r"\\{2,}[^\s'\",]+(?:" + _ARGV_SEP + r"/[^\s'\",]+)*" + _ARGV_SEP + r"(?![/*])" + ")"
    + NOT_REDACTED + r"(?!\$[A-Za-z_{])(?P<val5>[^\s'\",\]]+)",
)
# ~/.pgpass and PGPASSFILE lines (libpq docs, 32.16): hostname:port:database:username:password.
PGPASS = re.compile(r"(?P<pre>(?<![^\s\"'=(\[,>])[A-Za-z0-9.\-*\[\]]+:(?:\d{2,5}|\*):[^:\s\"']+:[^:\s\"']+:)"
                    + NOT_REDACTED + r"(?P<val>[^:\s\"'\\]+)(?=[\s\"',)\]<\\]|$)")
NETRC = re.compile(r"(?P<pre>\b(?:machine\s+\S+|default)(?:\s+(?:login|account|port)\s+\S+)*\s+password\s+)"
                   + NOT_REDACTED + r"(?P<val>\S+)", re.IGNORECASE)


def userinfo(mark: str) -> Repl:
    """`scheme://user:password@host`; a password already masked (SQLAlchemy's `user:***@host`) stays."""
    def repl(m: re.Match[str]) -> str:
        if is_masked(m.group("pw")):
            return m.group(0)
        return m.group("pre") + mark + m.group("at")
    return repl


# ODBC connection strings (ODBC spec, SQLDriverConnect: "a value containing ;, {, } ... is enclosed in braces",
# `}` doubled inside): `PWD={a;b}}c}` holds `a;b}c`. Any secret-named attribute, the whole braced value.
# (not `{{apiKey}}`: a Mustache/Postman template opens with two braces; CLASSES12.md D20)
ODBC_BRACED = re.compile(r"(?P<pre>(?<![\w])(?P<name>[A-Za-z][\w .-]{0,40}?)[ \t]*=[ \t]*\{)(?!\{)(?P<val>(?:[^}\n]|\}\})+)\}(?!\})")


_JSON_MEMBER = re.compile(r"[ \t]*\\{0,3}\"[\w.-]{1,40}\\{0,3}\"[ \t]*:")


def odbc_braced(mark: str) -> Repl:
    def repl(m: re.Match[str]) -> str:
        if not is_secret_name(m.group("name")) or VERIFIER.match(m.string, m.end("pre") - 1) is not None or \
                _JSON_MEMBER.match(m.group("val")) is not None:
            return m.group(0)  # not a secret's name, a braced verifier scheme (`{SSHA}<b64>`: hashed.py), or a JSON
            # object whose members the name rules judge one by one (Hasura `HASURA_GRAPHQL_JWT_SECRET={"jwk_url": ..}`:
            # a URL, CLASSES16 D41; `{"type": "HS256", "key": "<secret>"}`: the key goes)
        return m.group("pre") + mark + "}"
    return repl


# Redis AUTH (redis.io/commands/auth): `AUTH <password>` or, with ACLs, `AUTH <username> <password>`; as the
# server echoes it (`cmd: AUTH default <pw>`) and as redis-cli / MONITOR print it. Upper case only: the command.
REDIS_AUTH = re.compile(r"(?P<pre>AUTH(?<![\w-]AUTH)[ \t]+\"?)" + NOT_REDACTED + r"(?P<a>[^\s\"]{1,256})\"?"
                        r"(?:(?P<sp>[ \t]+\"?)(?P<b>[^\s\"]{1,256})\"?)?")
# Oracle's logon `username/password@connect_identifier` (SQL*Plus CONNECT and command-line logon, RMAN, Data Pump
# `userid=`, JDBC thin/OCI URLs `jdbc:oracle:thin:user/password@host:port:SID`). Only after those anchors: a bare
# `a/b@c` is a path or a package spec (`scope/name@1.2.3`, `library/nginx@sha256:...`).
ORACLE_LOGON = re.compile(
    r"(?P<pre>(?:(?i:jdbc:oracle:(?:thin|oci8?):|\b(?:sqlplus|rman|expdp|impdp|exp|imp|sqlldr|dgmgrl)"
    r"(?:[ \t]+-[A-Za-z]+)*(?:[ \t]+(?:target|auxiliary|catalog)(?:[ \t]*=[ \t]*|[ \t]+)|[ \t]+)|\buserid[ \t]*=[ \t]*)"
    r"|\b(?:CONNECT|CONN)[ \t]+)[\"']?[A-Za-z_][\w$#.]{0,127}/)" + NOT_REDACTED
    + r"(?P<val>[^\s/@\"']{1,128})(?=[\"']?@)")
# ftplib.FTP('host', 'user', 'passwd') / FTP_TLS: the third positional string.
FTP_ARGS = re.compile(r"(?P<pre>\bFTP(?:_TLS)?\([ \t]*(?P<q>['\"])[^'\"\n]*(?P=q)[ \t]*,[ \t]*(?P=q)[^'\"\n]*(?P=q)"
                      r"[ \t]*,[ \t]*(?P=q))" + NOT_REDACTED + r"(?P<val>[^'\"\n]{1,256})(?P=q)")
# An argv written as a YAML list (Kubernetes `args:`, compose `command:`): `- --password` then `- <value>`.
YAML_ARGV = re.compile(r"(?P<pre>-[ \t]+[\"']?--(?P<name>[A-Za-z][\w-]{0,60})[\"']?[ \t]*(?:\r?\n|\\{1,7}n(?:"
                       + DOCKER_SEAM + r")?)[ \t]*-[ \t]+[\"']?)"
                       + NOT_REDACTED + r"(?P<val>[^\s\"'\\]{1,512})")


def redis_auth(mark: str, prose: frozenset[str]) -> Repl:
    def repl(m: re.Match[str]) -> str:
        a, b = m.group("a"), m.group("b")
        if PLACEHOLDER.match(a) or a.isupper() and a.isalpha() or introduced_name(a) >= 0:
            return m.group(0)  # `AUTH <password> called without...`, `AUTH ERR ...`: a usage or a reply;
            # `AUTH secret="..."`: a label before an assignment, which the name rule takes
        if b is not None and b.lower().rstrip(".,:;'\")}]") not in prose and introduced_name(b) < 0:
            return m.group("pre") + a + m.group("sp") + mark  # AUTH <user> <password>
        if a.lower().rstrip(".,:;'\")}]") in prose:
            return m.group(0)
        return m.group("pre") + mark + m.group(0)[m.end("a") - m.start():]
    return repl


def yaml_argv(mark: str) -> Repl:
    def repl(m: re.Match[str]) -> str:
        return m.group("pre") + mark if is_secret_name(m.group("name")) else m.group(0)
    return repl


def webhook(mark: str) -> Repl:
    def repl(m: re.Match[str]) -> str:
        pre = m.groupdict().get("pre") or m.groupdict().get("pre2") or ""
        return pre + mark
    return repl


def user_token(mark: str) -> Repl:
    """`https://<token>@host`: only a user part that is a credential (format, or random), not `git@`."""
    def repl(m: re.Match[str]) -> str:
        user = m.group("user")
        host = m.string[m.end():m.end() + 80].split("/", 1)[0].lower()
        if "sentry" in host and re.fullmatch(r"[0-9a-f]{32}", user):
            return m.group(0)  # a Sentry DSN's public key: "safe to keep public" (Sentry docs, DSN Explainer)
        if is_high_entropy(user) or re.search(r"\d", user) and len(user) >= 24 or "_" in user[:8] and len(user) >= 30:
            return m.group("pre") + mark + m.group("at")
        return m.group(0)
    return repl


def cli(mark: str) -> Repl:
    def repl(m: re.Match[str]) -> str:
        for pre in ("pre", "pre2", "pre3", "pre4", "pre5"):
            if m.group(pre) is not None:
                return m.group(pre) + mark
        return m.group(0)
    return repl
