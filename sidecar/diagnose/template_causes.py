"""Jinja2's exception classes -> causes, naming the template, its line and the loader's search path.

Read in jinja2 3.1 (jinja2/exceptions.py, loaders.py): TemplateSyntaxError carries `name`/`lineno` and prints
`<message>` then `  File "<template>", line N` in the traceback; TemplateNotFound prints the template name
(FileSystemLoader: "'x.j2' not found in search path: '/app/templates'"); SandboxedEnvironment raises
SecurityError ("access to attribute '__class__' of 'str' object is unsafe."); UndefinedError names the
missing attribute. By the doctrine (doctrine.py): the gateway's templates are its code (a syntax error, a
sandbox refusal: code); a template the loader cannot find fails every render until the template directory
setting or the image's files change (config); an undefined value depends on the data rendered, which the record
does not attribute (unknown, low).
"""

from __future__ import annotations

import re

from .entry import Text
from .model import DiagnosisInput, one_line

_SEARCH_PATH = re.compile(r"not found in search path: (?P<p>'[^'\n]{1,300}'|\[[^\]\n]{1,300}\])")
_TEMPLATE_LINE = re.compile(r'File "(?P<f>[^"\n]{1,300}\.(?:j2|jinja2?|html|txt|md|tmpl))", line (?P<l>\d+)')


def template_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    """The text of a jinja2 family for this record, or None for another family."""
    said = one_line(inp.exception_message or "", 160)
    tb = inp.traceback[-16384:]
    if family == "code.template":
        at = _TEMPLATE_LINE.search(tb)
        where = f" at {at.group('f')} line {at.group('l')}" if at is not None else ""
        return ("code", "medium", f"A Jinja2 template does not parse or render{where} ({cls}: {said})",
                f"jinja2 refused the template{where}: '{said}'. The template is part of the gateway's code, so "
                "every render of it fails the same way until the template is fixed; nothing remote is involved.",
                ("Fix the template at the line jinja2 names (an unclosed tag, a missing 'end' keyword, a filter or "
                 "test that does not exist), and render each template once in a test.",))
    if family == "code.template_sandbox":
        return ("code", "medium", f"A sandboxed Jinja2 template accessed what the sandbox forbids ({said})",
                "jinja2's SandboxedEnvironment refused an attribute or call the template makes (a dunder attribute, "
                "an unsafe method): the template asks for something the sandbox never allows, on every render.",
                ("Change the template to use the values passed to it (or expose a safe helper) instead of internal "
                 "attributes.",))
    if family == "config.template_missing":
        path = _SEARCH_PATH.search(tb)
        where = f" in the loader's search path {path.group('p')}" if path is not None else ""
        return ("config", "high", f"A Jinja2 template was not found{where} ({cls}: {said})",
                f"The template loader did not find {said or 'the template'}{where}: the template directory setting "
                "points elsewhere, or the image does not contain the template file. Every render of it fails until "
                "the setting or the files change.",
                ("Check the template directory the loader is given (its setting / environment variable) and that "
                 "the file is in the image at that path.",))
    if family == "input.template_data":
        return ("unknown", "low", f"A Jinja2 template met an undefined value ({said})",
                "jinja2 rendered a template whose data lacks the variable or attribute it uses: which data was "
                "rendered (a model's answer, a user's input, our own context) is not in the record.",
                ("Look at the data passed to the template when it failed; give the template a default "
                 "(|default) where a value may be absent.",))
    return None
