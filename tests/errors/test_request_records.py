"""A request record (one statement logs every finished request with its measures) is one group whatever
its method, target, query and status (errors/access_records.py; the method first: errors/first_slot.py;
the query with its path: masking_rules `path`).

Class, from the formats' sources (cited in access_records.py): eventlet.wsgi's default and OpenStack nova's
`"%(request_line)s" status: %(status_code)s len: %(body_length)s time: %(wall_seconds)`, uWSGI/gunicorn
access formats (uWSGI's default line), Echo's JSON logger, an application filter's
`{} {} completed in {} with status {}`. Generated per seed: the statement's own words, the formats' layout,
methods, paths of random words with or without a query, 1xx-5xx statuses, times and sizes in their units.
Near-miss twins that must stay apart: a failure report without the request's measures (`... failed with
status 429` / `503`), an error code that is no status inside a request record (`code=23505` / `40001`),
a leading ALL-CAPS word that is no method (`GET` / `FAILED`).
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

SEEDS = range(1610, 1613)
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")
STATUSES = ("200", "201", "204", "301", "304", "400", "401", "403", "404", "409", "429", "500", "502", "503")


def _w(r: random.Random, lo: int = 4, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _target(r: random.Random) -> str:
    path = "/" + "/".join(r.choice([_w(r), str(r.randint(1, 99999)), "v" + str(r.randint(1, 3))])
                          for _ in range(r.randint(2, 4)))
    if r.random() < 0.4:
        path += "?" + "&".join(f"{_w(r, 2, 6)}={r.randint(0, 500)}" for _ in range(r.randint(1, 2)))
    return path


def _measure(r: random.Random) -> str:
    return r.choice([f"{r.randint(1, 9000)}ms", f"{r.randint(1, 90)}.{r.randint(0, 999)}s",
                     f"PT{r.randint(1, 59)}.{r.randint(1, 999)}S", f"{r.randint(1, 900)} ms"])


def _layouts(r: random.Random) -> list:
    """Request-record statements of one seed: each a function of the values (method, target, status)."""
    verb, noun = _w(r), _w(r)
    return [
        lambda m, t, s: f'{r.randint(1, 254)}.0.0.{r.randint(1, 254)} "{m} {t} HTTP/1.1" status: {s} '
                        f"len: {r.randint(0, 99999)} time: 0.{r.randint(10**6, 10**7)}",
        lambda m, t, s: f"{m} {t} {verb} in {_measure(r)} with status {s}",
        # uWSGI's default request log line (its logformat docs: `%(method) %(uri)`, `(HTTP/1.1 %d)`).
        lambda m, t, s: f"[pid: {r.randint(2, 9999)}|app: 0|req: {r.randint(1, 99)}/{r.randint(100, 999)}] "
                        f"10.0.{r.randint(0, 9)}.{r.randint(1, 254)} () {{{r.randint(20, 60)} vars in "
                        f"{r.randint(300, 2000)} bytes}} [Mon Dec  7 1{r.randint(0, 9)}:0{r.randint(0, 9)}:11 2026] "
                        f"{m} {t} => generated {r.randint(0, 99999)} bytes in {r.randint(0, 999)} msecs "
                        f"(HTTP/1.1 {s}) {r.randint(2, 9)} headers in {r.randint(80, 400)} bytes "
                        f"({r.randint(1, 4)} switches on core {r.randint(0, 7)})",
        lambda m, t, s: f'{{"{noun}":"{_w(r)}","method":"{m}","uri":"{t}","status":{s},'
                        f'"latency":{r.randint(1, 99999)},"bytes_out":{r.randint(0, 9999)}}}',
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_request_record_is_one_group_whatever_its_target_status_and_leading_method(seed):
    """A method that LEADS the record is a value (first_slot.values_needed); one after a value (the client
    address, a time) is left as it was (word_slots.positional_word: after a value, what was counted), so those
    layouts are one group per method."""
    r = random.Random(seed)
    for k, layout in enumerate(_layouts(r)):
        grouper = MessageGrouper()
        leads = k == 1
        fixed = r.choice(METHODS)
        lines = [layout(r.choice(METHODS) if leads else fixed, _target(r), r.choice(STATUSES)) for _ in range(30)]
        assert len({grouper.fingerprint(x, "app.web", "INFO") for x in lines}) == 1, lines[:6]


@pytest.mark.parametrize("seed", SEEDS)
def test_failure_reports_codes_and_other_capitals_stay_apart(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    words = " ".join(_w(r) for _ in range(3))
    # A failure report names its status and has no measure of the request: 429 and 503 are two errors.
    a, b = r.sample(["409", "429", "500", "503"], 2)
    method, target = r.choice(METHODS), "https://" + _w(r) + ".example.com" + _target(r)
    reports = {grouper.fingerprint(f"{method} {target} {words} with status {s}", "app.client", "ERROR")
               for s in (a, b)}
    assert len(reports) == 2
    # In a request record a code that is no HTTP status (SQLSTATE) still names the failure.
    codes = {grouper.fingerprint(f"{method} {_target(r)} {words} in {_measure(r)} code={c}", "app.web", "ERROR")
             for c in ("23505", "40001")}
    assert len(codes) == 2
    # A leading ALL-CAPS word that is no method is the event (the round-9 guard), even before one tail.
    tail = f"{_target(r)} {words} in {_measure(r)} with status {r.choice(STATUSES)}"
    firsts = {grouper.fingerprint(f"{w} {tail}", "app.jobs", "INFO") for w in ("GET", "FAILED", "QUEUED")}
    assert len(firsts) == 3


_FAILURE_REPORTS = (
    lambda m, t, d, s: f"{m} {t} failed after {d} with status {s}",
    lambda m, t, d, s: f"Retrying {m} {t} in {d} after status {s}",
    lambda m, t, d, s: f"upstream {m} {t} gave up after {d}: status {s}",
)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_failure_report_with_its_elapsed_time_keeps_its_status(seed):
    r = random.Random(seed)
    for report in _FAILURE_REPORTS:
        grouper = MessageGrouper()
        method, target, took = r.choice(METHODS), _target(r), _measure(r)
        a, b = r.sample(["409", "413", "429", "500", "502", "503", "504"], 2)
        got = {grouper.fingerprint(report(method, target, took, s), "app.client", "ERROR") for s in (a, b)}
        assert len(got) == 2, report(method, target, took, a)


_UNITS = ("s", "ms", "us", "ns", "B", "KB", "MiB", "bytes", "m0s", ".5s")  # time.Duration.String(): 5m0s, 1.5s
_QUERY_FIELDS = ("size", "len", "time", "length", "duration", "bytes", "bytes_out", "elapsed", "latency")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_measure_name_inside_the_query_is_no_measure_of_the_request(seed):
    """Review r16: `?size=20` is the request's argument, not its measure - `GET /api/items?size=20 returned
    status 500` and `... 404` are two errors; so is a value with a unit there (`?timeout=30s`, `?wait=500ms`:
    client-go's timeout query, round 17). Twin: a real record with ` 12ms` / `len: 512` after the query
    still masks its status."""
    r = random.Random(seed)
    for _ in range(4):
        grouper = MessageGrouper()
        method, path = r.choice(METHODS), "/" + "/".join(_w(r) for _ in range(r.randint(1, 3)))
        fields = [r.choice((f"{r.choice(_QUERY_FIELDS)}={r.randint(1, 500)}",
                            f"{_w(r, 3, 8)}={r.randint(1, 500)}{r.choice(_UNITS)}"))] + [
            f"{_w(r, 2, 6)}={r.randint(0, 99)}" for _ in range(r.randint(0, 2))]
        r.shuffle(fields)
        target, words = path + "?" + "&".join(fields), " ".join(_w(r) for _ in range(r.randint(1, 2)))
        a, b = r.sample(["400", "404", "409", "429", "500", "503"], 2)
        apart = {grouper.fingerprint(f"{method} {target} {words} status {s}", "app.web", "ERROR") for s in (a, b)}
        assert len(apart) == 2, (target, words)
        measure = r.choice([f"in {r.randint(1, 900)}ms", f"len: {r.randint(1, 9999)}"])
        one = {grouper.fingerprint(f"{method} {target} {words} status {s} {measure}", "app.web", "INFO")
               for s in (a, b)}
        assert len(one) == 1, (target, words, measure)
