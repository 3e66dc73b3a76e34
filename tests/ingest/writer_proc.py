"""A real log writer process for tests/ingest/test_writer_taxonomy.py (run as a script, not imported by pytest).

It logs numbered records through the standard library's own handlers (RotatingFileHandler,
TimedRotatingFileHandler, WatchedFileHandler, FileHandler), or writes what Docker's json-file
driver and a `docker logs` capture hold, on a virtual clock (time.time patched: the handlers'
rollover times, the records' asctime and Docker's `time` all follow it; TZ comes from the
environment). Driven line by line over stdin/stdout (JSON):

  -> {"op": "emit", "n": K}      emit K records; before each rollover the handler would do, ask
  <- {"roll": true, "destroys": [paths]}   and wait for "go" (the test may sync or restart first)
  -> "go"
  <- {"errors": [[seq, t], ...], "crashes": [[seq, t], ...], "done": true}
  -> {"op": "reopen"}            close and reopen the handler's file (a postrotate HUP)
  -> {"op": "quit"}

Error seqs are carried in the logger name (`gw.e<seq>`), so the store's per-logger counts
(error_loggers) say how often each one was stored. Uncaught crashes (Python's excepthook output,
no header) are counted as a whole (their logger is `uncaught`).
"""

from __future__ import annotations

import gzip
import json
import logging
import logging.handlers
import os
import random
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from datetime import time as dtime
from typing import Any

from crash_programs import MARK, NOISE, crash_text  # beside this script

spec = json.loads(sys.argv[1])
NOW = [float(spec["t0"])]
time.time = lambda: NOW[0]  # the handlers' and the records' clock
rng = random.Random(spec["seed"])
seq = int(spec.get("seq0", 0))
path = spec["path"]
kind = spec["kind"]
enc = spec.get("encoding") or "utf-8"
FMT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def ask(destroys: list[str], errors: list[list[float]], crashes: list[list[float]],
        unlinked: list[int] | None = None) -> None:
    """Before a rollover: what it destroys and what this batch wrote so far (the test may sync first)."""
    print(json.dumps({"roll": True, "destroys": destroys, "errors": errors, "crashes": crashes,
                      "unlinked": unlinked or [], "failed": FAILED}), flush=True)
    assert sys.stdin.readline().strip() == "go"


def gzip_namer(name: str) -> str:
    return name + ".gz"


def gzip_rotator(source: str, dest: str) -> None:
    """The logging cookbook's rotator, with the check CPython's own BaseRotatingHandler.rotate makes
    (`if os.path.exists(source)`, Lib/logging/handlers.py): with delay=True a rollover can be due before the
    first record opened the file. The cookbook's copy raises FileNotFoundError there, and since doRollover
    then never moves `rolloverAt`, every later record fails the same way (handleError: "--- Logging error
    ---"): the writer loses everything (generated seed timed-61611, rounds 15-16, on 1 run in 3: whether the
    first emit crossed a second boundary depends on the real clock's fraction at the test's start)."""
    if not os.path.exists(source):
        return
    with open(source, "rb") as sf, gzip.open(dest, "wb") as df:
        shutil.copyfileobj(sf, df)
    os.remove(source)


# Sequence numbers of the records (any level) the handler could not write (handleError ran): in no file, lost
# to any tailer. Reported apart from `unlinked` in every reply (`failed`): the test excuses them, and asserts
# there are none with one writer and few with several - a harness bug failing every write is no pass.
FAILED: list[int] = []


def note_failures(h: logging.Handler) -> logging.Handler:
    """The handler's handleError still reports (stderr), and the record is counted as written nowhere."""
    report = h.handleError

    def handle_error(record: logging.LogRecord) -> None:
        FAILED.append(seq)
        report(record)

    h.handleError = handle_error  # type: ignore[method-assign]
    return h


