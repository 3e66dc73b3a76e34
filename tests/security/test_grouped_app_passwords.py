"""Round 18 finding: `token: <lowercase hyphen groups>` before prose was kept - the prose reading of `NAME: text` took
four dash-joined lowercase groups for words joined by a dash. Generated app passwords are printed in exactly that
grammar to be typed (Apple app-specific passwords `xxxx-xxxx-xxxx-xxxx`, Bluesky app passwords; CLASSES19 A145/A148):
four or more groups of exactly four lowercase letters or digits. Before the fix 'token: wxyz-qrst-uvab-cdef retrying'
was kept (this test: 40/40 plantings failed). Twins: dash-joined words of other lengths stay prose."""

from __future__ import annotations

import json
import random
import string

from sidecar.redaction import redact

_NAMES = ("token", "Token", "password", "app password", "Password", "secret", "api token", "auth token")
_AFTER = ("retrying", "for apple id", "rejected by the server", "(expired)", "was revoked", "- see docs")


def _grouped(r: random.Random) -> str:
    alphabet = r.choice((string.ascii_lowercase, string.ascii_lowercase + string.digits))
    return "-".join("".join(r.choice(alphabet) for _ in range(4)) for _ in range(r.choice((4, 4, 5, 6))))


def test_grouped_app_password_before_prose_goes() -> None:
    leaks = []
    for seed in range(40):
        r = random.Random(seed)
        v = _grouped(r)
        line = f"{r.choice(_NAMES)}{r.choice((': ', ' ', ' is '))}{v} {r.choice(_AFTER)}"
        text = line if r.random() < 0.5 else json.dumps({"msg": line})
        if v in redact(text):
            leaks.append(text)
    assert not leaks, leaks[:3]


def test_dashed_words_in_prose_stay() -> None:
    for text, kept in (("token: read-only mode enabled", "read-only"),
                       ("token: gateway-prod-eu-west retrying", "gateway-prod-eu-west"),
                       ("key: north-east-west-side of the map", "north-east-west-side"),
                       ("token: non-renewable-batch-scope issued", "non-renewable-batch-scope")):
        assert kept in redact(text), text


# Round 20 (grouped.py): the class from the vendors' documented formats. Google's (and Yahoo's) app passwords are four
# SPACE-joined groups of four lowercase letters; English 4-letter words joined by dashes after a prose name are words.
# A hand list of common English words (not the BIP-39 list the reader is built from).
_ENGLISH4 = ("with", "spec", "name", "list", "make", "sure", "test", "file", "have", "been", "from", "this", "that",
             "type", "data", "line", "path", "time", "used", "case", "call", "like", "into", "each", "also", "must",
             "here", "same", "need", "then", "some", "just", "than", "more", "does", "read", "only", "mode", "flag",
             "gate", "door", "code", "lock", "user", "sign", "open", "next", "last", "back", "over", "real", "text",
             "page", "word", "work", "good", "fast", "slow", "cold", "warm", "blue", "dark", "load", "save", "send",
             "keep", "drop", "sent", "runs", "jobs", "logs", "tags", "ends", "when", "will", "what", "your", "they")
_PROSE_NAMES = ("token", "api token", "auth token", "key", "access token")  # (a password-class name, `secret:`
# or `password:`, takes a lone word as its value: values.PASSWORDS)
_LOG = ("{}", "2026-12-07 10:11:12,345 WARNING agent.mail: {}")


def _shaped(r: random.Random, line: str) -> str:
    k = r.randrange(3)
    return r.choice(_LOG).format(line) if k < 2 else json.dumps({"msg": line})


def test_english_dashed_words_after_prose_names_stay() -> None:
    lost = []
    for seed in range(160):
        r = random.Random(f"eng-{seed}")
        v = "-".join(r.choice(_ENGLISH4) for _ in range(r.choice((4, 4, 5))))
        text = _shaped(r, f"{r.choice(_PROSE_NAMES)}{r.choice((': ', ' ', ' is '))}{v} {r.choice(_AFTER)}")
        if v not in redact(text):
            lost.append(text)
    assert not lost, lost[:3]


_GOOGLE_NAMES = ("app password", "App password", "GMAIL_APP_PASSWORD", "smtp_password", "password", "SMTP password",
                 "EMAIL_HOST_PASSWORD", "google app password", "imap.password", "secret")


