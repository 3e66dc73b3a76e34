"""A command line printed after a word that announces it: the whole argument vector is ONE value.

Class (GROUPING_MISSES_R18 M3), from the printers' own format strings: a library that runs or sends a command
prints its argument vector joined by blanks (`" ".join(args)`, `shlex.join`, pip's `format_command_args`,
redis-py's `command_text(args)`) into a statement whose words announce the slot:
* pip `utils/subprocess.py`: `Running command %s`, `Error %s while executing command %s`;
* redis-py `cluster.py`: `{Error} received for command {args}, on node {name}`, `Invalid args in command: {args}`,
  `No targets were found to execute {args} command on`, `Command {name} not found in commands`;
* distutils `spawn.py` / `bdist_rpm.py`: `command {!r} failed with exit code {}`, `Failed to execute: %s`.
The vector's length varies with the call (`git fetch --depth 1`, `gcc -c /src/a.c -o /tmp/a.o`), so the same
statement printed 2-, 4- and 7-token commands, each count its own group, and the online learner (which compares
equal token counts, or one stretch of values across counts: spans.py) cannot join a stretch of plain words.

* CPython `subprocess.py`: `Command '%s' returned non-zero exit status %d.`, `Command '%s' died with %r.`,
  `Command '%s' timed out after %s seconds` - `%s` of `self.cmd`, a shell string or an argument LIST's repr
  (`Command '['ls']' ...`, `Command '['git', 'fetch', 'origin']' ...`);
* logfmt / key=value lines (go-logfmt, logfmter, Go's `cmd=%s`): the value glued to its key, `cmd=/bin/ls -la`,
  or in the writer's quotes, `command="git fetch origin main"`.

The rule: after an ANCHOR - the word `command` / `cmd` / `subcommand` or `execute` / `executing` / `exec`
(optionally `command line` or `... command`, then an optional `:` and a blank, or `=` with or without one;
round 19: `cmd=/bin/ls -la` was missed) - a Python list repr (bare or inside its printer's quotes) is one value
whatever its length; a quoted whole (`'...'`, `"..."`) that opens with a program is one value inside its
quotes (the quotes, not the arguments' forms, delimit it: `command="git status"`); else a run of shell tokens (bare or
shlex-quoted) up to the statement's own delimiter (`,` / `;` then a blank, or the end) is a command line when it
holds, after its first token, an OPTION (`-x`, `--name`, `--name=value`), a PATH (`/a/b`, `./a`, `~/a`) or a
shlex-quoted argument (`'a b'`: `shlex.quote` quotes only what holds a blank or a metacharacter); then
the tokens from its first to its last option or path (and the one argument right after a last `--option`,
or up to three positional words before the statement's own text, a function word, verdict or `key=` field)
become one `<*>`. What comes after stays the statement's text (`not found in commands`, `command on`).

Twins kept (tests/errors/test_command_lines.py): a plain-word phrase after the anchor (`Unknown command: help`,
`command failed with exit code 2` - no option nor path: the words may name the failure, so they stay to the
learner), an option named outside any anchor (`Use --force-reinstall to force`), a phrase whose first word is
no program (`command line option --foo is deprecated`, `execute on /srv/x`: a function word or the noun
`line`/`name`/`option` is the statement's; `executing request: <value>`: a word ending in `:` keys its own value), the anchor inside a longer word (`recommend --x`), and the words
after the command (two statements that differ there stay two). Re-reader r18 D1: the statement's verdict is
never an argument - a failure word (`token_forms.names_failure`) ends the run (`Exec format error /usr/bin/foo`
is no command), a verb form or outcome word after the command stays (`cmd: git push -f crashed` /
`succeeded`), and a `:` glued to the last argument ends the command (`failed to exec runc init
/proc/self/exe: no such file`, Go's `%s: %v`). The cost: a positional argument that is a verb form
(`git checkout testing`) stays text; a shell string that holds quotes inside the printer's own `'%s'`
(`Command 'pip install 'a b'' returned ...`) has no closing quote of its own and stays as masking leaves it.

Why it holds across restarts and replicas: a pure function of the message text, applied before learning.
"""

from __future__ import annotations

import re

from .masking_rules import PLACEHOLDER
from .to_phrases import VERB_FORM
from .token_forms import names_failure

__all__ = ["mask_command_lines", "may_hold_command", "ANCHOR_AT_EDGE"]

# The anchor, at a word start; `subcommand` too (redis-py `Subcommand {} not found in command {}`).
_ANCHOR = re.compile(
    r"(?<![\w-])(?:(?:[Ee]xecut(?:e|ing)|[Ee]xec)(?: (?:the )?command)?|(?:[Ss]ub)?[Cc]ommand(?: line)?|[Cc]md)"
    r"(?::? +|= *)")  # `cmd: x`, `command x`, and a key's value glued to its `=` (logfmt `cmd=/bin/ls -la`)
