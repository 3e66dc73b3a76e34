"""A call site shown to print an errno text after its last `: ` takes ANY tail there: the value of `: %s`.

Class (GROUPING_CLASSES S12, second half; GROUPING_CLASSES3 S32 / V4): `"...: %s"` filled with
`strerror(r)` at one time and with another library's message at another (`sqlite3_errmsg`, `gai_strerror`,
an OpenSSL reason, a wrapped Go error, `timeout after N seconds`), of any length, after the last `: `.
Which tails are values cannot be told from the tail's own words: Loghub's labels keep constant tails
after a colon as events (OpenSSH `Received disconnect from <*>: <*>: Bye Bye`, Hadoop `Diagnostics report
from <*>: Container killed ...`; measured in round 11: making every tail after the last `: ` a value costs
OpenSSH 0.999 -> 0.472 and HDFS 0.998 -> 0.828 on the shared 8). The evidence is the call site's own:
once a message of the logger held an errno text (`errno_texts.py`, one token) right after a prefix
ending in `:`, that prefix is a `%m` / `: %s` call site, and a message with the same prefix and any
other tail joins its template (whose last token becomes `<*>`).

Twin kept: a tail that STARTS with an errno text and goes on (`...: Permission denied, retrying in 5s`,
`...: Broken pipe again`): a longer clause or a constant suffix is another format string
(GROUPING_CLASSES2 T12, GROUPING_CLASSES T5).

Restarts and replicas: the evidence is kept in memory (templates by prefix). A stored template's text
shows `<*>` where the errno text was, so after a restart the evidence comes back with the call site's
next errno text (which joins the template by the same-count comparison); until then another tail
starts a group of its own. Ids never change: a joined form is stored as a merge like any other.
"""

from __future__ import annotations

from .errno_texts import ERRNO_TEXTS, is_errno_token
from .masking_rules import PLACEHOLDER
from .template_model import Template

__all__ = ["TailIndex"]

MAX_PREFIXES = 50_000  # bounded like the learner's templates (`max_total`)
_COLONS_TRIED = 3  # a nested message may hold `: ` itself (`SSL handshake failed: certificate expired`)


def _literal_words(tokens: list[str]) -> int:
    return sum(1 for t in tokens if PLACEHOLDER not in t and any(c.isalpha() for c in t))


def _errno_then_more(tail: list[str]) -> bool:
    """Whether a tail of several tokens STARTS with an errno text and goes on (`Permission denied, retrying
    in <*>`, `No route to host again`, `Broken pipe [preauth]`): the errno text is the value and what
    follows is constant text of ANOTHER format string (GROUPING_CLASSES2 T12 a longer clause, T5 a suffix)."""
    if len(tail) < 2:
        return False
    words = " ".join(tail[:8]).split(" ")
    return any(" ".join(words[:k]).rstrip(",.;:").lower() in ERRNO_TEXTS for k in range(1, min(len(words), 8)))


class TailIndex:
    """Templates of `%m` / `: %s` call sites by (logger and level, tokens before the tail)."""

    def __init__(self) -> None:
        self._by_prefix: dict[str, Template] = {}

    def note(self, head: str, tpl: Template, tokens: list[str]) -> None:
        """A message (`tokens`) created or joined `tpl`: when it ends in `<prefix ending in ':'> <errno
        text>`, file the template under its prefix and the message's (`head`: logger and level)."""
        n = len(tokens)
        if n < 3 or n != len(tpl.tokens) or not tokens[-2].endswith(":") or not is_errno_token(tokens[-1]):
            return
        if _literal_words(tokens[:-1]) < 2 or len(self._by_prefix) >= MAX_PREFIXES:
            return
        self._by_prefix.setdefault(head + "\x1e" + " ".join(tokens[:-1]), tpl)
        self._by_prefix.setdefault(head + "\x1e" + " ".join(tpl.tokens[:-1]), tpl)

    def find(self, head: str, tokens: list[str], alive: dict[str, Template]) -> Template | None:
        """The template of a `%m` call site whose prefix this message repeats, its tail being any other
        text (not an errno text going on after a comma); `alive`: the learner's templates by id."""
        tried = 0
        for j in range(len(tokens) - 2, 0, -1):
            if not tokens[j].endswith(":"):
                continue
            tried += 1
            if tried > _COLONS_TRIED:
                return None
            tpl = self._by_prefix.get(head + "\x1e" + " ".join(tokens[:j + 1]))
            if tpl is None or alive.get(tpl.fingerprint) is not tpl:
                continue
            if _errno_then_more(tokens[j + 1:]):
                return None
            return tpl
        return None
