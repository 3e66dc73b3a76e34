"""Prometheus text / OpenMetrics bodies -> (sample name, labels, value), keeping only wanted families.

prometheus-client's parsers are pure Python and slow (tens of microseconds a line), and a gateway
exposes far more than the gates need, so the lines of unwanted families are dropped BEFORE
parsing. A family is kept with all its lines: `# HELP`/`# TYPE`/`# UNIT` and the samples named
`<family>`, `<family>_total`, `_created`, `_bucket`, `_sum`, `_count`, `_gcount`, `_gsum`, `_info`
(the configured name may be given with or without such a suffix: `mcp_api_calls_total` and
`mcp_api_calls` select the same family).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

from .errors import ParseError
from .series import Labels, labels_key

OPENMETRICS_TYPE = "application/openmetrics-text"
# Ask for the classic text format first (its parser is the faster and the more lenient one);
# accept OpenMetrics when that is all the target speaks.
ACCEPT = "text/plain;version=0.0.4;q=1.0,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1"

SUFFIXES = ("_total", "_created", "_bucket", "_sum", "_count", "_gcount", "_gsum", "_info")

_VALID_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_QUOTED_NAME = re.compile(r'\{\s*"((?:[^"\\]|\\.)*)"')
MAX_CACHED_NAMES = 10_000


def line_name(line: str) -> str:
    """The raw first token of a sample line, or the name after `# HELP/TYPE/UNIT`.

    Plain string operations, not a regex: this runs on every line of every scrape and is most
    of the cost of a filtered scrape. A quoted (UTF-8) name comes back with its quotes.
    """
    if line[0] == "#":
        parts = line.split(None, 3)
        return parts[2] if len(parts) > 2 else ""
    if line[0] == "{":
        m = _QUOTED_NAME.match(line)
        return f'"{m.group(1)}"' if m else ""
    brace = line.find("{")
    space = line.find(" ")
    end = brace if brace >= 0 and (space < 0 or brace < space) else space
    return line[:end] if end >= 0 else line


def base_name(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class FamilyFilter:
    """The set of exact line names that belong to the wanted families."""

    def __init__(self, families: Iterable[str]) -> None:
        bases: set[str] = set()
        for fam in families:
            bases.add(fam)
            bases.add(base_name(fam))
        self.families = frozenset(bases)
        self.names = frozenset(b + s for b in bases for s in ("", *SUFFIXES))
        self._verdicts: dict[str, bool] = {}

    def keep_line(self, line: str) -> bool:
        """Whether the line belongs to a wanted family. Raises `ParseError` when the line does not
        start with a valid metric name: the filter must not turn a garbage body (HTML, binary) into
        an "empty but successful" scrape just because it never parses the lines it drops. Verdicts
        are cached per distinct token (a family repeats its name on every line)."""
        token = line_name(line)
        keep = self._verdicts.get(token)
        if keep is None:
            name = token[1:-1] if len(token) >= 2 and token[0] == '"' == token[-1] else token
            if name == token and not _VALID_NAME.fullmatch(name):
                raise ParseError(f"not an exposition line: {line[:80]!r}")
            keep = name in self.names
            if len(self._verdicts) < MAX_CACHED_NAMES:
                self._verdicts[token] = keep
        return keep


def filter_lines(text: str, flt: FamilyFilter | None, openmetrics: bool) -> str:
    """Drop blank lines, plain comments and (with a filter) the lines of unwanted families.

    `# EOF` is kept for OpenMetrics (its parser requires it as the last line).
    """
    out: list[str] = []
    for line in text.splitlines():
        if not line or line.isspace():
            continue
        if line[0] == "#":
            if line.startswith("# EOF"):
                if openmetrics:
                    out.append(line)
                continue
            head = line[1:].lstrip()[:5]
            if not head.startswith(("HELP", "TYPE", "UNIT")):
                continue
        if flt is None or flt.keep_line(line):
            out.append(line)
    out.append("")
    return "\n".join(out)


def is_openmetrics(content_type: str | None) -> bool:
    return content_type is not None and OPENMETRICS_TYPE in content_type.lower()


def parse_exposition(text: str, *, openmetrics: bool = False,
                     flt: FamilyFilter | None = None) -> list[tuple[str, Labels, float]]:
    """Parse a body into (sample name, sorted labels, value), dropping `_created` samples (start
    timestamps, not values) and samples of unwanted families. Raises `ParseError`."""
    body = filter_lines(text, flt, openmetrics)
    parser = parse_openmetrics if openmetrics else parse_prometheus
    out: list[tuple[str, Labels, float]] = []
    try:
        for family in parser(body):
            for sample in family.samples:
                name = sample.name
                if name.endswith("_created"):
                    continue
                if flt is not None and name not in flt.names:
                    continue
                out.append((name, labels_key(sample.labels), float(sample.value)))
    except Exception as exc:  # the parsers raise ValueError, IndexError, TypeError on bad input
        raise ParseError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    return out