# The anchor word as `_ANCHOR` reads it - at a word start, then its `:` / blank / `=` - on the RAW text, for
# legacy_forms.may_differ (not `recommend`, `xexec`, `Executor`, `command5`): masking creates no anchor there (a
# digit token swallows the letters glued after it, so the character before an anchor is the raw one; masking's
# segments between keep spans start after a span's own last character, never inside a word), except that dot
# leaders make `command...x` `command ... x`: hence `.` after it too.
ANCHOR_AT_EDGE = re.compile(r"(?<![\w-])(?:[Ee]xec(?:ute|uting)?|(?:[Ss]ub)?[Cc]ommand|[Cc]md)[:= .]")
_ANCHOR_WORD = re.compile(r"(?:[Ee]xecut(?:e|ing)|[Ee]xec|(?:[Ss]ub)?[Cc]ommands?|[Cc]md)[:=]?")
# A Python list repr (`subprocess`'s `Command '%s' returned non-zero exit status %d.` of an argument list, a
# `cmd=%r` of one): its items are quoted strings, bytes or path reprs (`PosixPath('/usr/bin/git')`), joined by `, `.
_REPR_ITEM = r"""(?:[bB]?'[^'\n]*'|[bB]?"[^"\n]*"|\w+\((?:'[^'\n]*'|"[^"\n]*")\))"""
_LIST_REPR = re.compile(r"\[" + _REPR_ITEM + r"(?:, " + _REPR_ITEM + r")*\]")
# One shell token: bare characters, or a shlex-quoted piece glued to them ('a b', "a b"); a `,`/`;` inside
# a token (`--only=a,b`) when no blank follows it.
_TOKEN = re.compile(r"""(?:'[^']*'|"[^"]*"|[,;](?=[^\s,;])|[^\s'",;])+""")
_OPTION = re.compile(r"--?[A-Za-z][\w.-]*(?:=.*)?")
_PATH = re.compile(r"(?:\.{1,2}|~)?/[^\s]*|'(?:\.{1,2}|~)?/[^']*'")
# A first word that is no program: the statement's own words (a function word, or the nouns of
# `command line option ...`, `command name ...`).
_NOT_A_PROGRAM = frozenset({
    "a", "an", "the", "on", "in", "at", "to", "for", "from", "with", "of", "by", "is", "was", "not", "and",
    "or", "failed", "line", "name", "option", "options", "argument", "arguments", "are", "be", "been", "has",
    "have", "had", "did", "does", "do", "as", "but", "if", "when", "while", "after", "before", "into", "via",
})


def may_hold_command(t: str) -> bool:
    """Cheap gate: an anchor word and an option dash or a slash somewhere."""
    return ("ommand" in t or "xec" in t or "md" in t) and ("-" in t or "/" in t or "'" in t or '"' in t)


def _is_arg(tok: str) -> bool:
    # an option, a path, or a shlex-quoted argument (`shlex.quote` quotes only what holds a blank or a shell
    # metacharacter: a quoted piece among a vector's tokens is an argument the caller passed)
    return (_OPTION.fullmatch(tok) is not None or _PATH.fullmatch(tok) is not None
            or (tok[:1] in "'\"" and not tok[1:-1].isidentifier()))