def test_google_spaced_app_password_goes_whole() -> None:
    leaks = []
    for seed in range(160):
        r = random.Random(f"google-{seed}")
        groups = ["".join(r.choice(string.ascii_lowercase) for _ in range(4)) for _ in range(4)]
        v = " ".join(groups)
        name = r.choice(_GOOGLE_NAMES)
        sep = r.choice((": ", "=", " is ", " ", ' = "')) if " " not in name else r.choice((": ", " is ", " "))
        close = '"' if sep.endswith('"') else ""
        text = _shaped(r, f"{name}{sep}{v}{close} {r.choice(_AFTER)}")
        out = redact(text)
        if any(g in out for g in groups[1:]) or groups[0] in out.replace("[REDACTED", ""):
            leaks.append((text, out))
    assert not leaks, leaks[:3]


def test_undocumented_joiners_and_english_spaced_words_stay() -> None:
    """No vendor joins the groups with `_` or `.` or groups five letters (grouped.py): the prose reading stands; four
    English words after a password name are a sentence."""
    for text, kept in (("token: wxyz_qrst_uvab_cdef retrying", "wxyz_qrst_uvab_cdef"),
                       ("token: wxyz.qrst.uvab.cdef retrying", "wxyz.qrst.uvab.cdef"),
                       ("token: wxyzq-qrstu-uvabx-cdefg retrying", "wxyzq-qrstu-uvabx-cdefg"),
                       ("password: must have been sent twice", "must have been sent"),
                       ("the app password will keep your mail safe", "will keep your mail"),
                       ("token is only used when the page loads", "only used when")):
        assert kept in redact(text), text


# Round 20 siblings (grouped.py): the spaced groups QUOTED as a command-line flag's value, and in CAPITALS. Before this
# change both tests below failed on every planting (the flag form: the space branch took no quote; capitals: the
# pattern read lowercase only).
_FLAGS = ("--password", "--app-password", "--smtp-password", "--smtp-pass", "--imap-pass", "--mail-pwd", "--secret",
          "--app_password", "-password")
_COMMANDS = ("+ smtp-cli", "$ msmtp-setup", "exec: /usr/local/bin/mailsync", "subprocess.CalledProcessError: Command",
             "running: python send_report.py")


def test_spaced_app_password_as_quoted_flag_value_goes() -> None:
    leaks = []
    for seed in range(160):
        r = random.Random(f"flag-{seed}")
        groups = ["".join(r.choice(string.ascii_lowercase) for _ in range(4)) for _ in range(4)]
        q = r.choice(("'", '"'))
        line = (f"{r.choice(_COMMANDS)} {r.choice(('--to ops@example.com ', ''))}{r.choice(_FLAGS)}"
                f"{r.choice((' ', '='))}{q}{' '.join(groups)}{q} {r.choice(('--tls', '-v', 'returned 1', ''))}")
        out = redact(_shaped(r, line))
        if any(g in out for g in groups):
            leaks.append((line, out))
    assert not leaks, leaks[:3]


def test_spaced_app_password_in_capitals_goes() -> None:
    leaks = []
    for seed in range(160):
        r = random.Random(f"caps-{seed}")
        groups = ["".join(r.choice(string.ascii_uppercase) for _ in range(4)) for _ in range(4)]
        name = r.choice(_GOOGLE_NAMES + ("APP PASSWORD", "--password"))
        sep = r.choice((": ", " is ", " ")) if " " in name else r.choice((": ", "=", " ", " '"))
        close = "'" if sep.endswith("'") else ""
        text = _shaped(r, f"{name}{sep}{' '.join(groups)}{close} {r.choice(_AFTER)}")
        out = redact(text)
        if any(g in out for g in groups[1:]) or groups[0] in out.replace("[REDACTED", ""):
            leaks.append((text, out))
    assert not leaks, leaks[:3]


def test_english_words_in_capitals_or_quoted_after_password_names_stay() -> None:
    lost = []
    for seed in range(160):
        r = random.Random(f"eng-caps-{seed}")
        words = [r.choice(_ENGLISH4) for _ in range(4)]
        v = " ".join(words).upper() if r.random() < 0.5 else " ".join(words)
        text = _shaped(r, f"{r.choice(_PROSE_NAMES)}{r.choice((': ', ' ', ' is '))}"
                          f"{r.choice(('', chr(39)))}{v} {r.choice(_AFTER)}")
        if v not in redact(text):
            lost.append(text)
    assert not lost, lost[:3]
