"""The `sidecar` command: run, demo, replay, fingerprint, check, eval.

Problems the user can fix (a bad config, a port in use, an unwritable data directory) print one
line naming the problem and exit 1, without a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import os
import signal
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .config import ConfigError, load_config

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
CONFIG_ENV = "SIDECAR_CONFIG"  # the image sets it, so `docker exec ... sidecar check` reads the same file


def _add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config", "-c", metavar="FILE", default=os.environ.get(CONFIG_ENV) or None,
        help=f"YAML config file (default: ${CONFIG_ENV}, else sidecar.yaml in the working directory, if "
        "present); SIDECAR_* environment variables override it (nested keys with __, e.g. SIDECAR_SERVER__PORT)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sidecar",
        description="Observability and error-investigation sidecar for an AI gateway.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="tail logs and metrics, group and diagnose errors, serve the dashboard and API",
                       description="Run the sidecar: tail the configured sources, group and diagnose errors, "
                       "evaluate rollouts, send alerts, and serve the dashboard, JSON API, /metrics, /healthz "
                       "and /readyz (default 0.0.0.0:8081). Stops cleanly on SIGTERM/SIGINT.")
    _add_config(p)

    p = sub.add_parser("demo", help="run a simulated gateway and the sidecar on it (the one-minute tour)",
                       description="Start a simulated gateway that writes real-format logs and metrics, "
                       "and the sidecar on it; prints the dashboard URL and the API token.")
    p.add_argument("--speed", type=float, default=1.0, help="time scale of the scenario (2 = twice as fast)")
    p.add_argument("--port", type=int, default=8081, help="dashboard port (default 8081)")
    p.add_argument("--dir", default=None, help="working directory for the demo, kept afterwards "
                   "(default: a temp directory, removed when the demo stops)")
    p.add_argument("--duration", type=float, default=None, help="stop after this many seconds (default: at Ctrl-C)")

    p = sub.add_parser("replay", help="read whole log files and print the error events they hold",
                       description="Read log files from the start (no checkpoints) and print the error "
                       "events `run` would detect: with --jsonl one JSON object per event, in file order.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=["auto", "text", "json", "docker"], default="auto")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per error event")
    _add_config(p)

    p = sub.add_parser("fingerprint", help="print the fingerprint of each message read from stdin",
                       description="Read messages from stdin, one per line, and print one fingerprint per "
                       "line, in order, as `run` computes it (no look-ahead). A line in the gateway's log "
                       "format is read like ingest reads it (level and logger from the header).")
    p.add_argument("--level", default="ERROR", help="level of lines without a log header (default ERROR)")
    p.add_argument("--logger", default=None, help="logger of lines without a log header (default none)")
    p.add_argument("--template", action="store_true", help="print `fingerprint<TAB>template` per line")
    _add_config(p)

    p = sub.add_parser("check", help="validate the config and rules files",
                       description="Validate the configuration and every rules file it names; print each "
                       "problem with its field path and exit 1 when there is any.")
    _add_config(p)

    p = sub.add_parser("healthcheck", help="exit 0 when the running sidecar answers /healthz (for HEALTHCHECK)",
                       description="GET /healthz of the sidecar on this host, at the port the configuration "
                       "(file and SIDECAR_* environment) gives; exit 0 when it answers 200, else 1.")
    p.add_argument("--timeout", type=float, default=2.0)
    _add_config(p)

    p = sub.add_parser("eval", help="score the diagnosis engine on evals/cases",
                       description="Run evals/cases/*.yaml through the rules engine (and Kimi when "
                       "MOONSHOT_API_KEY is set) and print a scored table.")
    p.add_argument("--cases", default="evals/cases", help="directory of case files")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--jsonl", action="store_true",
                     help="one JSON object per case: id, passed, rule, category, severity, confidence, summary, "
                          "root_cause, checks (name -> bool)")
    out.add_argument("--summary-only", action="store_true", dest="summary_only",
                     help="print only the aggregate figures (accuracy, confident-wrong, calibration), no per-case rows")
    # aggregate figures only, so --summary-only with it is allowed (and changes nothing)
    p.add_argument("--leave-kind-out", action="store_true", dest="leave_kind_out",
                   help="score each situation kind without the rules only its cases use (a generalisation "
                        "estimate on the dev cases; aggregate figures only)")
    _add_config(p)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    # `kill -USR1 <pid>` writes every thread's stack to stderr (Python docs, faulthandler.register) and the
    # process goes on: what a process that is alive but not answering is doing, without a debugger. First,
    # before the seconds of imports and config below: a start-up stuck there can be asked too, and until
    # this line SIGUSR1's default action (signal(7): terminate) kills the process that was asked.
    # tests/helpers.wait_serving signals only once /proc says the handler is there (SigCgt).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    from .app import StartupError, run
    from .logsetup import setup_logging

    config = load_config(args.config)
    setup_logging(config.logging.level, config.logging.format)
    import logging

    from .checks import source_warnings

    for warning in source_warnings(config):  # said once at start: "0 files" is never silent
        logging.getLogger("sidecar.check").warning(warning)
    try:
        return asyncio.run(run(config))
    except StartupError as exc:
        print(f"sidecar: {exc}", file=sys.stderr)
        return EXIT_PROBLEM


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import check_config

    problems, warnings = check_config(args.config)
    for line in problems:
        print(line)
    for line in warnings:
        print(f"warning: {line}")
    if problems:
        return EXIT_PROBLEM
    print("ok: configuration and rules files are valid" + (f" ({len(warnings)} warnings)" if warnings else ""))
    return EXIT_OK


def cmd_healthcheck(args: argparse.Namespace) -> int:
    import urllib.error
    import urllib.request

    server = load_config(args.config).server
    host = "127.0.0.1" if server.host in ("0.0.0.0", "::", "") else server.host
    url = f"http://{'[' + host + ']' if ':' in host else host}:{server.port}/healthz"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with direct.open(url, timeout=args.timeout) as resp:
            ok = resp.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"sidecar healthcheck: {url}: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK if ok else EXIT_PROBLEM


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo.run import prepare_workdir, run_demo
    from .logsetup import setup_logging

    setup_logging("WARNING")
    root = prepare_workdir(args.dir)
    try:
        return asyncio.run(run_demo(root, speed=args.speed, port=args.port, duration=args.duration))
    finally:
        if args.dir is None:  # a temp directory of our own: leave nothing behind
            import shutil

            shutil.rmtree(root, ignore_errors=True)


def cmd_replay(args: argparse.Namespace) -> int:
    from .ingest.replay import main_replay

    return main_replay(args)


def cmd_eval(args: argparse.Namespace) -> int:
    if getattr(args, "leave_kind_out", False):
        from .diagnose.crossval import main_leave_kind_out

        return main_leave_kind_out(args)
    from .diagnose.evaluate import main_eval

    return main_eval(args)


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from .errors.cli_fingerprint import main_fingerprint

    return main_fingerprint(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run,
    "check": cmd_check,
    "demo": cmd_demo,
    "replay": cmd_replay,
    "fingerprint": cmd_fingerprint,
    "eval": cmd_eval,
    "healthcheck": cmd_healthcheck,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"sidecar: {exc.source}: {problem}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