def make_handler() -> logging.Handler:
    delay = bool(spec.get("delay"))
    mode = spec.get("mode", "a")  # 'w': the writer's start truncates the log (FileHandler/WatchedFileHandler)
    errors = spec.get("errors")  # the handler's encoding errors= ('replace', 'backslashreplace', ...)
    if kind == "rfh":
        h: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=spec["max_bytes"], backupCount=spec["backups"], encoding=enc, delay=delay)
    elif kind == "timed":
        at = spec.get("at")  # atTime: MIDNIGHT/W<n> roll over at this time of day (UTC with utc=True)
        h = logging.handlers.TimedRotatingFileHandler(path, when=spec["when"], backupCount=spec["backups"],
                                                      encoding=enc, delay=delay, utc=bool(spec.get("utc")),
                                                      interval=int(spec.get("interval", 1)),
                                                      atTime=dtime(*at) if at else None)
    elif kind == "watched":
        h = logging.handlers.WatchedFileHandler(path, mode=mode, encoding=enc, delay=delay, errors=errors)
    else:
        h = logging.FileHandler(path, mode=mode, encoding=enc, delay=delay, errors=errors)
    if spec.get("gzip") and isinstance(h, logging.handlers.BaseRotatingHandler):
        h.namer = gzip_namer
        h.rotator = gzip_rotator
    h.setFormatter(logging.Formatter(FMT))
    return h


def destroys(h: logging.Handler) -> list[str]:
    """The files the rollover about to happen deletes, overwrites or compresses (a superset)."""
    out: list[str] = []
    if getattr(h, "namer", None) is not None:
        out.append(h.baseFilename)  # type: ignore[attr-defined]
    if isinstance(h, logging.handlers.RotatingFileHandler) and h.backupCount > 0:
        out.append(h.rotation_filename(f"{h.baseFilename}.{h.backupCount}"))
    if isinstance(h, logging.handlers.TimedRotatingFileHandler) and h.backupCount > 0:
        d = os.path.dirname(h.baseFilename)
        out.extend(os.path.join(d, f) for f in os.listdir(d) if f.startswith(os.path.basename(h.baseFilename) + "."))
    if isinstance(h, logging.handlers.TimedRotatingFileHandler):
        target = timed_target(h)
        out.append(target)  # doRollover removes it if it exists (another process rolled over first)
        if h.backupCount > 0 and target in timed_deleted(h, target):
            # A worker idle for several intervals names its rollover by its stale period, older than the
            # other workers' generations: getFilesToDelete then removes the file it just renamed (the live one).
            out.append(h.baseFilename)
    return [p for p in out if os.path.exists(p)]


def timed_deleted(h: logging.handlers.TimedRotatingFileHandler, target: str) -> list[str]:
    """What getFilesToDelete (CPython 3.11, no namer) removes once the live file is renamed to `target`."""
    d, base = os.path.split(h.baseFilename)
    names = {os.path.join(d, f) for f in os.listdir(d) if f.startswith(base + ".")
             and any(h.extMatch.match(part) for part in f[len(os.path.splitext(base)[0]) + 1:].split("."))}
    names.add(target)
    return [] if len(names) < h.backupCount else sorted(names)[:len(names) - h.backupCount]


def timed_target(h: logging.handlers.TimedRotatingFileHandler) -> str:
    """The name TimedRotatingFileHandler.doRollover (CPython 3.11) renames the live file to, computed as it does."""
    t = h.rolloverAt - h.interval
    if h.utc:
        tt = time.gmtime(t)
    else:
        tt = time.localtime(t)
        dst_now = time.localtime(int(time.time()))[-1]
        if dst_now != tt[-1]:
            tt = time.localtime(t + (3600 if dst_now else -3600))
    return h.rotation_filename(h.baseFilename + "." + time.strftime(h.suffix, tt))


def traceback_lines(msg: str) -> list[str]:
    try:
        raise NameError(msg)
    except NameError:
        return traceback.format_exc().splitlines()


# Message text beyond ASCII: with encoding latin-1/cp1252 the file holds bytes that are not UTF-8; with
# ascii and errors='replace'/'backslashreplace' they become '?' or '\\xe9'.
NON_ASCII = (" caf\u00e9", " \u00fcber", " \u2013 done", " \u00a3 5", " na\u00efve")


def logged_exception(n: int, chains: list[str]) -> Any:
    """exc_info of a logged exception: plain, chained by `from` (cause), during handling (context), a group."""
    how = rng.choice(chains)
    try:
        if how == "plain":
            raise ValueError(f"bad value {n}")
        try:
            raise KeyError(f"k{n}")
        except KeyError as e:
            if how == "cause":
                raise RuntimeError(f"wrapped {n}") from e
            if how == "group":
                raise ExceptionGroup(f"several {n}", [e, ValueError(f"v{n}")]) from None
            raise ValueError(f"during handling {n}")  # noqa: B904 - the implicit context is the point
    except Exception:
        return sys.exc_info()


