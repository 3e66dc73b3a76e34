"""URL userinfo on attacker-shaped lines (round 18 finding): the password rule reads a line about once.

Class: a log line is attacker-controlled and capped at 256 KiB-1 MiB, so any run of `//<user>:` (with or without `@`
that is not followed by a host) must not make one attempt per `//` read to the line's end. Before round 18 the lazy
password `[^\\s'"<>]+?` did exactly that: `("//a:"*5+"@")*k` took 1.3 s at 16 KB, a 1 MiB line hours (pytest's 120 s
timeout fails these tests). Timing itself is bench/redaction_adversarial.py's (a ratio to a benign line); here only what
a user checks: the junk is returned as written, and a real userinfo after it is still redacted. Twins: a password
holding `@` or `/` is still redacted whole; a URL with a port or a path keeps everything.
"""

from __future__ import annotations

import pytest

from sidecar.redaction import redact

MIB = 1 << 20


def _fill(unit: str, size: int = MIB) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# shapes of the class: `//a:` runs with no `@`, with `@` before another `//` (no host), `@` before a blank-free
# non-host, a `a.a.` run before `//` (a scheme read from every word start), and a `://` per unit
ADVERSARIAL = {
    "finding": "//a:" * 5 + "@",
    "slashes_colon": "//a:",
    "at_no_host": "//a:b@",
    "at_then_slash": "//u:p@/",
    "scheme_run": "a.",
    "double_colon": "x://:",
}
SECRET = "https://svc:Zq8vN3kR7tW2pL5x@db.internal:5432/app"


@pytest.mark.parametrize("shape", sorted(ADVERSARIAL))
def test_a_mib_of_adversarial_userinfo_is_kept_and_a_secret_after_it_goes(shape: str) -> None:
    junk = _fill(ADVERSARIAL[shape])
    out = redact(junk + " " + SECRET)
    assert out.startswith(junk + " ")  # nothing in the junk is a password (no `@` followed by a host)
    assert "Zq8vN3kR7tW2pL5x" not in out
    assert out.endswith("https://svc:[REDACTED:password]@db.internal:5432/app")


# (an `@` the password holds is one not followed by a host: the first `@<host>` ends it, as before)
@pytest.mark.parametrize("pw", ["Ab3/w0rd@!x9", "Ab3//xyz+q9@k", "a@!b@~c/d7Kq"])
def test_a_password_holding_at_or_slash_still_goes_whole(pw: str) -> None:
    out = redact(f"connect postgres://app:{pw}@pg.internal:5432/db failed")
    assert out == "connect postgres://app:[REDACTED:password]@pg.internal:5432/db failed"


def test_a_long_password_goes_whole() -> None:
    pw = _fill("Kq7sN2vR9xYb3mT8/", 200_000)  # (a bound like `{1,1024}` let a long one through)
    out = redact(f"redis://:{pw}@cache:6379/0")
    assert out == "redis://:[REDACTED:password]@cache:6379/0"


def test_a_userinfo_inside_a_password_is_the_next_url() -> None:
    """A password cannot hold the start of another userinfo (`//<user>:`): two URLs side by side are two."""
    out = redact("a://u:Zq8vN3kR7t@h1/ b://v:Wp4xM9cL2s@h2/")
    assert out == "a://u:[REDACTED:password]@h1/ b://v:[REDACTED:password]@h2/"


@pytest.mark.parametrize("line", [
    _fill("https://example.com:8080/a/b?x=1 "),  # twin: a port and a path, no userinfo
    _fill("see //docs:section@ "),  # twin: `@` followed by a blank, no host
    _fill("x://a/b:c@ "),  # twin: a `/` in the user: no userinfo
])
def test_urls_without_userinfo_are_kept(line: str) -> None:
    assert redact(line) == line
