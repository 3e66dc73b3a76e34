"""Where a URL or an address carries the credential itself (taxonomy class b), beyond `scheme://user:pw@host`.

- A credential as a PATH segment of an ingest or webhook URL, by each service's documented endpoint: Loggly
  `logs-01.loggly.com/inputs|bulk/<customer token>/` (Loggly docs, "HTTP/S event endpoint"), Sumo Logic
  `/receiver/v1/http/<token>` (Sumo docs, "HTTP Logs and Metrics Source"), Datadog's legacy
  `http-intake.logs.<site>/v1/input/<api key>`, Zapier `hooks.zapier.com/hooks/catch/<id>/<key>/`, IFTTT
  `maker.ifttt.com/trigger/<event>/with/key/<key>`, Healthchecks.io `hc-ping.com/<uuid>` or `/<ping key>/<slug>`
  (its docs: "keep the ping URL secret"), anaconda.org channel tokens `/t/<token>/<channel>/` (conda's
  conda.common.url.split_anaconda_token: `/t/([a-zA-Z0-9-]*)`, which conda masks in its own output; any conda
  server takes the token in that place, so beyond the Anaconda hosts it goes where a channel subdir or repodata
  file follows: a Discourse topic `/t/<slug>/<id>` stays), Feishu/Lark custom bots `open-apis/bot/v2/hook/<token>`, Webex incoming
  webhooks `webexapis.com/v1/webhooks/incoming/<token>`, Bitrix24 inbound webhooks `/rest/<user id>/<code>/`.
  The host and the rest of the path stay.
- The AUTHORITY of a URL without its scheme, as libraries print it: `urllib.parse.urlsplit(...)` reprs
  (`SplitResult(..., netloc='user:pw@host:1080', ...)`, RFC 3986 section 3.2), and proxy settings written as
  `user:pw@host:port` (curl `-x`/`--proxy`, `HTTPS_PROXY=`, pip `--proxy`). A `mailto:bob@host` (a URI whose
  scheme looks like a user) stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

_SEGMENT = r"[A-Za-z0-9_=+.~%-]{8,}"
CREDENTIAL_PATH = re.compile(
    r"(?P<pre>(?i:logs-\d+\.loggly\.com/(?:inputs|bulk)/"
    r"|\.sumologic\.com(?::\d+)?/receiver/v1/(?:http|otlp|prometheus|event)/"
    r"|http-intake\.logs\.[a-z0-9.]*datadoghq\.(?:com|eu)(?::\d+)?/v1/input/"
    r"|hooks\.zapier\.com/hooks/catch/\d+/"
    r"|maker\.ifttt\.com/trigger/[^/\s'\"]+/(?:json/)?with/key/"
    r"|hc-ping\.com/"
    r"|open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/"
    r"|webexapis\.com/v1/webhooks/incoming/"
    r"|\.bitrix24\.[a-z.]{2,8}/rest/\d+/"
    # automation platforms' webhook URLs, where the path token is the whole credential (each platform's webhook docs):
    # Make/Integromat custom webhooks `hook.<zone>.make.com/<token>`, Pabbly Connect, Netlify build hooks, Vercel
    # deploy hooks, Tines webhooks `<tenant>.tines.com/webhook/<path>/<secret>`, Google Apps Script web apps
    r"|(?<![\w.-])hook\.(?:[a-z0-9-]+\.)?(?:make\.com|integromat\.com)/"
    r"|connect\.pabbly\.com/workflow/sendwebhookdata/"
    r"|api\.netlify\.com/build_hooks/"
    r"|api\.vercel\.com/v1/integrations/deploy/[\w-]+/"
    r"|\.tines\.(?:com|io)/webhook/[\w-]+/"
    r"|script\.google\.com/macros/s/"
    # Grafana snapshot share URLs (Grafana docs "Snapshot API": the key in the URL is the access to the snapshot)
    r"|/dashboard/snapshot/|/api/snapshots/"
    # blockchain node RPC providers, whose key IS the endpoint's path (CLASSES19 A146; Alchemy docs "API key":
    # `<network>.g.alchemy.com/v2/<key>` and the NFT API's `/nft/v2/<key>/`; Infura `<network>.infura.io/v3/<API key>`
    # and `/ws/v3/`; QuickNode `<name>.<network>.quiknode.pro/<token>/`; Ankr premium `rpc.ankr.com/<chain>/<key>`),
    # and IPQualityScore, whose lookups take the key before the looked-up value (`/api/json/ip/<key>/<ip>`: A143).
    # Alchemy's public `/v2/demo` is shorter than a segment and stays, as does Ankr's keyless `rpc.ankr.com/eth`.
    r"|\.g\.alchemy\.com/(?:nft/)?v\d/|\.infura\.io/(?:ws/)?v3/|\.quiknode\.pro/"
    r"|(?<![\w.-])rpc\.ankr\.com/(?:premium-http/)?[a-z0-9_]+/"
    # (its route on ANY host: a urllib3 MaxRetryError prints the path alone, `host='...'` apart; a proxy fronts it)
    r"|/api/json/(?:ip|email|phone|url|leaked|ips|requests)/"
    r"|(?<![\w-])(?:conda\.|repo\.)?anaconda\.(?:org|com|cloud)/t/))"
    r"(?!\[REDACTED:)(?P<val>" + _SEGMENT + r")")
CREDENTIAL_PATH_HINTS = ("loggly.com", "sumologic.com", "datadoghq.", "hooks.zapier", "maker.ifttt", "hc-ping.com",
                         "/open-apis/bot/", "webexapis.com", "bitrix24.", "make.com", "integromat.com", "pabbly.com",
                         "build_hooks", "integrations/deploy", "tines.", "script.google.com",
                         "/dashboard/snapshot/", "/api/snapshots/", "anaconda.", "alchemy.com", "infura.io",
                         "quiknode.pro", "rpc.ankr.com", "/api/json/")
# A conda channel token on any host: the subdir or channel index after `<channel>/` says it is a conda channel URL.
CONDA_TOKEN = re.compile(r"(?P<pre>/t/)(?!\[REDACTED:)(?P<val>[A-Za-z0-9-]{8,128})(?=/[\w.-]+/(?:noarch/|linux-|osx-"
                         r"|win-|zos-|emscripten-|wasi-|(?:current_)?repodata\.json|channeldata\.json))")
CONDA_HINTS = ("/t/",)
# Capability HOSTNAMES: the unguessable first label of the host is the credential (Pipedream HTTP sources
# `<id>.m.pipedream.net` and RequestBin `<id>.x.pipedream.net`: anyone who knows the host can post to the workflow).
CAPABILITY_HOST = re.compile(r"(?<![\w.-])(?!\[REDACTED:)(?P<val>[a-z0-9]{10,40})(?P<post>\.[mx]\.pipedream\.net\b)")
CAPABILITY_HOST_HINTS = ("pipedream.net",)


def capability_host(mark: str) -> Callable[[re.Match[str]], str]:
    return lambda m: mark + m.group("post")

# user:password@host[:port] with no `//` before it; the user part may be empty (`:pw@redis:6379`, Redis' way).
# Before it: a quote, `=`, `(`, `,` or a blank (a repr field, a setting, an argument).
SCHEMELESS_USERINFO = re.compile(
    r"(?:(?<=[\s='\"(,])|^)(?P<user>[A-Za-z0-9._~!$&*+;%\\-]{0,64}):(?!\[REDACTED:)(?P<pw>[^\s:@/'\"<>]{1,128})"
    r"@(?=(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::\d{1,5})?(?:[/?#\s'\",;)\]\\]|$))")
# every match's `:password@`, searched first (engine.Rule's seam): the pattern opens with a lookbehind alternation and an
# optional user, so sre tries it at every position of a text with an `@`
SCHEMELESS_SEAM = re.compile(r":[^\s:@/'\"<>]+@")
_URI_SCHEMES = frozenset({"mailto", "sip", "sips", "xmpp", "im", "pres", "tel", "acct", "cid", "mid", "urn", "tag",
                          "news", "nntp", "git", "ssh", "scp"})


def credential_path(mark: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group("pre") + mark


def schemeless_userinfo(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        user, pw = m.group("user"), m.group("pw")
        if user.lower() in _URI_SCHEMES or pw.isdigit() and len(pw) <= 5 and user.isdigit():
            return m.group(0)  # `mailto:bob@host`; `10:30@node` (a time)
        if pw.startswith(("${", "$", "{{", "%")) or set(pw) <= {"*", "x", "X"}:
            return m.group(0)  # a reference or a mask
        return user + ":" + mark
    return repl


# A query NAME with a percent-encoded character (RFC 3986 2.1 / 2.3: an unreserved character may be percent-encoded,
# and a server decodes it: `api%5Fkey` IS `api_key` to the application). The name rules read `%5Fkey` and miss it;
# decoded, the name decides as everywhere else (`unit%73=metric`, a cursor's `next%5Fpage%5Ftoken` stay).
PCT_QUERY_NAME = re.compile(r"(?<=[?&;])(?P<name>[A-Za-z0-9_.~-]*%[0-9A-Fa-f]{2}[A-Za-z0-9_.~%-]*)="
                            r"(?!\[REDACTED:)(?P<val>[^&#\s'\"<>]{1,512})")
PCT_QUERY_NAME_HINTS = ("%",)
# every match's encoded name piece and `=`, searched first (engine.Rule's seam): the pattern opens with a lookbehind,
# and `%` is in every text with a percentage
PCT_QUERY_NAME_SEAM = re.compile(r"%[0-9A-Fa-f]{2}[A-Za-z0-9_.~%-]*=")


def pct_query_name(mark: str, secret_pair: Callable[[str, str], bool]) -> Callable[[re.Match[str]], str]:
    """`secret_pair(decoded name, value)`: the query rules' own judgement of the decoded pair (__init__.py)."""
    return lambda m: m.group("name") + "=" + mark if secret_pair(unquote(m.group("name")), m.group("val")) else m.group(0)
