"""The slot-swap benchmark's HELD-OUT half: value kinds from sources other than the tuning half's.

`swap_values.KINDS` (the tuning half, seeds 1-99) was written by the engineer who then fixed the
grouping on it. This list was written in round 8 BEFORE any fix of that round, from three sources
that are not that engineer's idea of a slot value, and it is measured only as a mean (never per item,
per kind or with `--misses`) at the start and at the end of a round, on seeds 100+:

* the real value distributions of the OTHER fields of the shared datasets (`*_structured.csv`
  columns other than `Content`: levels, components, process and node names, times), read at run
  time, so a slot holds what a real system writes in a neighbouring field;
* Python stdlib reprs and names, made by the stdlib itself (`repr(datetime...)`, `Decimal`,
  `PosixPath`, `IPv4Network`, enum members, `http.HTTPStatus` phrases, logging level names,
  `encodings.aliases`, `mimetypes`, `calendar` names, signal names);
* value syntaxes of RFCs and ISO standards (RFC 3339 and RFC 2822 dates, RFC 5322 addresses,
  RFC 6838 media types, RFC 9110 methods, header names and ETags, RFC 5646 language tags,
  RFC 4648 base64/base32, RFC 4632 CIDR, IEEE 802 MACs, SemVer 2.0, RFC 8141 URNs, ISO 8601
  durations, ISO 4217 currencies, ISO 3166 countries, RFC 5424 syslog facilities).

A kind's classes (`swap_values.value_classes`) are computed from samples of it, so a slot is
re-filled only with kinds whose values look like nothing the system wrote there.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import decimal
import encodings.aliases
import enum
import http
import ipaddress
import logging
import mimetypes
import pathlib
import random
import signal
import socket
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

from swap_values import value_classes

_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    # kind -> (dataset, column) pairs whose real values it draws from
    "field_level": (("Apache", "Level"), ("BGL", "Level"), ("HDFS", "Level"), ("Hadoop", "Level"),
                    ("Linux", "Level"), ("Zookeeper", "Level")),
    "field_bgl_label": (("BGL", "Label"), ("BGL", "Component")),
    "field_java_component": (("Hadoop", "Component"), ("Spark", "Component"), ("HDFS", "Component")),
    "field_program": (("Linux", "Component"), ("OpenSSH", "Component")),
    "field_thread": (("Hadoop", "Process"), ("Zookeeper", "Node")),
    "field_node": (("BGL", "Node"),),
    "field_zk_component": (("Zookeeper", "Component"),),
    "field_time": (("Hadoop", "Time"), ("BGL", "Time"), ("Apache", "Time"), ("Linux", "Time")),
    "field_month": (("Linux", "Month"), ("OpenSSH", "Date")),
}


@cache
def _column(data: str, dataset: str, column: str) -> tuple[str, ...]:
    with open(Path(data) / dataset / f"{dataset}_2k.log_structured.csv", newline="", encoding="utf-8") as fh:
        return tuple(sorted({r[column] for r in csv.DictReader(fh) if r[column].strip()}))


def _field(kind: str, data: Path) -> Callable[[random.Random], str]:
    def gen(rng: random.Random) -> str:
        dataset, column = rng.choice(_FIELDS[kind])
        return rng.choice(_column(str(data), dataset, column))
    return gen


def _dt(rng: random.Random) -> datetime.datetime:
    return datetime.datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                             rng.randint(0, 59), rng.choice((0, rng.randint(0, 999_999))))


_ENUM_MEMBERS: tuple[enum.Enum, ...] = (
    tuple(http.HTTPStatus) + tuple(signal.Signals) + tuple(socket.AddressFamily)[:6] + tuple(socket.SocketKind)[:4])
_HTTP_PHRASES = tuple(s.phrase for s in http.HTTPStatus)
_LEVEL_NAMES = tuple(n for n in logging.getLevelNamesMapping() if n != "NOTSET")
_CODECS = tuple(sorted(set(encodings.aliases.aliases.values())))
_MIME = tuple(sorted(set(mimetypes.types_map.values())))
_DAYS = tuple(calendar.day_name) + tuple(calendar.day_abbr)
_MONTHS = tuple(m for m in calendar.month_name if m)
_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")  # RFC 9110 9.3, RFC 5789
_HEADERS = ("Content-Type", "Content-Length", "X-Request-Id", "Accept-Encoding", "If-None-Match", "Retry-After",
            "WWW-Authenticate", "Cache-Control", "X-Forwarded-For", "Idempotency-Key")  # RFC 9110 field names
_LANGS = ("en", "en-US", "de-CH", "zh-Hant-TW", "sr-Latn-RS", "es-419", "fr", "pt-BR")  # RFC 5646 2.1
_CURRENCIES = ("USD", "EUR", "JPY", "GBP", "CHF", "CNY", "BRL", "INR")  # ISO 4217
_COUNTRIES = ("US", "DE", "JP", "BR", "IN", "FR", "GB", "NL", "SE", "ZA")  # ISO 3166-1 alpha-2
_FACILITIES = ("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
               "ftp", "local0", "local7")  # RFC 5424 6.2.1
_B64 = string.ascii_letters + string.digits + "+/"


def _base64(rng: random.Random) -> str:
    n = rng.randint(2, 12) * 3 - rng.choice((0, 1, 2))
    body = "".join(rng.choice(_B64) for _ in range(4 * (n // 3) + (n % 3 and n % 3 + 1)))
    return body + "=" * (-len(body) % 4)


def _base32(rng: random.Random) -> str:
    body = "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(rng.randint(2, 6) * 8 - rng.choice((0, 2, 4))))
    return body + "=" * (-len(body) % 8)


def _rfc3339(rng: random.Random) -> str:
    d = _dt(rng)
    return d.isoformat(timespec=rng.choice(("seconds", "milliseconds"))) + rng.choice(("Z", "+00:00", "-07:00"))


def _semver(rng: random.Random) -> str:
    v = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
    return v + rng.choice(("", "", f"-rc.{rng.randint(1, 5)}", "-alpha", f"+build.{rng.randint(1, 999)}"))


def _email(rng: random.Random) -> str:
    local = rng.choice(("alice", "bob.smith", "ops+alerts", "noreply", "j_doe"))
    return f"{local}@{rng.choice(('example.org', 'mail.example.com', 'corp.internal'))}"


def _urn(rng: random.Random) -> str:
    return rng.choice((f"urn:uuid:{rng.getrandbits(128):032x}", f"urn:isbn:{rng.randint(10**9, 10**10 - 1)}",
                       f"urn:ietf:rfc:{rng.randint(1000, 9999)}"))


def _iso_duration(rng: random.Random) -> str:
    return rng.choice((f"PT{rng.randint(1, 59)}M{rng.randint(0, 59)}S", f"P{rng.randint(1, 30)}D",
                       f"P{rng.randint(1, 9)}DT{rng.randint(1, 23)}H", f"PT{rng.randint(1, 999)}S"))


def _etag(rng: random.Random) -> str:
    return rng.choice(("", "W/")) + '"' + f"{rng.getrandbits(rng.choice((32, 64, 80))):x}" + '"'


def _path_repr(rng: random.Random) -> str:
    parts = [rng.choice(("var", "lib", "app data", "srv", "cache", "My Files", "tmp")) for _ in range(rng.randint(1, 4))]
    return repr(pathlib.PurePosixPath("/", *parts)).replace("PurePosixPath", "PosixPath")


# kind -> generator; `kinds(data)` adds the dataset-field kinds.
_STATIC: dict[str, Callable[[random.Random], str]] = {
    "stdlib_datetime_repr": lambda r: repr(_dt(r)),
    "stdlib_timedelta_repr": lambda r: repr(datetime.timedelta(seconds=r.randint(0, 90_000), milliseconds=r.randint(0, 999))),
    "stdlib_timedelta_str": lambda r: str(datetime.timedelta(seconds=r.randint(0, 200_000), microseconds=r.randint(0, 999_999))),
    "stdlib_decimal_repr": lambda r: repr(decimal.Decimal(r.randint(-99999, 99999)) / decimal.Decimal(10 ** r.randint(0, 4))),
    "stdlib_path_repr": _path_repr,
    "stdlib_bytes_repr": lambda r: repr(bytes(r.getrandbits(8) for _ in range(r.randint(1, 8)))),
    "stdlib_network_repr": lambda r: repr(ipaddress.ip_network(f"{r.randint(1, 223)}.{r.randint(0, 255)}.0.0/16")),
    "stdlib_enum_repr": lambda r: repr(r.choice(_ENUM_MEMBERS)),
    "stdlib_enum_str": lambda r: (lambda m: f"{type(m).__name__}.{m.name}")(r.choice(_ENUM_MEMBERS[len(http.HTTPStatus):])),
    "stdlib_http_phrase": lambda r: r.choice(_HTTP_PHRASES),
    "stdlib_level_name": lambda r: r.choice(_LEVEL_NAMES),
    "stdlib_codec": lambda r: r.choice(_CODECS),
    "stdlib_mime": lambda r: r.choice(_MIME),
    "stdlib_day_month": lambda r: r.choice(_DAYS + _MONTHS),
    "stdlib_dict_repr": lambda r: repr({"id": r.randint(1, 999), r.choice(("name", "state")): r.choice(_FACILITIES)}),
    "stdlib_constant": lambda r: r.choice(("None", "True", "False", "Ellipsis", "NotImplemented")),
    "rfc3339": _rfc3339,
    "rfc2822_date": lambda r: _dt(r).strftime("%a, %d %b %Y %H:%M:%S ") + r.choice(("+0000", "-0500", "GMT")),
    "rfc5322_address": _email,
    "rfc9110_method": lambda r: r.choice(_METHODS),
    "rfc9110_header": lambda r: r.choice(_HEADERS),
    "rfc9110_etag": _etag,
    "rfc5646_language": lambda r: r.choice(_LANGS),
    "rfc4648_base64": _base64,
    "rfc4648_base32": _base32,
    "rfc4632_cidr": lambda r: f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.0/{r.choice((8, 16, 24, 28))}",
    "ieee802_mac": lambda r: ":".join(f"{r.getrandbits(8):02x}" for _ in range(6)),
    "semver": _semver,
    "rfc8141_urn": _urn,
    "iso8601_duration": _iso_duration,
    "iso4217_currency": lambda r: r.choice(_CURRENCIES),
    "iso3166_country": lambda r: r.choice(_COUNTRIES),
    "rfc5424_facility": lambda r: r.choice(_FACILITIES),
}


def kinds(data: Path) -> dict[str, tuple[frozenset[str], Callable[[random.Random], str], bool]]:
    """kind -> (its classes, from 200 samples; generator; whether every sample is one token with no
    bracket or quote, so it may fill a slot glued to text)."""
    gens = dict(_STATIC)
    gens.update({k: _field(k, data) for k in _FIELDS})
    out = {}
    for name, gen in gens.items():
        rng = random.Random(f"classes:{name}")
        samples = [gen(rng) for _ in range(200)]
        classes = frozenset().union(*(value_classes(s) for s in samples))
        single = all(s and not any(c in s for c in " '\"()[]{}<>") for s in samples)
        out[name] = (classes, gen, single)
    return out