def _command_end(t: str, start: int) -> int:
    """The end of the command line starting at `start`, or `start` when none starts there."""
    if t[start:start + 1] == "[" or t[start + 1:start + 2] == "[":
        # a whole list repr, bare or inside its printer's quotes (`Command '['ls']' returned ...`), is ONE value:
        # the vector with one item and with five are one statement
        quote = t[start] if t[start] in "'\"" else ""
        m = _LIST_REPR.match(t, start + len(quote))
        if m is not None and t[m.end():m.end() + len(quote)] == quote:
            return m.end() + len(quote)
    tokens: list[str] = []
    ends: list[int] = []
    pos = start
    # Whether the run met the statement's delimiter (`,` / `;`, a token's closing `:`), another anchor word or
    # the text's end. At the end, a statement may print its own verdict after the command (`cmd: git push -f
    # crashed`): `_is_word_arg` refuses such words (event and outcome words), so they stay the statement's.
    closed = False
    while True:
        m = _TOKEN.match(t, pos)
        if m is None:
            closed = pos >= len(t) or t[pos] in ",;"
            break
        tok = m.group()
        if _ANCHOR_WORD.fullmatch(tok) is not None:
            closed = True
            break  # another anchor: the next command line's (`Subcommand {} not found in command {}`)
        if tokens and _WORD_ARG.fullmatch(tok) is not None and names_failure(tok):
            closed = True  # a failure word is the statement's text again, never an argument (`Exec format
            break  # error /usr/bin/foo`: no command; `cmd: git push origin main aborted`: ends before it)
        if tokens and tok.endswith(":") and len(tok) > 1:
            # the statement's own `:` glued to the last argument (`failed to exec runc init /proc/self/exe:
            # no such file`, Go's `%s: %v`): the command ends before it, what follows is the statement's
            tokens.append(tok[:-1])
            ends.append(m.end() - 1)
            closed = True
            break
        tokens.append(tok)
        ends.append(m.end())
        pos = m.end()
        if pos < len(t) and t[pos] != " ":
            closed = t[pos] in ",;"
            break  # a delimiter (`,` / `;` / `)` ...): the statement goes on
        while pos < len(t) and t[pos] == " ":
            pos += 1
    if not tokens:
        return start
    first = tokens[0]
    if first[:1] in "'\"" and len(first) > 1 and first[-1] == first[0]:
        # a quoted whole (distutils `command {!r} failed`, subprocess `Command '%s' returned ...` of a shell
        # string, logfmt `command="git fetch origin main"`): the quotes delimit the value, so what is inside is
        # masked whole, inside its quotes, when it opens with a program (not `command "not found"`) - with no
        # option or path needed: the printer's quotes, not the arguments' forms, say where it ends
        inner = _TOKEN.findall(first[1:-1])
        return ends[0] if inner and _is_program(inner[0]) else start
    if not _is_command(tokens):
        return start
    last = max(i for i, tok in enumerate(tokens) if i > 0 and _is_arg(tok))
    rest = tokens[last + 1:]
    words = next((i for i, tok in enumerate(rest) if not _is_word_arg(tok)), len(rest))
    if words <= _TRAILING_WORDS and ((words == len(rest) and closed)
                                     or (words < len(rest) and (rest[words].lower() in _NOT_A_PROGRAM
                                                                or _is_event_word(rest[words])
                                                                or _PAIR.match(rest[words]) is not None))):
        # positional arguments up to where the statement's own text starts again: its delimiter, the
        # text's end, another anchor word, a function word (`... origin main not found in commands`), its
        # verdict (`... origin main crashed`) or its next field (logfmt `cmd=... main exit=2`)
        return ends[last + words]
    if rest and tokens[last].startswith("-") and "=" not in tokens[last] and _is_word_arg(rest[0]):
        last += 1  # the argument of a last `--option`
    return ends[last]


# The most bare words a command line ends in that are taken as its positional arguments (`git fetch --depth
# <*> origin main`); a longer run of words before the delimiter reads as the statement's own clause.
_TRAILING_WORDS = 3
_WORD_ARG = re.compile(r"[\w.+@:-]+")
_PAIR = re.compile(r"[A-Za-z_][\w.-]*=")  # a key=value field of the statement (logfmt), never an argument
# The verdicts a statement prints after the command it ran (`... ok`, `... done`) that are no verb form
# (`to_phrases.VERB_FORM`: `passed`, `killed`, `crashed`, `succeeded`) nor failure word (`names_failure`).
_OUTCOME_WORDS = frozenset({"ok", "done", "success", "successful", "successfully", "fine", "complete"})


def _is_event_word(tok: str) -> bool:
    """A failure word, a verb form or an outcome word: it names what happened to the command (`... -f crashed`
    and `... -f succeeded` are two statements), so it is never an argument."""
    return names_failure(tok) or VERB_FORM.search(tok) is not None or tok.lower() in _OUTCOME_WORDS


def _is_word_arg(tok: str) -> bool:
    """A bare word that may be a positional argument: not a function word, not an event word."""
    return (_WORD_ARG.fullmatch(tok) is not None and tok.lower() not in _NOT_A_PROGRAM and "<*>" not in tok
            and not _is_event_word(tok))


def _is_program(tok: str) -> bool:
    """A token that may name the program a command line runs: a path, or a bare word that is neither a function
    word nor an event word (`failed`, `error`, `done`), nor a key announcing its own value (`request:`); or one
    masking made a value (`python3`, `gcc-12`: `<*>`)."""
    return (_PATH.fullmatch(tok) is not None or "<*>" in tok
            or (_is_word_arg(tok) and not tok.endswith(":")))


def _is_command(tokens: list[str]) -> bool:
    """A program first (no function word), then at least one option, path or quoted argument."""
    # a first token ending in `:` is a key announcing its own value (`got error executing request: <err>`)
    return (len(tokens) >= 2 and tokens[0].lower() not in _NOT_A_PROGRAM and not tokens[0].endswith(":")
            and any(_is_arg(tok) for tok in tokens[1:]))


def mask_command_lines(t: str) -> str:
    """`t` with each anchored command line (see the module docstring) written as one `<*>`."""
    out: list[str] = []
    pos = 0
    for m in _ANCHOR.finditer(t):
        if m.start() < pos:
            continue
        end = _command_end(t, m.end())
        if end > m.end():
            out.append(t[pos:m.end()])
            quote = t[m.end()] if t[m.end()] in "'\"" and end - m.end() > 1 and t[end - 1] == t[m.end()] else ""
            out.append(quote + PLACEHOLDER + quote)
            pos = end
    if not out:
        return t
    out.append(t[pos:])
    return "".join(out)
