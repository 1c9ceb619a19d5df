"""A local deployment on this machine: PostgreSQL, several app servers on loopback ports and nginx in
front of them, started together and stopped together (`make cluster`).

    .venv/bin/python -m deploy.cluster [--port 8501] [--servers 2] [--app-ports 8502,8503]

Without ``DATABASE_URL`` it starts a throwaway PostgreSQL server whose data is deleted when the cluster
stops; with it, the cluster uses that database. Ctrl-C or SIGTERM stops everything it started.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

from deploy.pg_server import PostgresServer, free_port
from sinergi.core.secrets import cookie_key
from sinergi.core.settings import PROJECT_ROOT, env_setting

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = "/usr/sbin/nginx"
# The header nginx sets (deploy/nginx.conf.template) and the app servers read the client's address from.
ADDRESS_HEADER = "X-Forwarded-For"
# Workers of an nginx started by root run as Debian's web server user, never as root.
WORKER_USER = "www-data"


def nginx_config(*, listen: str, app_ports: Sequence[int], run_dir: Path, user: str | None) -> str:
    """The nginx configuration of the template, its placeholders filled in (comment lines kept as they
    are, so that they still name the placeholders for a deployer)."""
    # The largest file the app takes, an import or an evidence document, plus the form around it.
    largest = max(float(env_setting(name)) for name in ("SINERGI_IMPORT_MAX_MB", "SINERGI_EVIDENCE_MAX_MB"))
    upload_mb = math.ceil(largest) + 1
    values = {
        "@USER_LINE@": f"user {user};" if user else "",
        "@RUN_DIR@": str(run_dir),
        "@LISTEN@": listen,
        "@SERVERS@": "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in app_ports
        ),
        "@MAX_BODY@": f"{upload_mb}m",
    }
    lines = []
    for line in TEMPLATE.read_text().splitlines():
        if not line.lstrip().startswith("#"):
            for placeholder, value in values.items():
                line = line.replace(placeholder, value)
        lines.append(line)
    return "\n".join(lines) + "\n"


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, *, timeout: float = 120) -> None:
    """Wait until ``url`` answers 200; an error with the process's log if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


