"""A provider's name as the secret name: `ALGOLIA_ADMIN=<v>`, `X-Datadog-App: <v>`, `Settings(kraken='<v>')`.

gitleaks' keyword rules (config/gitleaks.toml, built by cmd/generate/config/utils.GenerateSemiGenericRegex)
need no secret word in the name: the provider's keyword anywhere in it, then a value of the provider's shape
and enough entropy. A name with a secret word (`ALGOLIA_API_KEY`) is already the name class's; this is the
rest: the keyword alone or with a word that is not a secret one (`_ADMIN`, `_APP`, `_PROD`, `_IO`).

The value decides, as in gitleaks (its keyword rules' values are 15-90 characters of one token charset, entropy
>= 2-3.5): one token of 12+ characters with a part that is not a word, a number or a short code (`gateway-prod-eu1`,
`dev-4821.okta.com`, `products_prod` stay); a value of bare hex or a UUID (the shape of git SHAs, trace ids and
request ids) only when it is exactly one of that provider's documented shapes (Meraki 40 hex, Sentry 64 hex,
Heroku a UUID).
A name that announces an identifier (`cloudflare_zone_id`, `sentry_release_sha`) never counts.
"""

from __future__ import annotations

import functools
import re

from .entropy import ID_PREFIXES
from .identified import IDENTIFIER_WORDS
from .secret_names import META_WORDS, announces_nonce, name_words
from .textstats import password_like, shannon

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# keyword -> the hex/UUID shapes gitleaks documents for it (rule ids in comments); other shapes need random_value
_HEX_SHAPES: dict[str, tuple[str, ...]] = {
    "adobe": (r"[a-f0-9]{32}",),                      # adobe-client-id (a client id, but gitleaks flags it)
    "meraki": (r"[0-9a-f]{40}",),                     # cisco-meraki-api-key
    "cloudflare": (r"[a-f0-9]{37}", r"[a-f0-9]{40}"),  # cloudflare-global-api-key, cloudflare-api-key
    "discord": (r"[a-f0-9]{64}",),                    # discord-api-token
    "facebook": (r"[a-f0-9]{32}",),                   # facebook-secret
    "finicity": (r"[a-f0-9]{32}",),                   # finicity-api-token
    "heroku": (_UUID,),                               # heroku-api-key
    "hubspot": (_UUID,),                              # hubspot-api-key
    "kucoin": (r"[a-f0-9]{24}", _UUID),               # kucoin-access-token, kucoin-secret-key
    "linear": (r"[a-f0-9]{32}",),                     # linear-client-secret
    "sendbird": (r"[a-f0-9]{40}",),                   # sendbird-access-token
    "sentry": (r"[a-f0-9]{64}",),                     # sentry-access-token
    "snyk": (_UUID,),                                 # snyk-api-token
    "squarespace": (_UUID,),                          # squarespace-access-token
    "messagebird": (_UUID,),                          # messagebird-client-id
    "mailgun": (r"[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}",),  # mailgun-signing-key
    # trufflehog detectors and the providers' docs: Deepgram and Weights & Biases keys are 40 hex, AssemblyAI,
    # Twilio auth tokens, Mailjet and Azure AI services keys 32 hex
    "deepgram": (r"[a-f0-9]{40}",), "wandb": (r"[a-f0-9]{40}",), "assemblyai": (r"[a-f0-9]{32}",),
    "twilio": (r"[a-f0-9]{32}",), "mailjet": (r"[a-f0-9]{32}",), "azure": (r"[a-f0-9]{32}",),
}
# Round 9 (CLASSES10.md B6, left in round 8): the rest of the upstreams a gateway keys by name alone (LiteLLM's provider
# names, docs.litellm.ai/docs/providers; the OpenAI-compatible routers' `providers:` maps). Their own key formats are
# formats.py's; under the name alone a key of ANY shape is the upstream's credential (a proxy's key, a key pasted from
# another console), so the value is judged by shape (provider_secret), not by a format.
UPSTREAMS: tuple[str, ...] = (
    "openai", "anthropic", "groq", "deepseek", "moonshot", "kimi", "together", "togetherai", "perplexity", "gemini",
    "vertex", "bedrock", "cerebras", "sambanova", "novita", "hyperbolic", "zhipu", "dashscope", "siliconflow",
    "minimax", "baichuan", "xai", "cohere", "voyage", "jina", "replicate", "huggingface", "anyscale", "lepton",
    "octoai", "databricks", "watsonx", "openrouter", "fireworks")
