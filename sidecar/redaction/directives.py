"""Config lines whose argument is a secret by the directive's own grammar, whatever the value's shape.

strongSwan's ipsec.secrets(5): `<selectors> : PSK "<secret>"`, `: EAP <user> "<password>"`, `: XAUTH <user> "<pw>"`,
`: NTLM <user> "<pw>"` (the `: RSA <file>` and `: ECDSA <file>` entries name a key file and stay). A `cat` of the
file or a config dump prints them; the name rule reads `PSK "<v>"` as a statement and asks the value to look
generated, which a chosen passphrase does not.
redis.conf's `requirepass <password>` and `masterauth <master-password>` (also as `CONFIG SET requirepass <pw>`):
the directive's one argument is the password, a word (`foobared`, redis.conf's own example) as often as not.
Cisco IOS configuration (Cisco IOS Security Command Reference; `show running-config`, RANCID/Oxidized backup diffs):
`username <u> [privilege <n>] [algorithm-type <a>] secret|password [<type>] <v>`, `enable secret|password [level <n>]
[<type>] <v>`, `snmp-server community <v>`, `tacacs-server|radius-server key [<type>] <v>`, `crypto isakmp key <v>`,
`ip ospf authentication-key [<type>] <v>`, `ip ospf message-digest-key <n> md5 [<type>] <v>`, `neighbor <ip>
password [<type>] <v>`, and indented `password|key|key-string <type> <v>` (line and key-chain modes). The type digit
(0 clear text, 7 reversible Vigenere, 5/8/9 hashes) is what the name rule took for the value. A hash goes too (it can
be cracked offline). Where the command alone does not say it (indented `password`/`key`), the type digit must be there:
`key chain OSPF-KEYS` and `security passwords min-length 10` stay.
The Wi-Fi network config payload of a QR code (ZXing wiki "Barcode Contents", the form Android and iOS cameras read):
`WIFI:T:<WPA|WEP|SAE|nopass>;S:<ssid>;P:<password>;H:<true|false>;;`, fields in any order, `\\;` `\\,` `\\:` `\\\\`
escaped inside a value (one more backslash each inside a JSON string). `P:` is the network's password; the SSID stays.
Postfix's `smtp_sasl_password_maps` source (SASL_README, "Enabling SASL authentication in the Postfix SMTP client"):
`<nexthop> <username>:<password>`, the nexthop `[host]:port` (brackets: no MX lookup) as relayhost names it, or a
bare host or sender address; postmap's warnings and a `cat` print the line. Read at a line's start (or after `: `, as
postmap quotes it); a bare host only in a text naming `sasl` (`mail from [10.0.0.1] user:admin` stays).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .values import PROSE

IPSEC_SECRET = re.compile(
    r"""(?P<pre>(?:^|[ \t"]|(?<=\\n)):[ \t]*(?:PSK|EAP|XAUTH|NTLM)(?:[ \t]+[^\s"':]+)?[ \t]+(?P<q>\\{0,3}["']))"""
    r"""(?!\[REDACTED:)(?P<val>[^"'\n\\]{1,512})(?P=q)""", re.MULTILINE)
HINTS = ("psk", "eap", "xauth", "ntlm")
REDIS_DIRECTIVE = re.compile(
    r"""(?P<pre>(?<![\w-])(?i:requirepass|masterauth)[ \t]+(?P<q>(?:\\{0,3}["'])?))"""
    r"""(?!\[REDACTED:|\$\{|<|(?P=q)(?:[\s]|$))(?P<val>[^\s"'\\]{1,512})(?P=q)""")
REDIS_HINTS = ("requirepass", "masterauth")
_IOS_LINE = r"(?:^|(?<=\n)|(?<=\\n)|(?<=[\"']))[ \t]*"
IOS_SECRET = re.compile(
    r"(?P<pre>" + _IOS_LINE + r"(?:(?:username[ \t]+\S+(?:[ \t]+privilege[ \t]+\d+)?(?:[ \t]+algorithm-type[ \t]+\w+)?"
    r"|enable)[ \t]+(?:secret|password)(?:[ \t]+level[ \t]+\d+)?(?:[ \t]+[05789](?=[ \t]))?"
    r"|snmp-server[ \t]+community|(?:tacacs|radius)-server[ \t]+key(?:[ \t]+[07](?=[ \t]))?"
    r"|crypto[ \t]+isakmp[ \t]+key(?:[ \t]+[06](?=[ \t]))?"
    r"|ip[ \t]+ospf[ \t]+(?:authentication-key|message-digest-key[ \t]+\d+[ \t]+md5)(?:[ \t]+[07](?=[ \t]))?"
    r"|neighbor[ \t]+\S+[ \t]+password(?:[ \t]+[07](?=[ \t]))?"
    r"|(?:password|key|key-string)[ \t]+[05789](?=[ \t]))[ \t]+)"
    r"(?!\[REDACTED:)(?P<val>[^\s\"'\\]{1,512})", re.MULTILINE)
WIFI_PASSWORD = re.compile(
    r"(?P<pre>WIFI:(?:[A-Za-z]{1,3}:(?:\\{1,3}[^\n]|[^;\\\n]){0,256};)*?P:)(?!\[REDACTED:)"
    r"(?P<val>(?:\\{1,3}[^\n]|[^;\\\n]){1,256})")
WIFI_HINTS = ("wifi:",)
_SASL_USER = r"[ \t]+(?P<user>[^\s:\[\]\"'\\]{0,127}[A-Za-z@][^\s:\[\]\"'\\]{0,127}):"
SASL_ENTRY = re.compile(
    r"(?P<pre>(?:^|(?<=\n)|(?<=\\n)|(?<=[\"'])|(?<=: ))[ \t]*(?:\[[A-Za-z0-9.:-]{1,253}\](?::\d{1,5})?"
    r"|(?:[\w.+-]{1,64}@)?[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+(?::\d{1,5})?)" + _SASL_USER + r")"
    r"(?!\[REDACTED:)(?P<val>[^\s\"'\\]{1,256})", re.MULTILINE)
SASL_HINTS = ("sasl", "smtp", "mail", "relay")
_SASL_QUICK = re.compile(r"\](?::\d{1,5})?[ \t]+[^\s:]{1,256}:")
# Each hint is a necessary part of one branch as IOS prints it (one space between words): a bare `password ` or
# `enable` would run the scan on every login-failure line.
IOS_HINTS = ("username", "enable secret", "enable password", "snmp-server community", "server key", "isakmp key",
             "ospf authentication-key", "message-digest-key", "neighbor",
             *(f"{w} {t}" for w in ("password", "key", "string") for t in "05789"))


def ipsec_sub(mark: str) -> Callable[[str], str]:
    return lambda text: IPSEC_SECRET.sub(lambda m: m.group("pre") + mark + m.group("q"), text)


def redis_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        if not m.group("q") and m.group("val").lower() in PROSE or not any(c.isalnum() for c in m.group("val")):
            return m.group(0)  # `requirepass is not set`, `CONFIG GET requirepass =>`: prose or a prompt, no value
        return m.group("pre") + mark + m.group("q")
    return lambda text: REDIS_DIRECTIVE.sub(repl, text)


def ios_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        if m.group("val").lower() in PROSE:
            return m.group(0)  # `enable password is not set`: prose, no value
        return m.group("pre") + mark
    return lambda text: IOS_SECRET.sub(repl, text)


def wifi_sub(mark: str) -> Callable[[str], str]:
    return lambda text: WIFI_PASSWORD.sub(lambda m: m.group("pre") + mark, text)


def sasl_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        if not m.group(0).lstrip(" \t\"'").startswith("[") and "sasl" not in m.string.lower():
            return m.group(0)
        if m.group("val").lower() in PROSE or m.group("val").endswith(":"):
            return m.group(0)  # `... user:is`, a time `10:11:`: no value
        return m.group("pre") + mark
    def sub(text: str) -> str:
        # A bracketed nexthop then a blank and `user:` (a quick literal-led test: `smtp` lets every Postfix line in),
        # or a text naming sasl; otherwise no entry can match.
        if _SASL_QUICK.search(text) is None and "sasl" not in text.lower():
            return text
        return SASL_ENTRY.sub(repl, text)
    return sub
