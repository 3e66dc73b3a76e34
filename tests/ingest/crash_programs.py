"""What a dying Python process prints, produced by CPython itself (for the writer taxonomy and its tests).

Imported by tests/ingest/writer_proc.py (a script: from its own directory) and by the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

MARK = "424242"  # stands for the seq in crash texts printed once by a real interpreter

# What a Python process prints to stderr when it dies, produced by CPython itself (Lib/traceback.py's
# excepthook output, the compiler's SyntaxError report, faulthandler's dump, logging.lastResort,
# SystemExit's message). "crash" kinds are one uncaught event each; "noise" kinds are stderr lines
# no log record introduced that are NOT an error event (the test expects nothing from them).
CRASH_PROGRAMS: dict[str, tuple[list[str], str]] = {
    "cause": ([], "def f():\n    raise KeyError('k %s')\ntry:\n    f()\nexcept KeyError as e:\n"
                  "    raise RuntimeError('wrapped (%s)') from e\n"),
    "context": ([], "def f():\n    return {}['missing %s']\ntry:\n    f()\nexcept KeyError:\n"
                    "    raise ValueError('defined (%s)')\n"),
    "group": ([], "def f():\n    raise ExceptionGroup('startup failed (%s)', [OSError(98, 'Address in use'), "
                  "ExceptionGroup('inner', [TypeError('t %s')])])\nf()\n"),
    "keyboard": ([], "def serve_%s():\n    raise KeyboardInterrupt\nserve_%s()\n"),
    "fault": (["-X", "faulthandler"], "import ctypes, pydantic_core\ndef crash_%s():\n    ctypes.string_at(0)\n"
                                       "crash_%s()\n"),
    # Round 9: faulthandler's ALL-threads dump (Modules/faulthandler.c faulthandler_dump_traceback_threads:
    # `Thread 0x... (most recent call first):` per other thread, then `Current thread 0x...`).
    "fault_threads": (["-X", "faulthandler"], "import ctypes, threading, time\ndef idle_%s():\n    time.sleep(30)\n"
                                               "threading.Thread(target=idle_%s, daemon=True).start()\ntime.sleep(0.2)\n"
                                               "def crash_%s():\n    ctypes.string_at(0)\ncrash_%s()\n"),
    "syntax": ([], "SYNTAX"),  # a main module that does not compile: no Traceback header at all
    "syntax_import": ([], "SYNTAX_IMPORT"),  # an imported module that does not compile
    "thread": ([], "import threading\ndef work_%s():\n    raise ValueError('defined (%s)')\n"
                   "t = threading.Thread(target=work_%s)\nt.start()\nt.join()\n"),
    "unraisable": ([], "class Conn:\n    def __del__(self):\n        raise OSError('close failed (%s)')\nConn()\n"),
    "logging_error": ([], "import logging\nlogging.basicConfig(format='%%(message)s %%(missing)s')\n"
                          "logging.getLogger('gw').error('defined (%s)')\n"),
    "lastresort": ([], "import logging\nlogging.getLogger('gw').error('no handler configured (%s)')\n"),
    "sysexit": ([], "raise SystemExit('fatal: settings invalid (%s)')\n"),
}
NOISE = {"lastresort", "sysexit"}


def crash_text(kind_: str, workdir: str) -> list[str]:
    """The stderr lines a real interpreter prints for one crash kind (MARK where the seq goes)."""
    flags, code = CRASH_PROGRAMS[kind_]
    with tempfile.TemporaryDirectory(dir=workdir) as d:
        main = os.path.join(d, f"main_{MARK}.py")
        if code == "SYNTAX":
            code = f"import os\nsettings = dict(\n    name='gw {MARK}',\n"
        elif code == "SYNTAX_IMPORT":
            with open(os.path.join(d, f"conf_{MARK}.py"), "w") as f:
                f.write("x = [1, 2\ny = 3\n")
            code = f"import conf_{MARK}\n"
        else:
            code = code.replace("%s", MARK).replace("%%", "%")
        with open(main, "w") as f:
            f.write(code)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
        out = subprocess.run([sys.executable, *flags, main], capture_output=True, text=True, env=env, cwd=d,
                             timeout=60)
    lines = out.stderr.replace(d, "/app").splitlines()
    assert lines, (kind_, out)
    return lines
