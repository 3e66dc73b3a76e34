"""A throwaway PostgreSQL 15 cluster for the test session (initdb + pg_ctl on a free port).

`initdb` refuses to run as root, and CI runs as root: the data directory is chowned to the
`postgres` user and every server command runs through `runuser -u postgres --` when uid is 0.
The server listens on 127.0.0.1 only, with its socket in the data directory, and runs with
fsync off (test data is disposable; this keeps CREATE DATABASE and commits fast).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PG_BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


class PgClusterError(RuntimeError):
    pass


def find_pg_bin() -> Path:
    env = os.environ.get("SIDECAR_PG_BIN")
    for candidate in ([env] if env else []) + list(PG_BIN_CANDIDATES):
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise PgClusterError(
        "PostgreSQL server binaries not found (looked in "
        + ", ".join(PG_BIN_CANDIDATES)
        + "; set SIDECAR_PG_BIN to override). Install them with: apt-get install -y postgresql"
    )


class PgCluster:
    """One running cluster; `stop()`/`start()` simulate an outage, `create_database()` isolates tests."""

    def __init__(self, port: int) -> None:
        self.bin = find_pg_bin()
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="sidecar-pg-"))
        self.datadir = self.root / "data"
        self.logfile = self.root / "server.log"
        self._as_root = os.geteuid() == 0
        self._counter = itertools.count(1)
        self.running = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            raise PgClusterError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"
                                 + self._log_tail())
        return proc

    def _log_tail(self) -> str:
        try:
            lines = self.logfile.read_text(errors="replace").splitlines()[-15:]
        except OSError:
            return ""
        return "\nserver log:\n" + "\n".join(lines)

    def init(self) -> None:
        if self._as_root:
            shutil.chown(self.root, user="postgres", group="postgres")
        self.root.chmod(0o700)
        self._run(str(self.bin / "initdb"), "-D", str(self.datadir), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync", "--locale=C")

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c timezone=UTC")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
                  "-o", opts, "-w", "-t", "30", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (mode fast: disconnect clients; immediate: like a crash)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "-t", "30", "stop")
        self.running = False

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=5"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, template: str = "template0") -> str:
        name = f"test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return name

    def drop_database(self, name: str) -> None:
        if not self.running:
            return
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, sql: str, dbname: str = "postgres") -> None:
        """Run a script as the superuser (several statements, dollar quoting allowed)."""
        with psycopg.connect(self.dsn(dbname), autocommit=True) as conn:
            conn.execute(sql)

    def destroy(self) -> None:
        if self.running:
            try:
                self.stop("immediate")
            except PgClusterError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


class PgBouncer:
    """pgbouncer in transaction pooling mode in front of a PgCluster (like Supabase's pooled string).

    Runs as the postgres user when we are root (pgbouncer refuses root), in the foreground.
    """

    def __init__(self, cluster: PgCluster, port: int) -> None:
        self.exe = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        self.cluster = cluster
        self.port = port
        self.dir = cluster.root / f"pgbouncer-{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.dir.mkdir()
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.cluster.port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir / 'userlist.txt'}\n"
            "pool_mode = transaction\ndefault_pool_size = 4\nmax_client_conn = 200\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\n"
        )
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres", group="postgres")
            for f in self.dir.iterdir():
                shutil.chown(f, user="postgres", group="postgres")
        cmd = [self.exe, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            try:
                with psycopg.connect(self.dsn("postgres"), autocommit=True, prepare_threshold=None) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if self.proc.poll() is not None:
                    stderr = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                    raise PgClusterError(f"pgbouncer exited: {stderr}") from None
                time.sleep(0.05)
        raise PgClusterError("pgbouncer did not accept connections")

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=5"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
