"""A process-global registry refusing a second registration of the same name (CLASSES10 G1): our code, not a setting.

Registries that live for the whole process raise their own fixed text when one name is registered twice:
- prometheus_client registry.py `CollectorRegistry.register`: DuplicateTimeseries (a ValueError) "Duplicated
  timeseries in CollectorRegistry: {...}" - a metric constructed twice in the default registry (at import of a module
  imported twice, or in a function called more than once);
- argparse.py `_handle_conflict_error`: ArgumentError "argument --x: conflicting option string(s): --x";
- aiohttp web_urldispatcher.py `UrlDispatcher.add_route`/resource: RuntimeError "Added route will never be
  executed, method GET is already registered".
Each means our code registers at import or per call what must be registered once (a module imported under two names
- as a script and as a package module, or by a reloader - is the same fix's other case). Another PROCESS registering
the same name in its own space is no error at all, so no record of replicas changes this. Only an answer nothing else
gave (the catch-all or an unknown) is replaced; 0.45 (a library's fixed text in its own class).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput

_TWICE = re.compile(r"Duplicated timeseries in CollectorRegistry: (?P<prom>\{[^\n]{0,200}?\})|"
                    r"conflicting option strings?: (?P<arg>[^\n]{1,120})|"
                    r"Added route will never be executed, method (?P<route>[A-Z]+) is already registered")


def registry_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when a process-global registry refused a second registration (see the module docstring)."""
    if d.category != "unknown" and d.rule != "catch-all":
        return d
    m = _TWICE.search("\n".join([*inp.messages(), inp.traceback[-8192:]]))
    if m is None:
        return d
    what = ("a Prometheus metric name" if m.group("prom") else "a command-line option" if m.group("arg")
            else "an HTTP route")
    return d.reanswered(
        category="code", severity="medium", confidence=0.45, rule=f"{d.rule}+registered-twice",
        summary=f"{what[0].upper()}{what[1:]} was registered twice in a process-wide registry ({inp.exception_type})",
        root_cause=(f"The library's registry refused a second registration of {what} ({m.group(0)[:160]}): our code "
                       "registers on module load or on every call what must be registered once per process - a module "
                       "loaded twice under two names (run as a script and also as a package module, or by a reloader), "
                       "or a constructor inside a function that runs more than once."),
        suggested_fix=["Create the metric/option/route once at module level and reuse it; guard factories "
                          "(or pass a dedicated registry per instance, e.g. CollectorRegistry() in tests).",
                          "Run the entry point as a module (python -m pkg.mod) so it is not loaded twice."],
        evidence=[m.group(0)[:240]])
