"""The category doctrine: a diagnosis's category is the kind of cause, i.e. what the on-call engineer must change.

Categories (`model.Category`), decided by the cause, never by the component that raised:
- provider: the remote LLM provider or our account with it (outage/5xx, overload, rate/quota/balance limits,
  its content filter).
- network: the path to a remote fails *transiently* (timeouts, resets, a refused connection to a service that
  should be up, a temporary DNS failure, a certificate the remote side presents wrongly).
- storage: the database/storage/cache service itself fails or limits at runtime (down, restarting, cancelled a
  statement, its constraints refusing a row, a column's declared size or a value it cannot store, its sessions
  and rate limits). Constraints (SQLSTATE 23, a PostgREST/Storage 409 for an existing key) are storage since
  round 6: the category text says "its constraints" and every writer who met one labelled it so (009, 106, 510,
  712, 5043); the text still names the constraint and the write to fix. Not storage where the service only
  SURFACED another cause (evals/TAXONOMY.md lists every path that answers storage): a query that does not
  match the schema or a function/trigger of our migrations raising (code), a grant, name or setting, incl. a
  limit a setting names (53400, 57P05 idle_session_timeout: config), a connection pool's or memory limit
  (capacity), a competing transaction (concurrency).
- capacity: our own host's or service's resource limit (disk, memory, file descriptors, connection slots, pools:
  psycopg_pool/httpx/redis-py pools, PostgREST's pool PGRST003, Redis maxmemory OOM).
- concurrency: races, locks, semaphores, deadlocks, serialization failures.
- config: a setting, credential, grant, URL/host/port/scheme, the name of a database/schema/bucket/model, a CA
  bundle, an installed dependency is wrong: it fails EVERY time until a person changes a setting.
- code: the gateway's code is wrong (API misuse, a type/shape mismatch incl. a query that does not match the
  schema, an unhandled None, shutdown order, import cycles).
- unknown: the record does not say.

How it is applied: by evidence of PERSISTENCE vs TRANSIENCE, at the level of the error's class or code, not per
case. A host name that does not exist (getaddrinfo EAI_NONAME) fails every time: config; a resolver that timed
out (EAI_AGAIN) is the path: network. A trust store that lacks the issuer is ours to change: config; a
certificate that expired or names another host is the remote side's (or something on the path answering for
it): network. The tables below hold these class-level decisions for the transport families (DNS results,
TLS verify results, proxy answers, errnos); the code tables (codes.py: SQLSTATE classes, PostgREST groups,
Z.ai/Moonshot codes) and the class texts (taxonomy.py, local_causes.py, ws_causes.py) follow the same doctrine.

Where the two case writers disagreed the doctrine decides (evals/TAXONOMY.md lists each such reading):
schema mismatches (undefined table/column/function, PGRST2xx) are code, not storage; permissions and
grants (42501, RLS 403, a refused API key) are config, not storage. Where both writers agree and the doctrine
allows both readings, their reading is kept: a value over a column's declared size (22001, 22003) is storage
(the schema's limit), a session/JWT that expired or was revoked is storage (the auth service's runtime state).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Category, one_line


@dataclass(frozen=True, slots=True)
class Cause:
    """A class-level cause read from a transport failure's own text: its category and what to name."""

    category: Category
    kind: str  # dns.nonexistent | dns.temporary | tls.trust | tls.remote | proxy.auth | route.none | ...
    what: str  # the failure in a few words, for the summary
    why: str  # the cause, for the root cause
    fix: str


# getaddrinfo(3) results as Python prints them (socket.gaierror "[Errno -N] <gai_strerror>", glibc texts; macOS
# "nodename nor servname provided, or not known"; musl "Name does not resolve"). EAI_NONAME (-2) and EAI_NODATA
# (-5) are the resolver's definite answer: the name has no address, every time. EAI_AGAIN (-3) is a temporary
# failure (no answer from the resolver) and EAI_FAIL (-4) a non-recoverable resolver failure: the path.
_DNS_NONEXISTENT = re.compile(r"\[Errno -[25]\]|Name or service not known|nodename nor servname provided|"
                              r"No address associated with hostname|Name does not resolve|NXDOMAIN", re.I)