# Every keyword of a gitleaks keyword rule that names a provider (the secret words themselves are the name class's).
KEYWORDS: tuple[str, ...] = (
    "adafruit", "adobe", "airtable", "algolia", "alibaba", "asana", "atlassian", "confluence", "jira", "beamer",
    "bitbucket", "bittrex", "meraki", "cloudflare", "codecov", "cohere", "coinbase", "confluent", "contentful",
    "datadog", "dnkey", "discord", "droneci", "dropbox", "etsy", "facebook", "fastly", "finicity", "finnhub",
    "flickr", "freshbooks", "gitter", "gocardless", "heroku", "hubspot", "intercom", "jfrog", "artifactory",
    "bintray", "xray", "kraken", "kucoin", "launchdarkly", "linear", "linkedin", "mailchimp", "mailgun",
    "mattermost", "messagebird", "netlify", "newrelic", "nytimes", "newyorktimes", "okta", "plaid", "privateai",
    "rapidapi", "sendbird", "sentry", "snyk", "sonar", "squarespace", "sumo", "sumologic", "telegram", "travis",
    "twitch", "twitter", "typeform", "yandex", "zendesk",
    # (gitleaks' `lob` is left out: Lob's keys carry `live_`/`test_`, formats.py's lob_key, and the letters are in
    # every `global` and `blob`)
    # The gateway's neighbours whose keys carry no fixed prefix (trufflehog's detectors name each provider as the keyword
    # near its key, pkg/detectors/<provider>; the providers' API-key docs). Those with one (Moonshot/Kimi, DeepSeek,
    # DashScope, SiliconFlow `sk-`, Groq `gsk_`, Zhipu `<id>.<secret>`, Together `tgp_v1_`) are formats.py's: their
    # names are model and host names in every line of a gateway's log, and would only cost time here.
    "mistral", "ai21", "deepinfra", "nomic", "clarifai", "deepgram", "assemblyai", "wandb", "upstash", "qdrant",
    "weaviate", "pinecone", "vercel", "twilio", "mailjet", "pusher", "azure",
    # round 8 (CLASSES10.md B6, B8): gateways' upstreams keyed by the provider alone (LiteLLM model_list, OpenAI-
    # compatible routers) whose keys carry no prefix gitleaks reads, and Honeycomb's key header `X-Honeycomb-Team`
    # (trufflehog's honeycomb detector); names rare enough in a gateway's lines to cost nothing
    "honeycomb", *UPSTREAMS,
)
_KEYWORD_SET = frozenset(KEYWORDS)
_LONG_KEYWORDS = {k: re.compile(re.escape(k)) for k in KEYWORDS if len(k) >= 6}  # in KEYWORDS' order
# Generic container words as the WHOLE name (CLASSES10.md B6: `{"data": "<v>"}`, `VALUE=<v>`, `arg: <v>`): a holder
# that says nothing of what it holds. Only the whole name (`user_data`, `metadata`, `default_value` are other names),
# and only a value that reads as generated (`generated`, no password shape, no bare hex or UUID: under a name this
# vague a digest, a request id or `Python3.11` is as likely as a key).
CONTAINERS: tuple[str, ...] = ("value", "data", "arg", "payload", "blob")
_CONTAINER_SET = frozenset(CONTAINERS)
# What a provider's account is divided into: the name of one is an identifier, not a credential.
_SCOPE_WORDS = frozenset({"org", "organization", "organisation", "project", "workspace", "team", "tenant", "region",
                          "deployment", "subscription", "zone", "site", "environment", "channel", "bucket",
                          "index", "namespace", "cluster", "database", "db", "queue", "topic", "space"})
# What a provider names its objects by, after the provider's name: Twilio's SIDs (`twilio_sid=SM<32 hex>`, "String
# Identifier", Twilio docs "What is a SID?"; the Account SID `AC...` has its own format rule), Sentry's release names
# (`sentry_release=backend@1.2.3+<sha>`, Sentry docs "Releases"). Ids announced by their name stay (review r7).
_PROVIDER_IDS = frozenset({"sid", "release"})
# The hints the rule runs on (lowercase substrings): separators inside a keyword vary (`new_relic`, `linked-in`).
HINTS: tuple[str, ...] = tuple(k for k in KEYWORDS if k not in ("newrelic", "linkedin", "messagebird", "privateai",
                                                                   "newyorktimes")) + (
    "new_relic", "new-relic", "newrelic", "linkedin", "linked_in", "linked-in", "messagebird", "message_bird",
    "message-bird", "privateai", "private_ai", "private-ai", "newyorktimes", "new-york-times", "new_york_times",
    "new.relic", "linked.in", "message.bird", "private.ai", "new.york") + tuple(
    # a container word only as a whole name before its assignment: the words alone are in every other line
    w + end for w in CONTAINERS for end in ('"', "'", "=", ":", " =", "\\"))
_COMPILED = {k: tuple(re.compile(s, re.IGNORECASE) for s in v) for k, v in _HEX_SHAPES.items()}
_ESCAPE = re.compile(r"\\[nrt]")
_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.:%]{12,256}")
_PARTS = re.compile(r"[-_./+=:%]+")
# bare hex, a UUID, hex runs joined by `-` (Sentry's `<trace id>-<span id>-<sampled>`, W3C traceparent's fields)
_HEXLIKE = re.compile(r"[0-9a-fA-F]+(?:-[0-9a-fA-F]+)*")