class Handlers:
    def __init__(self) -> None:
        self.h = note_failures(make_handler())
        self.loggers: dict[str, logging.Logger] = {}

    def logger(self, name: str) -> logging.Logger:
        lg = self.loggers.get(name)
        if lg is None:
            lg = self.loggers[name] = logging.getLogger(name)
            lg.propagate = False
            lg.setLevel(logging.INFO)
            lg.addHandler(self.h)
        return lg

    def reopen(self) -> None:
        h = self.h
        if isinstance(h, logging.FileHandler):
            h.acquire()
            try:
                if h.stream is not None:
                    h.stream.close()
                    h.stream = None  # type: ignore[assignment]
                if not h.delay:
                    h.stream = h._open()
            finally:
                h.release()

    def emit(self, n: int) -> dict[str, object]:
        global seq
        errors: list[list[float]] = []
        unlinked: list[int] = []
        h = self.h
        for _ in range(n):
            NOW[0] += spec["step"] * rng.uniform(0.5, 1.5)
            level = rng.choice((logging.INFO, logging.INFO, logging.WARNING, logging.ERROR, logging.ERROR,
                                logging.CRITICAL))
            tb = level >= logging.ERROR and rng.random() < 0.3
            name = f"gw.e{seq}" if level >= logging.ERROR else "gw.progress"
            lg = self.logger(name)
            text = "event seq=%d" + (rng.choice(NON_ASCII) if spec.get("non_ascii") else "")
            rec = lg.makeRecord(name, level, __file__, 1, text, (seq,), None)
            if tb:
                rec.exc_info = logged_exception(seq, spec.get("chains") or ["plain"])
            if spec.get("stack_info") and level >= logging.ERROR and rng.random() < 0.3:
                # what Logger.findCaller puts there for stack_info=True
                rec.stack_info = "Stack (most recent call last):\n" + "".join(traceback.format_stack())[:-1]

            if isinstance(h, logging.handlers.BaseRotatingHandler) and h.shouldRollover(rec):
                ask(destroys(h), errors, [], unlinked)
            # CPython 3.11 WatchedFileHandler(mode='w', delay=True): the first record opens the file through
            # FileHandler.emit, which does not _statstream (dev/ino stay -1), so the NEXT emit's
            # reopenIfNeeded sees a changed file and reopens it with mode 'w', truncating that first record
            # away (Lib/logging/handlers.py). The writer destroys it itself: in no file (dev seed options-819).
            self_truncated = isinstance(h, logging.handlers.WatchedFileHandler) and h.mode == "w" and h.dev == -1
            failed = len(FAILED)
            lg.handle(rec)
            if level >= logging.ERROR and (self_truncated or len(FAILED) > failed):
                unlinked.append(seq)
            if level >= logging.ERROR:
                stream = getattr(h, "stream", None)
                if stream is not None and os.fstat(stream.fileno()).st_nlink == 0:
                    # written into a file another process already deleted (two RotatingFileHandlers
                    # on one file): in no file any tailer can find
                    unlinked.append(seq)
                errors.append([seq, rec.created])
            seq += 1
        return {"errors": errors, "crashes": [], "unlinked": unlinked}