_DNS_TEMPORARY = re.compile(r"\[Errno -[34]\]|Temporary failure in name resolution|Non-recoverable failure in name "
                            r"resolution|SERVFAIL", re.I)
# OpenSSL X509 verify results (X509_verify_cert_error_string, as ssl.SSLCertVerificationError.verify_message and
# "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: <reason>" print them). Ours to change: the trust
# store (SSL_CERT_FILE, certifi, REQUESTS_CA_BUNDLE) does not hold the chain's root, or the URL points at an
# endpoint with a self-signed chain. The remote's: its certificate expired, is not valid yet, or names another
# host (a hosts entry, DNS or an interception on the path answering for the name).
_TLS_TRUST = re.compile(r"unable to get local issuer certificate|unable to get issuer certificate|"
                        r"self[- ]signed certificate|unable to verify the first certificate|"
                        r"certificate signature failure|unable to get certificate CRL|invalid CA certificate", re.I)
# "certificate is not yet valid": the certificate's notBefore lies ahead of THIS host's clock. The error shows only
# that the two clocks disagree; CAs backdate notBefore, so the usual cause is the local clock behind (a VM resumed
# from a snapshot, no NTP), rarely a certificate issued by a CA whose clock is ahead. Both are said; the check to
# make first is ours (config: every connection fails until the host's time changes).
_TLS_CLOCK = re.compile(r"certificate is not yet valid", re.I)
_TLS_REMOTE = re.compile(r"certificate has expired|Hostname mismatch|IP address mismatch|"
                         r"certificate is not valid for|certificate revoked", re.I)
# "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: <verify_message> (_ssl.c:1006)"
_VERIFY_RESULT = re.compile(r"certificate verify failed: (?P<r>[^\n]{3,200}?)\s*(?:\(_ssl\.c|$)", re.I | re.M)
# A forward proxy's answer to CONNECT (httpx.ProxyError / aiohttp ClientHttpProxyError): 407 wants credentials
# the proxy URL does not carry (HTTPS_PROXY in the environment)
_PROXY_AUTH = re.compile(r"\b407\b[^\n]{0,40}Proxy Authentication Required|Proxy Authentication Required", re.I)
# Any other non-2xx answer to CONNECT (CLASSES9 N3): httpcore/_async/http_proxy.py raises ProxyError(f"{status}
# {reason}") when the tunnel status is not 2xx (httpx maps it to httpx.ProxyError, the same text);
# aiohttp/client_exceptions.py ClientHttpProxyError prints "<status>, message='<reason>'". RFC 9110 9.3.6: only a 2xx
# establishes the tunnel. The proxy's 5xx (502/503/504) is its own upstream leg failing - the path, transient
# (network); a 4xx is the proxy refusing THIS destination or request by its policy (an allow-list, a filter): the
# same every time until the egress setting changes (config). 407 is read above.
_PROXY_TUNNEL = re.compile(r"(?:httpx|httpcore)\.ProxyError: (?P<x>[45]\d\d)\b|ClientHttpProxyError: (?P<a>[45]\d\d), "
                           r"message=")
# ENETUNREACH (101): the host has no route to that network at all (a container without IPv6 meeting an IPv6-only
# address): persistent until the address family or the host's routes change. EHOSTUNREACH is a host not
# answering on a route that exists: transient.
_NO_ROUTE = re.compile(r"\[Errno 101\]|Network is unreachable|ENETUNREACH", re.I)
_IPV6 = re.compile(r"\((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\)|\[[0-9a-f:]{3,39}\]:\d+|address family", re.I)

