"""The typed answer in an Expect diagnostic transcript (CLASSES11.md A26, interactive transcripts).

Tcl Expect's diagnostics (`exp_internal 1`, `expect -d`; exp_command.c / expect.c) write each match attempt as
`expect: does "<buffer>" (spawn_id exp4) match glob pattern "<pattern>"? yes|no`, then `expect: set
expect_out(0,string) "<matched>"`, and each `send` as `send: sending "<text>" to { exp4 }` (the text printified:
`\\r`, `\\n`, `\\"`). A prompt that asks for a secret is matched first, the answer is the next send: nothing names it.

- After a successful match (`? yes`) whose buffer or pattern asks for a password, passphrase, PIN, token or secret,
  the next send is the secret, whatever it looks like (a short lowercase password is still one).
- A send line whose match is not in the text (a Docker record holds one line, a tail cuts the transcript) is the
  secret when it is one value-shaped token (values.looks_like_value: a digit, a symbol or mixed case; a command, `yes`,
  `\\q`, a path or a word stay).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .names import DOCKER_SEAM
from .secret_names import is_secret_name
from .spans import mark_spans
from .values import looks_like_value

_SEND = re.compile(r"send: sending (?P<q>\\{0,3}\")(?P<val>(?:(?!(?:\\{1,3}[rn])*(?P=q)[ \t]+to[ \t]+\{)[^\n]){1,512}?)"
                   r"(?P<eol>(?:\\{1,3}[rn])*)(?P=q)[ \t]+to[ \t]+\{")
_MATCH = re.compile(r"expect: does (?P<q>\\{0,3}\")(?P<buf>[^\n]{0,2000}?)(?P=q) \(spawn_id [^)\n]{1,40}\) match "
                    r"(?:glob pattern|regular expression|exact string) (?P=q)(?P<pat>[^\n]{0,400}?)(?P=q)\? "
                    r"(?P<yes>yes|no)")
_ASKS = re.compile(r"(?i)pass(?:word|wd|phrase|code)?\b|assword|assphrase|\bpin\b|token|secret|api.?key|credential")
HINTS = ("send: sending",)


def expect_send_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        after = 0  # a match answers only the first send after it
        for s in _SEND.finditer(text):
            val = s.group("val")
            matched = [m for m in _MATCH.finditer(text, max(after, s.start() - 4000), s.start()) if m.group("yes") == "yes"]
            after = s.end()
            if matched:
                last = matched[-1]
                if _ASKS.search(last.group("buf")) or _ASKS.search(last.group("pat")):
                    if val.strip():
                        spans.append(s.span("val"))
                continue
            if " " not in val and val[:1].isalnum() and len(val) >= 6 and looks_like_value(val, False, False):
                spans.append(s.span("val"))
        return mark_spans(text, spans, mark)
    return sub


# CLASSES12.md A33, debugger and REPL transcripts: an expression naming a secret after the prompt, its value printed
# on the next line: pdb/ipdb `(Pdb) p cfg.api_key` then the repr (stdlib pdb.py `do_p`), the Python REPL `>>>` and
# IPython `In [3]:` / `Out[3]:`, gdb `(gdb) p cfg->password` then `$1 = "..."` (gdb manual, value history), the Node
# REPL `> process.env.X`, Rails console `irb(main):001>` then `=> "..."`. The expression's last name decides
# (is_secret_name); the value is the next line's literal, also in the next Docker record when both are in the text (a
# Docker record alone shows the value alone: not read). `>` raw or as moby writes it (`\u003e`); a quote in the
# expression (`os.environ["X"]`) escaped once more inside a JSON record (`\"`, review A33).
_GT = r"(?:>|\\u003[eE])"
_REPL = re.compile(
    r"(?:^|(?<=\n)|(?<=\\n)|(?<=: )|(?<=\"))[ \t]*(?P<prompt>\((?:Pdb|ipdb|gdb)\)|ipdb>|>>>|In \[\d{1,5}\]:|" + _GT
    + r"|irb\([^)\n]{0,40}\):\d{1,5}(?::\d{1,3})?(?:[*]|" + _GT + r")|\[\d{1,5}\] pry\([^)\n]{0,40}\)" + _GT + r")[ \t]*"
    r"(?:(?:p|pp|print|display|call|puts)[ \t]+)?(?P<expr>(?:[^\n\\]|\\u003[eE]|\\{1,3}[\"']){1,200}?)[ \t]*(?:\r?\n|(?:\\r)?\\n)(?:" + DOCKER_SEAM
    + r")?[ \t]*(?:Out\[\d{1,5}\]:[ \t]*|\$\d{1,5} = |=(?:>|\\u003[eE]) )?\\{0,3}[\"']?(?P<val>[^\s\"'\\]{4,512})")
_LAST_NAME = re.compile(r"[A-Za-z_][\w-]*")
REPL_HINTS = ("(pdb)", "(ipdb)", "ipdb>", ">>>", "in [", "(gdb)", "irb(", "pry(", "\n>", "\\n>", ": >", "\\u003e ", "> process",
              "\"> ")


def repl_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for m in _REPL.finditer(text):
            names = _LAST_NAME.findall(m.group("expr"))
            if names and is_secret_name(names[-1]) and not m.group("val").startswith("[REDACTED:"):
                spans.append(m.span("val"))
        return mark_spans(text, spans, mark)
    return sub


# A password typed at a shell prompt instead of a password prompt (sudo's timed out or was never asked): the shell
# echoes the word back in its error. bash's `bash: line 4: <word>: command not found` (execute_cmd.c, "command not
# found"), zsh's `zsh: command not found: <word>`, dash's `sh: 1: <word>: not found`. A command's name is written with
# `[A-Za-z0-9._+/-]` and rarely mixes both cases with a digit: a word with another character (`y6vHXez~45D1NE`), or 8+
# characters with both cases and a digit, is taken for the password; `kubectl`, `python3.11`, `Docker` stay.
# CLASSES13.md A45, the same word echoed as the NAME another program did not know: fish `fish: Unknown command: <w>`,
# PowerShell `The term '<w>' is not recognized as ...` (CommandNotFoundException), cmd `'<w>' is not recognized as an
# internal or external command`; OpenSSH's auth log (auth2.c / auth.c) `Invalid user <w> from <ip>`, `Failed password
# for invalid user <w> from`, `Connection closed by invalid user <w>`; shadow-utils login(1) `FAILED LOGIN 1 FROM tty1
# FOR <w>,`; su `user <w> does not exist`; sudo `<w> : user NOT in sudoers`; Linux-PAM pam_unix `authentication
# failure; ... user=<w>`. Same judgement of the word: a user name has a user name's characters.
_NOT_FOUND = re.compile(
    r"(?:(?:\b|(?<=\\n))(?:ba|da|k|z)?sh: (?:line \d{1,6}: |\d{1,6}: )?(?P<val>[^\s:\\\"']{1,256}): (?:command )?not found"
    r"|(?:\b|(?<=\\n))zsh: command not found: (?P<val2>[^\s\\\"']{1,256})"
    r"|\bfish: Unknown command: (?P<val3>[^\s\\\"']{1,256})"
    r"|\\{0,3}['\u2018](?P<val4>[^\s'\u2019\\]{1,256})\\{0,3}['\u2019] is not recognized as (?:the name of |a name of |an internal)"
    r"|\b(?:Invalid|invalid|Illegal|illegal) user (?P<val5>[^\s\\\"']{1,256}) from "
    r"|\bclosed by (?:invalid|authenticating) user (?P<val6>[^\s\\\"']{1,256}) "
    r"|\bFAILED LOGIN \d+ FROM \S+ FOR (?P<val7>[^\s,\\\"']{1,256}),"
    r"|\bsu: user (?P<val8>[^\s\\\"']{1,256}) does not exist"
    r"|\bsudo:[ \t]+(?P<val9>[^\s\\\"']{1,256}) : user NOT in sudoers"
    r"|\bauthentication failure;[^\n]{0,300}? user=(?P<val10>[^\s\\\"']{1,256}))")
NOT_FOUND_HINTS = ("not found", "unknown command", "not recognized", "invalid user", "illegal user", "failed login",
                   "does not exist", "not in sudoers", "authentication failure")
_COMMAND_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+/-")


def typed_secret(v: str) -> bool:
    if v.startswith("[REDACTED:"):
        return False
    if any(c not in _COMMAND_CHARS for c in v):
        return True
    return len(v) >= 8 and any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v)


def not_found_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for m in _NOT_FOUND.finditer(text):
            g = next(k for k, v in m.groupdict().items() if v is not None)
            if typed_secret(m.group(g)):
                spans.append(m.span(g))
        return mark_spans(text, spans, mark) if spans else text
    return sub
