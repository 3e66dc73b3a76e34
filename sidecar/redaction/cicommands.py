"""CI logging commands that mark a value secret (taxonomy class b: the carrier says it, whatever the value's shape).

A CI agent reads these commands from a step's stdout, and a step run with `set -x` (bash xtrace) or one whose output
the service logs prints them with the value in clear:
- Azure Pipelines, "Logging commands" (learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands):
  `##vso[task.setvariable variable=<name>;issecret=true]<value>` (properties in any order, `isOutput`, `isreadonly`
  beside it; `issecret` compared without case) and `##vso[task.setsecret]<value>`.
- GitHub Actions, "Workflow commands" (docs.github.com/actions/reference/workflow-commands-for-github-actions):
  `::add-mask::<value>`: the value is what the runner must hide from later output.
The value runs to the end of the line (or the quote that closes an `echo`, or a JSON escape). A shell reference
(`::add-mask::$TOKEN`, `${{ secrets.X }}`) is no value and stays; `issecret=false`, `task.setvariable` without it,
`::set-output`/`::notice` are no secrets and stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CI_SECRET = re.compile(
    r"(?P<pre>(?i:##vso\[task\.setsecret\]|##vso\[task\.setvariable(?=[^\]\n]*?issecret=true)[^\]\n]*\]"
    r"|::add-mask::))(?!\[REDACTED:|\$)(?P<val>[^\n'\"\\]{1,4096})")
HINTS = ("##vso[task.setvariable", "##vso[task.setsecret", "::add-mask::")


def ci_secret_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        val = m.group("val").rstrip()
        if not val:
            return m.group(0)
        return m.group("pre") + mark + m.group("val")[len(val):]
    return lambda text: CI_SECRET.sub(repl, text)