# OpenSSL reasons raised while the client LOADS its own TLS material (ssl.SSLContext.load_cert_chain /
# load_verify_locations, libpq's sslcert/sslkey/sslrootcert), before any peer is contacted: the files the
# settings name are wrong - config, every time, and the remote was never reached. Read from CPython 3.11's
# Modules/_ssl.c (a real load_cert_chain of a mismatched pair, a non-PEM file, a wrong passphrase: "[SSL] PEM lib")
# and libpq's fe-secure-openssl.c (tests/diagnose/test_connect_settings.py raises each).
_LOCAL_TLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"KEY_VALUES_MISMATCH|key values mismatch", re.I),
     "the client certificate and its private key are not a pair (key values mismatch)"),
    (re.compile(r"\[SSL\] PEM lib|\[PEM: [A-Z_]+\]|NO_START_LINE|BAD_DECRYPT", re.I),
     "a certificate or key file is not readable PEM, or the key's passphrase is wrong"),
    # OpenSSL's security level refusing our own certificate on load (ssl_cert.c ssl_security_cert: SSL_R_EE_KEY_TOO_SMALL,
    # CA_KEY_TOO_SMALL, CA_MD_TOO_WEAK as the "[SSL: ...]" reason; a PEER's weak key is reported inside
    # CERTIFICATE_VERIFY_FAILED instead, so the bracketed reason is ours). Held-out 7's 7040 read it as the remote's.
    (re.compile(r"\[SSL: (?:EE_KEY_TOO_SMALL|CA_KEY_TOO_SMALL|CA_MD_TOO_WEAK)\]"),
     "the client certificate's key or signature is weaker than OpenSSL's security level allows (e.g. a 1024-bit RSA "
     "key at level 2)"),
    (re.compile(r"NO_CERTIFICATE_OR_CRL_FOUND|no certificate or crl found", re.I),
     "the CA file holds no certificate"),
    (re.compile(r'root certificate file "[^"\n]{0,300}" does not exist|could not read root certificate file', re.I),
     "the root certificate file the connection settings name (sslrootcert) does not exist"),
    (re.compile(r'could not (?:open|load|read) (?:certificate|private key) file|certificate present, but not private key', re.I),
     "the client certificate/key file the connection settings name (sslcert/sslkey) cannot be loaded"),
)
# libpq's own connect-phase texts (fe-connect.c, fe-auth.c; psycopg prefixes "connection failed: connection to
# server at ... failed:") that name a connection SETTING: they fail every time until the DSN changes
_LIBPQ_SETTING: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"server does not support SSL, but SSL was required", re.I),
     "sslmode requires SSL and this server does not offer SSL",
     "The connection settings ask for SSL (sslmode=require or stricter, often copied from a managed database's "
     "connection string) and the server at that address does not support SSL: the DSN and the server disagree.",
     "Set sslmode to what this server supports (disable/prefer for a local server without SSL) or point the DSN at "
     "the server that needs it."),
    (re.compile(r"received invalid response to SSL negotiation", re.I),
     "the host:port answered, but not as a Postgres server (invalid response to SSL negotiation)",
     "Something other than Postgres listens at the DSN's host and port (an HTTP service, a proxy's other port): "
     "the host or port setting is wrong.",
     "Fix the host/port in the DSN to the Postgres server's (or its pooler's) address."),
    (re.compile(r"fe_sendauth: no password supplied", re.I),
     "the server asks for a password and the connection settings carry none (fe_sendauth)",
     "The server's authentication method wants a password and the DSN (or PGPASSWORD / .pgpass) gives none: the "
     "password setting is missing or was not passed to this process.",
     "Put the password in the DSN or the secret the gateway reads (PGPASSWORD), and restart."),
    # fe-auth.c / fe-auth-scram.c: the authentication METHOD the DSN demands and the server (or its pooler) offers
    # disagree (channel_binding=require against a server without SCRAM-SHA-256-PLUS, a method libpq does not
    # support) - the DSN or the server's auth setting, not the password (CLASSES8 F4)
    # libpq 16+ require_auth (fe-auth.c check_expected_areq / fe-connect.c): 'authentication method requirement
    # "scram-sha-256" failed: server did not complete authentication|server requested ... authentication'
    (re.compile(r"channel binding (?:is )?required|server does not support channel binding|channel binding type|"
                r"authentication method \d+ not supported|SCRAM authentication requires libpq|"
                r'authentication method requirement "[^"\n]{1,80}" failed', re.I),
     "the authentication method the connection settings require and the one the server offers disagree",
     "The DSN demands an authentication method (channel_binding=require, SCRAM) that this server or its pooler does "
     "not use for this user: the connection settings and the server's auth configuration disagree; the password is "
     "not what failed.",
     "Align the two: drop channel_binding=require (or use prefer) for a server/pooler without SCRAM-SHA-256-PLUS, or "
     "switch the user's password_encryption/pg_hba method to scram-sha-256."),
    # the SERVER refusing a parameter of the startup packet (DSN `options='-c name=value'`, PGOPTIONS): guc.c answers
    # FATAL at connect (42704 unrecognized / 22023 invalid value / 55P02 cannot be changed now) - the setting, every
    # time. The same words as an ERROR of a running session come from a SET in our SQL (code), so FATAL is required.
    (re.compile(r'FATAL:\s+(?:unrecognized configuration parameter "[^"\n]{1,80}"|invalid value for parameter '
                r'"[^"\n]{1,80}"[^\n]{0,80}|parameter "[^"\n]{1,80}" cannot be changed[^\n]{0,60})', re.I),
     "the server refused a parameter the connection options set at startup",
     "The connection's startup options (the DSN's options='-c ...', PGOPTIONS or a driver option from the settings) "
     "set a server parameter that does not exist, has an invalid value or cannot be set per session: the server "
     "refuses every connection until the option changes.",
     "Fix or remove the parameter in the connection options setting (the name and unit must be a real GUC: "
     "statement_timeout takes milliseconds, e.g. -c statement_timeout=15000)."),
    # fe-connect.c formats every enum option's refusal alike: 'invalid %s value: "%s"' (sslmode, gssencmode,
    # target_session_attrs, load_balance_hosts, channel_binding, sslnegotiation, require_auth...), so the option's name
    # is read, not listed
    (re.compile(r'invalid (?:[a-z_]{3,40} value:? "|integer|port|connection option)[^\n]{0,80}|missing "=" after', re.I),
     "the connection string holds an invalid option or value",
     "libpq refused the DSN itself before connecting: an unknown option or an invalid value (sslmode, port...).",
     "Fix the option the message names in the connection string."),
)
# Supavisor's (lib/supavisor/client_handler.ex: "Max client connections reached", "(EMAXCONNSESSION) max clients
# reached in session mode", "(EMAXCONN)") and PgBouncer's ("no more connections allowed (max_client_conn)") own
# refusals: the POOLER's client slots, not Postgres' (53300 is the server's own) - capacity (CLASSES8 D3)
_POOLER_LIMIT = re.compile(r"Max client connections reached|\(EMAXCONN\w*\)|max clients reached in (?:session|transaction) "
                           r"mode|no more connections allowed \(max_client_conn\)", re.I)