class Stream:
    """Docker's json-file driver (kind docker) or a `docker logs` capture (kind capture) of a
    Python daemon: log records on stdout, uncaught crashes (excepthook, no header) on stderr."""

    def __init__(self) -> None:
        self.newline = spec.get("newline", "\n")
        self.max_size = int(spec.get("max_size", 0))
        self.max_file = int(spec.get("max_file", 1))
        self.compress = bool(spec.get("compress"))
        self.prefix = bool(spec.get("timestamps"))  # docker logs -t
        self.details = spec.get("details")  # docker logs --details: attrs (maybe none) and a space
        self.last_was_error = False
        self.maybe: list[int] = []
        self.kinds = list(spec.get("crash_kinds") or ["name"])
        here = os.path.dirname(os.path.dirname(path))  # beside the logs directory, not in it
        self.texts = {k: crash_text(k, here) for k in {*self.kinds, *(spec.get("glue_kinds") or ())} if k not in ("name", "nonl")}
        self.since_cut = bool(spec.get("since"))  # docker logs --since: the capture starts inside a crash
        # Round 9. docker logs -n/--tail: the capture starts N lines before the end, inside any record -
        # a crash or a LOGGED error's traceback (its header line cut off).
        self.tail_cut = bool(spec.get("tail"))
        # A crash right after an ERROR record (the kinds with no `Traceback` header, e.g. a SyntaxError,
        # glue to it as a logged traceback would; Python's excepthook prints no header for them).
        self.glue = list(spec.get("glue_kinds") or [])
        # json-file partial messages: a line over 16 KiB is written as several records, each `log`
        # without the newline but the last (moby daemon/logger/copier.go, defaultBufSize 16 KiB).
        self.partial = bool(spec.get("partial"))

    def _local(self, t: float) -> str:
        lt = time.localtime(t)
        return time.strftime("%Y-%m-%d %H:%M:%S", lt) + f",{int(t * 1000) % 1000:03d}"

    def _stamp(self, t: float) -> str:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"

    def _write(self, records: list[tuple[list[tuple[str, str, float]], list[float] | None, bool]]) -> tuple[
            list[list[float]], list[list[float]]]:
        """Write records (lines, [seq, t] of an error or crash, is_crash); docker rotates between records."""
        errors: list[list[float]] = []
        crashes: list[list[float]] = []
        for lines, mark, crash in records:
            if kind == "docker":
                data = "".join(json.dumps({"log": part, "stream": s, "time": self._stamp(t)}) + "\n"
                               for text, stream, t in lines for part, s in self._interleaved(text + "\n", stream))
                self._rotate_if(len(data), errors, crashes)
                with open(path, "a", encoding="utf-8") as f:
                    f.write(data)
            else:
                body = "".join((self._stamp(t) + " " if self.prefix else "")
                               + ("" if self.details is None else self.details + " ")
                               + text + ("" if text.endswith("\x00nonl") else self.newline)
                               for text, _, t in lines).replace("\x00nonl", "")
                new = not os.path.exists(path) or os.path.getsize(path) == 0
                raw = body.encode(enc)
                if enc in ("utf-16", "utf-8-sig") and not new:
                    raw = body.encode("utf-16-le" if enc == "utf-16" else "utf-8")  # the BOM only at the start
                with open(path, "ab") as f:
                    f.write(raw)
            if mark is not None:
                (crashes if crash else errors).append(mark)
        return errors, crashes

    def _parts(self, log: str) -> list[str]:
        """moby's copier: a line is cut every 16 KiB (of its bytes); all but the last part lack the newline."""
        raw = log.encode()
        if not self.partial or len(raw) <= 16384:
            return [log]
        return [raw[i:i + 16384].decode("utf-8", "ignore") for i in range(0, len(raw), 16384)]

    def _interleaved(self, log: str, stream: str) -> list[tuple[str, str]]:
        """The parts of a line, and between two of them (sometimes) a line of the OTHER stream that is no
        event (SystemExit's message): each stream's copier writes as it reads, so they interleave."""
        parts = [(p, stream) for p in self._parts(log)]
        if len(parts) > 1 and rng.random() < 0.5:
            other = "stderr" if stream == "stdout" else "stdout"
            parts.insert(rng.randrange(1, len(parts)), (f"fatal: settings invalid ({seq})\n", other))
        return parts

    def _rotate_if(self, n: int, errors: list[list[float]], crashes: list[list[float]]) -> None:
        """moby's json-file rotation: past max-size, `.1..N-1` cascade (oldest deleted), `.1` compressed."""
        if not self.max_size or not os.path.exists(path) or os.path.getsize(path) + n <= self.max_size:
            return
        keep = self.max_file - 1
        ext = ".gz" if self.compress else ""
        gone = [path] if self.compress or keep == 0 else []  # compressed or truncated: unreadable
        ask([p for p in [*gone, f"{path}.{keep}{ext}"] if os.path.exists(p)], errors, crashes)
        if keep == 0:
            os.truncate(path, 0)
            return
        if os.path.exists(f"{path}.{keep}{ext}"):
            os.remove(f"{path}.{keep}{ext}")
        for i in range(keep - 1, 0, -1):
            if os.path.exists(f"{path}.{i}{ext}"):
                os.rename(f"{path}.{i}{ext}", f"{path}.{i + 1}{ext}")
        os.rename(path, f"{path}.1")
        if self.compress:
            gzip_rotator(f"{path}.1", f"{path}.1.gz")

    def emit(self, n: int) -> dict[str, object]:
        global seq
        records: list[tuple[list[tuple[str, str, float]], list[float] | None, bool]] = []
        for _ in range(n):
            NOW[0] += spec["step"] * rng.uniform(0.5, 1.5)
            t = NOW[0]
            # A crash follows a record no error opened (INFO/WARNING), another crash or the start:
            # after an ERROR record its traceback would read as that record's own (logging.exception).
            if self.tail_cut:  # -n: the last lines of a logged error with a traceback (its header cut off)
                self.tail_cut = False
                tb = traceback_lines(f"handled {seq}")
                records.append(([(ln, "stdout", t) for ln in tb[rng.randrange(1, len(tb)):]], None, False))
                self.maybe.append(seq)
                seq += 1
                continue
            if self.since_cut:  # the tail of a crash whose start --since left out: at most one event
                self.since_cut = False
                tb = traceback_lines(f"name 'os' is not defined ({seq})")
                records.append(([(ln, "stderr", t) for ln in tb[rng.randrange(1, len(tb)):]], None, False))
                self.maybe.append(seq)
                seq += 1
                continue
            glued = self.last_was_error and self.glue and rng.random() < 0.3
            if glued or (not self.last_was_error and rng.random() < 0.15):
                k = rng.choice(self.glue) if glued else rng.choice(self.kinds)
                self.last_was_error = False
                if k == "name" or k == "nonl":
                    tb = traceback_lines(f"name 'os' is not defined ({seq})")
                else:
                    tb = [ln.replace(MARK, str(seq)) for ln in self.texts[k]]
                if k == "nonl":  # print(..., end="") unbuffered before the crash: one line with the header
                    records.append(([("loading settings...\x00nonl", "stdout", t)], None, False))
                records.append(([(ln, "stderr", t) for ln in tb], None if k in NOISE else [seq, t], True))
                seq += 1
                continue
            level = rng.choice(("INFO", "INFO", "WARNING", "ERROR", "CRITICAL"))
            error = level in ("ERROR", "CRITICAL")
            name = f"gw.e{seq}" if error else "src.bootstrap.env_loader"
            text = f"event seq={seq}" + (" " + "x" * rng.choice((16400, 40000)) if self.partial and rng.random() < 0.2
                                          else "")
            lines = [(f"{self._local(t)} {level} {name}: {text}", "stdout", t)]
            if error and rng.random() < 0.3:
                lines.extend((ln, "stdout", t) for ln in traceback_lines(f"handled {seq}"))
            records.append((lines, [seq, t] if error else None, False))
            self.last_was_error = error
            seq += 1
        errors, crashes = self._write(records)
        maybe, self.maybe = self.maybe, []
        return {"errors": errors, "crashes": crashes, "maybe": maybe}

    def cut(self) -> dict[str, object]:
        """docker logs --until: the capture ends inside a crash (header and frames, no exception line)."""
        global seq
        NOW[0] += spec["step"]
        tb = traceback_lines(f"name 'os' is not defined ({seq})")
        self._write([([(ln, "stderr", NOW[0]) for ln in tb[:rng.randrange(1, len(tb) - 1)]], None, False)])
        seq += 1
        return {"errors": [], "crashes": [], "maybe": [seq - 1]}


def main() -> None:
    w: Handlers | Stream = Stream() if kind in ("docker", "capture") else Handlers()
    for raw in sys.stdin:
        cmd = json.loads(raw)
        if cmd["op"] == "emit":
            NOW[0] = max(NOW[0], float(cmd.get("now") or 0.0))  # a clock shared with the other writers
            out = w.emit(int(cmd["n"]))
        elif cmd["op"] == "restart" and isinstance(w, Handlers):  # the writer process restarts (mode 'w' truncates)
            w.h.close()
            for lg in w.loggers.values():
                lg.removeHandler(w.h)
            w.h = note_failures(make_handler())
            for lg in w.loggers.values():
                lg.addHandler(w.h)
            out = {"errors": [], "crashes": []}
        elif cmd["op"] == "cut" and isinstance(w, Stream):
            out = w.cut()
        elif cmd["op"] == "reopen":
            if isinstance(w, Handlers):
                w.reopen()
            out = {"errors": [], "crashes": []}
        else:
            break
        print(json.dumps({**out, "failed": FAILED, "done": True, "now": NOW[0]}), flush=True)


main()