@functools.lru_cache(maxsize=4096)
def provider_of(name: str) -> str | None:
    """The gitleaks provider keyword `name` holds (`ALGOLIA_ADMIN` -> algolia, `X-New-Relic-App` -> newrelic),
    unless the name announces metadata or an identifier (`..._id`, `..._url`, `next_page_token`)."""
    words = name_words(name)
    if words[-2:] == ["sonar", "login"]:
        return "sonar"  # SonarScanner's `sonar.login` holds the authentication token (gitleaks sonar-api-token)
    if not words or words[-1] in META_WORDS or words[-1] in IDENTIFIER_WORDS or words[-1] in _SCOPE_WORDS or \
            words[-1] in _PROVIDER_IDS or \
            announces_nonce(words):
        return None  # `sentry-trace`, `jira_issue_id`, `groq_org`, `azure_tenant`: an identifier the provider gives
    if len(words) == 1 and words[0] in _CONTAINER_SET:
        return words[0]
    for w in words:
        if w in _KEYWORD_SET:
            return w
    # a keyword written across words (`X-New-Relic-App` -> newrelic) must begin and end at word boundaries: inside a
    # word it is another word (`cache_coherence` holds "cohere"; review r7)
    joined = "".join(words)
    bounds = {0}
    for w in words:
        bounds.add(max(bounds) + len(w))
    # (a substring test first: one C-level scan per keyword instead of a regex call through re's cache; same result)
    return next((k for k in _LONG_KEYWORDS if k in joined and any(
        m.start() in bounds and m.start() + len(k) in bounds for m in _LONG_KEYWORDS[k].finditer(joined))), None)


# An upstream's name alone (UPSTREAMS) before bare hex: a key's length (128/160/256 bits as 32/40/64 hex digits, the
# lengths of hex API keys: Deepgram 40, AssemblyAI/Twilio 32, Sentry 64 above), not a UUID (the shape of a request
# id). `{"moonshot": "<hex32>"}` in an upstreams map is a key; hex of another length is a digest or an id.
_KEY_HEX = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_UPSTREAM_SET = frozenset(UPSTREAMS)


def provider_secret(name: str, value: str) -> bool:
    """A value after a provider's name that is its secret: generated-looking or password-shaped (a password under an
    upstream's name is its credential all the same), and a bare hex/UUID value only in one of the provider's
    documented shapes (or a key's length of hex after an upstream's name alone)."""
    provider = provider_of(name)
    if provider is None:
        return False
    value = _ESCAPE.split(value, 1)[0]  # `X-Algolia-App: <v>\r\nAccept:` in a bytes repr: the value ends at the escape
    if _HEXLIKE.fullmatch(value):
        return any(rx.fullmatch(value) for rx in _COMPILED.get(provider, ())) or (
            provider in _UPSTREAM_SET and _KEY_HEX.fullmatch(value) is not None)
    if ID_PREFIXES.match(value):
        return False  # `org-...`, `file-...`, `req_...`: the provider's ids
    if provider in _CONTAINER_SET:
        return generated(value) and not value.endswith("=")  # padded base64 under `data`/`value`: a message payload
        # (Pub/Sub's `data`, a Kafka record's `value`), decoded and judged by encoded.py, not a key by its shape
    return generated(value) or provider in _UPSTREAM_SET and _upstream_password(value)


def _upstream_password(value: str) -> bool:
    """A password under an upstream's name: password-shaped with both cases (`OPS-2207`, a ticket, has one), and no
    `.`, `/` or `:` (`dev-4821.okta.com`, a host; `kimi-k2-0905-preview`, a model, has one case)."""
    return password_like(value) and not any(c.isspace() or c in "./:" for c in value) and not value.islower() \
        and not value.isupper()


def generated(value: str) -> bool:
    """One token that reads as generated: 12+ characters of a key charset, entropy >= 3, and a part of 8+ that mixes
    letters and digits or 12+ letters that are no word's spelling (entropy >= 3.5)."""
    if not _TOKEN.fullmatch(value) or value.count(".") >= 2 or shannon(value) < 3.0:
        return False
    for part in _PARTS.split(value):
        letters = sum(c.isalpha() for c in part)
        if len(part) >= 8 and letters and letters < len(part) and not part.isdigit():
            return True
        if len(part) >= 12 and part.isalpha() and shannon(part) >= 3.5:
            return True
    # base64url cut into short runs by its own `-`/`_`/`=` (`2OL-R7--F-5LOSND3-7U5ITH=28=88US`): long, random, digits
    # in two runs or more, and no run a lowercase or capitalised word of four letters or more (`gateway-prod-eu1-2026`)
    parts = _PARTS.split(value)
    return len(value) >= 20 and shannon(value) >= 3.5 and sum(any(c.isdigit() for c in p) for p in parts) >= 2 and \
        not any(len(p) >= 4 and p.isalpha() and (p.islower() or p.istitle()) for p in parts)