# psycopg's "the connection is closed" (_check_connection_ok) and asyncpg's "connection is closed": the code
# uses a connection object after it was closed or lost and never reconnects (a pool hands out live ones only)
_CLOSED_OBJECT = re.compile(r"\bthe connection is closed\b|cannot perform operation: connection is closed", re.I)


# where clients name the host that failed (redis-py "Error -2 connecting to redis:6379.", libpq 'could not translate
# host name "db" to address', aiohttp "Cannot connect to host redis:6379", a URL)
_FAILED_HOST = re.compile(r"connecting to (?P<a>[\w.-]+):\d+|host name \"(?P<b>[\w.-]+)\"|connect to host (?P<c>[\w.-]+):\d+|"
                          r"\b(?:redis|rediss|postgres(?:ql)?|https?|wss?)://(?:[^\s/@]+@)?(?P<d>[\w.-]+)")


def _service_name(text: str) -> str | None:
    """The failed host when it is a single-label name (a compose service), else None."""
    m = _FAILED_HOST.search(text)
    host = next((g for g in m.groups() if g), None) if m is not None else None
    if host is None or "." in host or host.lower() == "localhost" or host.isdigit():
        return None
    return host


def transport_cause(text: str) -> Cause | None:
    """The class-level cause of a connect failure from its own text, or None when the text does not decide.
    Persistent causes are checked first: a chained message can carry both (a retry's timeout over a DNS error)."""
    for pattern, what in _LOCAL_TLS:
        if pattern.search(text):
            return Cause("config", "tls.local", what,
                         f"Loading this client's own TLS material failed: {what}. The files or paths the settings "
                         "name (a client certificate/key pair, a CA file, sslcert/sslkey/sslrootcert) are wrong; it "
                         "fails every time, before any connection is opened.",
                         "Point the settings at a matching certificate and key (openssl x509 -noout -pubkey vs "
                         "openssl pkey -pubout), a PEM CA file, and the key's passphrase; then restart.")
    for pattern, what, why, fix in _LIBPQ_SETTING:
        if pattern.search(text):
            return Cause("config", "libpq.setting", what, why + " It fails every time until the setting changes.", fix)
    if _POOLER_LIMIT.search(text):
        return Cause("capacity", "pooler.limit", "the connection pooler in front of the database refused: its client "
                     "limit is reached",
                     "The pooler (Supabase Supavisor / PgBouncer) answered the connect with its own limit: every client "
                     "slot of this pool (max client connections, or pool_size in session mode) is taken. Postgres "
                     "itself was not asked; our processes hold too many connections to the pooler (a pool per worker, "
                     "connections not returned, session mode where transaction mode would share).",
                     "Count the connections our processes open to the pooler (pool sizes x workers) and lower them, "
                     "use transaction mode (port 6543) for short queries, or raise the pooler's client limit.")
    if _CLOSED_OBJECT.search(text):
        return Cause("code", "client.closed", "the code used a connection object that is already closed",
                     "The client library refused the call because this connection object is closed: the code keeps "
                     "one long-lived connection and goes on using it after it was closed or the server dropped it "
                     "(a restart, an idle timeout), without reconnecting.",
                     "Reconnect when a call fails with a closed connection, or take connections from a pool that "
                     "checks them (psycopg_pool with check=ConnectionPool.check_connection).")
    if _PROXY_AUTH.search(text):
        return Cause("config", "proxy.auth", "the HTTP proxy demands credentials (407 Proxy Authentication Required)",
                     "The forward proxy configured for outgoing calls (HTTPS_PROXY/HTTP_PROXY in the environment) "
                     "answered CONNECT with 407: the proxy URL carries no or wrong credentials, so no call leaves the "
                     "container until the proxy setting is fixed; the remote was never reached.",
                     "Fix the proxy setting (user:password in HTTPS_PROXY, or NO_PROXY for this host) and restart.")
    if (tunnel := _PROXY_TUNNEL.search(text)) is not None:
        status = int(tunnel.group("x") or tunnel.group("a"))
        if status >= 500:
            return Cause("network", "proxy.upstream", f"the egress proxy could not reach the destination (CONNECT "
                         f"answered {status})",
                         f"The forward proxy answered the tunnel request with {status}: its own leg to the destination "
                         "failed or timed out (the proxy's upstream path, DNS or the destination's edge); the remote "
                         "never saw the request. Transient when other destinations through the same proxy work.",
                         "Retry with backoff; if it persists for one host, check the proxy's logs for that upstream.")
        return Cause("config", "proxy.refused", f"the egress proxy refused the tunnel to this destination (CONNECT "
                     f"answered {status})",
                     f"The forward proxy answered the tunnel request with {status}: it refuses this destination or "
                     "request by its policy (an allow-list, a category filter), so every call to that host fails "
                     "until the egress policy or the proxy setting (HTTPS_PROXY/NO_PROXY) changes.",
                     "Add the host to the proxy's allow-list, or route it around the proxy (NO_PROXY) if allowed.")
    if _TLS_TRUST.search(text):
        return Cause("config", "tls.trust", "the certificate chain is not trusted by this container's CA bundle",
                     "TLS verification failed because the trust store the client uses (SSL_CERT_FILE, certifi, "
                     "REQUESTS_CA_BUNDLE, a custom bundle) does not hold the root/issuer of the chain presented: "
                     "a CA-bundle setting, it fails every time until the bundle or the URL is changed.",
                     "Point the client at a CA bundle that holds the issuer (unset a custom SSL_CERT_FILE, or add the "
                     "corporate/intercepting root to it), or fix the URL if it reaches the wrong endpoint.")
    if _TLS_CLOCK.search(text):
        return Cause("config", "tls.clock", "the certificate is not yet valid by this host's clock",
                     "TLS verification found the certificate's validity starting in the future by this host's clock: "
                     "the two clocks disagree. Certificates are valid from their issuance (CAs backdate it), so the "
                     "usual cause is the local clock behind (a VM or container host resumed from a snapshot, NTP not "
                     "running); less often the certificate was just issued by a CA whose clock is ahead. Every TLS "
                     "connection with a recently issued certificate fails until the clocks agree.",
                     "Check this host's time first (`date -u` against a time source; enable NTP / chrony on the host: "
                     "containers use the host's clock); if it is right, the remote's certificate was issued ahead of "
                     "time and becomes valid at its notBefore.")
    if (m := _TLS_REMOTE.search(text)) is not None:
        said = _VERIFY_RESULT.search(text)
        reason = one_line(said.group("r").rstrip(" ."), 160) if said is not None else m.group(0)
        return Cause("network", "tls.remote", f"the certificate the remote side presented failed verification ({reason})",
                     f"TLS verification failed on the certificate the other end presented: '{reason}'. That is the "
                     "remote's certificate, or something on the path (a hosts entry, DNS, an intercepting proxy) "
                     "answering for that host name.",
                     "Check which certificate the host presents from inside the container (openssl s_client "
                     "-servername <host>) and whether the name resolves to the right address.")
    if _DNS_NONEXISTENT.search(text) and (service := _service_name(text)) is not None:
        # Docker's embedded DNS answers "no such name" for a compose service whose container is not running (or not
        # on this network): a single-label name like `redis` or `db` is a service, not a misspelt public host
        return Cause("network", "dns.service_down", f"the service name '{service}' does not resolve (its container "
                     "is not running or not on this network)",
                     f"'{service}' is a container/service name, resolved by Docker's embedded DNS only while that "
                     "service's container runs on the same network: the container is stopped, restarting or crashed "
                     "(or was started on another network).",
                     f"Check the '{service}' container (docker compose ps / logs {service}) and start it; the client "
                     "reconnects once the name resolves again.")
    if _DNS_NONEXISTENT.search(text):
        return Cause("config", "dns.nonexistent", "the host name does not resolve (no such host)",
                     "The resolver answered that the host name has no address (getaddrinfo EAI_NONAME/EAI_NODATA): "
                     "the URL's host is misspelt, the project/host was deleted, or it is another environment's name. "
                     "It fails every time until the URL setting is changed; no request was sent.",
                     "Check the host in the configured URL against the real one (getent hosts <host> inside the "
                     "container) and fix the setting.")
    if _DNS_TEMPORARY.search(text):
        return Cause("network", "dns.temporary", "DNS resolution failed temporarily",
                     "The resolver did not answer (getaddrinfo EAI_AGAIN, 'Temporary failure in name resolution'): "
                     "the container's DNS or its network is briefly unavailable.",
                     "Retry with backoff; if it lasts, check the container's resolver (/etc/resolv.conf) and network.")
    if _NO_ROUTE.search(text):
        v6 = _IPV6.search(text) is not None
        return Cause("config", "route.none", "the network is unreachable" + (" over IPv6" if v6 else ""),
                     ("The address resolved to an IPv6 address and the container has no IPv6 route" if v6 else
                      "The host has no route to that network at all (ENETUNREACH)")
                     + ": it fails every time until the address (an IPv4 host or pooler endpoint) or the host's "
                     "network configuration changes.",
                     "Use a host name that resolves to an address family the container can route (an IPv4 endpoint "
                     "or pooler), or enable that family in the container's network.")
    return None
