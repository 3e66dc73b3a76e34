"""A JVM system property's value: `-Dname=value` on a command line, `-Dname: value` echoed by a library.

Class (the `java` launcher's documented option syntax, `java -Dproperty=value` - JDK tool docs "java",
Standard Options - and the libraries that print a property's effective value under that same name):
* an assignment `-Dname=value` anywhere in a message (a command line, Spring Boot's `JVM Arguments: [...]`,
  a launcher's `Picked up JAVA_TOOL_OPTIONS: -Dx=y`): the name is the text, what follows `=` up to a blank,
  `,`, `]` or `)` (or a quoted value) is the value;
* a message that IS one property's echo, `-Dname: value` (Netty's SystemPropertyUtil / PooledByteBufAllocator
  / PlatformDependent `logger.debug("-Dio.netty.allocator.numHeapArenas: {}", n)`, and the frameworks built on
  it: gRPC-java, Reactor Netty, Vert.x, Elasticsearch): the statement prints the property's value, ONE token
  whatever it is (`true`/`false`, `simple`/`paranoid`, a number, a path): that token is the value.
Before, a word value (`pooled`, `false`, `paranoid`) stayed text and every value opened a group.
A key word that ends the property's name (`-Dio.netty.allocator.type: pooled`, `-Dapp.status=prod`) is the
name's, not a failure key: keep_spans.py does not keep it (re-reader r18 D3).

Twins kept (tests/errors/test_sysprops.py): an echo whose rest holds the statement's own words in brackets
(Netty's `-Dio.netty.allocator.type: pooled (unknown: {})`, `-Dio.netty.machineId: {} (user-set)`: the
bracketed words tell its statements apart, so the rest stays to masking's other rules), a `Name: word`
message without `-D` (`Error: timeout` / `Error: refused`: the word names the failure), an echo of a failure
phrase (`-Dconfig.file: No such file or directory` / `Permission denied`, `-Djava.io.tmpdir: missing`: several
words or a failure word, re-reader r18 R2), a `-D` word that is no property (`-Dry-run`, `re-Deploy=x`: needs the option's own start), and the property's NAME (two
properties are two statements).
"""

from __future__ import annotations

import re

from .masking_rules import PLACEHOLDER
from .token_forms import names_failure

__all__ = ["mask_system_properties"]

# `-D` at a token's start (after a blank, `[`, `,`, `(`, `"` or the text's start), a Java property name
# (identifier characters, `.`, `-`), then `=` and its value.
# `=` too: an environment variable holding the option (`JAVA_OPTS=-Dspring.profiles.active=prod`).
_ASSIGN = re.compile(r"""(?<![^\s\[,("'=])(-D[A-Za-z_][\w.-]*=)(?:"[^"]*"|'[^']*'|[^\s,\])]+)""")
# The echo's value is ONE token (Netty prints one: `true`, `pooled`, `16`, a path, a class name). Several
# words after `-Dname: ` are a sentence about the property (`-Dconfig.file: No such file or directory`), and a
# one-word failure (`-Djava.io.tmpdir: missing`) names what went wrong: both stay to masking's other rules.
_ECHO = re.compile(r"[ \t]*(-D[A-Za-z_][\w.-]*: )([^\s()\[\]{}]+)[ \t]*")


def mask_system_properties(t: str) -> str:
    """`t` with its `-Dname=value` values masked, or with the value of a `-Dname: value` echo."""
    m = _ECHO.fullmatch(t)
    if m is not None and not names_failure(m.group(2)):
        return t[:m.end(1)] + PLACEHOLDER
    return _ASSIGN.sub(r"\1" + PLACEHOLDER, t) if "=" in t else t