@dataclass
class Cluster:
    """PostgreSQL (unless given a database), ``servers`` app servers and nginx; ``start`` then ``stop``."""

    port: int = 8501
    address: str = "127.0.0.1"
    servers: int = 2
    app_ports: list[int] = field(default_factory=list)
    database_url: str | None = None
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sinergi-cluster-")))
    _postgres: PostgresServer | None = None
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def start(self) -> None:
        """Start everything; on a failure, stop what was started and raise."""
        try:
            self._start_database()
            self._prepare_database()
            # Generated here, once: two servers starting on a fresh checkout would each write their own.
            cookie_key()
            self._start_app_servers()
            self._start_nginx()
        except BaseException:
            self.stop()
            raise

    def _start_database(self) -> None:
        if self.database_url:
            return
        self._postgres = PostgresServer()
        self._postgres.start()
        self.database_url = self._postgres.create_database("sinergi")

    def _env(self) -> dict[str, str]:
        assert self.database_url
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SINERGI_PROXY_ADDRESS_HEADER": ADDRESS_HEADER,
        }

    def _prepare_database(self) -> None:
        for command in (["init-db"], ["load-demo", "--if-empty"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=PROJECT_ROOT,
                env=self._env(),
                check=True,
                timeout=600,
            )

    def _spawn(self, command: list[str], name: str, env: dict[str, str] | None = None) -> Path:
        """Start a process whose output goes to ``run_dir/name`` (a pipe nobody reads would fill up and
        stop it); the log's path."""
        log_path = self.run_dir / name
        log = log_path.open("wb")
        self._logs.append(log)
        self._processes.append(
            subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
        return log_path

    def _start_app_servers(self) -> None:
        if not self.app_ports:
            self.app_ports = [free_port() for _ in range(self.servers)]
        logs = []
        for port in self.app_ports:
            command = [
                *(sys.executable, "-m", "streamlit", "run", "app.py"),
                *("--server.address", "127.0.0.1", "--server.port", str(port)),
                *("--server.headless", "true", "--server.fileWatcherType", "none"),
                *("--browser.gatherUsageStats", "false"),
            ]
            logs.append(self._spawn(command, f"app-{port}.log", self._env()))
        # Started side by side, waited for together: each takes a few seconds to import the app.
        for port, process, log in zip(self.app_ports, self._processes[-len(logs) :], logs, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process, log)

    def _start_nginx(self) -> None:
        user = None
        if os.geteuid() == 0:
            user = WORKER_USER
            # The workers create and read request-body files below the run directory.
            self.run_dir.chmod(0o711)
        config = self.run_dir / "nginx.conf"
        config.write_text(
            nginx_config(
                listen=f"{self.address}:{self.port}",
                app_ports=self.app_ports,
                run_dir=self.run_dir,
                user=user,
            )
        )
        command = [NGINX, "-c", str(config), "-p", str(self.run_dir), "-g", "daemon off;"]
        subprocess.run([*command[:-2], "-t", "-q"], check=True, capture_output=True, timeout=30)
        log = self._spawn(command, "nginx.log")
        wait_healthy(f"{self.url}/_stcore/health", self._processes[-1], log, timeout=30)

    def failed(self) -> subprocess.Popen[bytes] | None:
        """A process of the cluster that has exited, if any."""
        return next((process for process in self._processes if process.poll() is not None), None)

    def stop(self) -> None:
        """Stop nginx first (no new requests), then the app servers, then PostgreSQL; remove the run
        directory. Safe to call twice."""
        for process in reversed(self._processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self._processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()
        if self._postgres is not None:
            self._postgres.stop()
            self._postgres = None
        shutil.rmtree(self.run_dir, ignore_errors=True)

    @property
    def throwaway_database(self) -> bool:
        return self._postgres is not None

    def log_tail(self, process: subprocess.Popen[bytes], chars: int = 4000) -> str:
        """The end of a process's output (the run directory goes when the cluster stops)."""
        log = self._logs[self._processes.index(process)]
        log.flush()
        return Path(log.name).read_text(errors="replace")[-chars:]

    def describe(self) -> dict[str, object]:
        return {
            "url": self.url,
            "app_ports": self.app_ports,
            "database_url": self.database_url,
            "throwaway_database": self.throwaway_database,
            "run_dir": str(self.run_dir),
        }


def _stop_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds into main's finally, which stops the cluster


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8501, help="where nginx listens (default 8501)")
    parser.add_argument("--address", default="127.0.0.1", help="the address nginx listens on")
    parser.add_argument("--servers", type=int, default=2, help="how many app servers (default 2)")
    parser.add_argument(
        "--app-ports",
        default="",
        help="comma-separated loopback ports of the app servers (default: free ones)",
    )
    args = parser.parse_args(argv)
    if not Path(NGINX).exists():
        parser.error("nginx is missing: `make cluster` installs Debian's nginx package")
    app_ports = [int(port) for port in args.app_ports.split(",") if port]
    cluster = Cluster(
        port=args.port,
        address=args.address,
        servers=len(app_ports) or args.servers,
        app_ports=app_ports,
        database_url=os.environ.get("DATABASE_URL") or None,
    )
    signal.signal(signal.SIGTERM, _stop_on_signal)
    started = time.monotonic()
    try:
        cluster.start()
        described = {**cluster.describe(), "start_seconds": round(time.monotonic() - started, 1)}
        print(f"Sinergi on {cluster.url}: nginx in front of app servers on 127.0.0.1 ports ", end="")
        print(", ".join(map(str, cluster.app_ports)), end=".\n")
        if cluster.throwaway_database:
            print("The database is a throwaway PostgreSQL server: its data is deleted when this stops.")
        print("Ctrl-C stops everything.")
        print("ready " + json.dumps(described), flush=True)
        while (dead := cluster.failed()) is None:
            time.sleep(0.5)
        print(cluster.log_tail(dead), file=sys.stderr)
        print(f"{dead.args!r} exited with {dead.returncode}; stopping the cluster.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
