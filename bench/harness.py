"""What the web benchmarks share (bench/web_load.py, bench/vote_load.py): a urllib client
with its own cookies, gunicorn on a free loopback port, a temporary PostgreSQL database,
Django set-up in a child process, the percentile arithmetic, and the baseline every burst
is compared with (``baseline_burst``).

The scripts are run as ``python bench/<script>.py``: this folder is then on ``sys.path``,
so they ``import harness``."""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 600  # seconds for one request: a wave of hundreds queues for minutes


# ---------------------------------------------------------------------- the HTTP client


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect comes back as an HTTPError with its Location


class Form(HTMLParser):
    """The CSRF token, the options of every select and the values of every radio group of
    a page."""

    def __init__(self):
        super().__init__()
        self.csrf = ""
        self.selects: dict[str, list[str]] = {}
        self.radios: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf = a.get("value") or ""
        elif tag == "input" and a.get("type") == "radio" and a.get("name"):
            self.radios.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
            self.selects.setdefault(self._select or "", [])
        elif tag == "option" and self._select is not None and a.get("value"):
            self.selects[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Response:
    status: int
    location: str
    body: str
    seconds: float
    started: float = 0.0


class Session:
    """One browser: its own cookies, no keep-alive, redirects not followed."""

    def __init__(self, base: str, timeout: float = REQUEST_TIMEOUT):
        self.base = base
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=self.timeout) as r:
                text = r.read().decode("utf-8", "replace")
                status, location = r.status, ""
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            status, location = e.code, e.headers.get("Location", "")
        return Response(status, location, text, time.perf_counter() - start, start)

    def form(self, path: str) -> tuple[Response, Form]:
        r = self.request(path)
        parsed = Form()
        parsed.feed(r.body)
        return r, parsed


# ---------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def no_control_socket() -> list[str]:
    """gunicorn ≥ 25 opens a control socket in ~/.gunicorn; runs side by side need none."""
    from gunicorn.config import KNOWN_SETTINGS

    known = any("--no-control-socket" in (s.cli or []) for s in KNOWN_SETTINGS)
    return ["--no-control-socket"] if known else []


def start_gunicorn(env: dict, port: int, *, workers: int, threads: int, log: Path,
                   access: Path, access_format: str) -> subprocess.Popen:
    """gunicorn serving the application on 127.0.0.1:``port`` (its output to ``log``)."""
    with open(log, "w") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "kaoping.web.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
             "--backlog", "2048", "--timeout", "120", "--error-logfile", "-",
             "--access-logfile", str(access), "--access-logformat", access_format,
             *no_control_socket()],
            env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_ready(base: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def server_errors(log: Path) -> int:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return 0
    return text.count("Traceback") + text.count("[CRITICAL]")


# ---------------------------------------------------------------------- a run's site


@dataclass
class Site:
    """A run's fresh environment: its data folder and the variables the children get."""

    env: dict
    tmp: Path

    @property
    def log(self) -> Path:
        return self.tmp / "gunicorn.log"

    @property
    def access(self) -> Path:
        return self.tmp / "access.log"

    def child(self, script: str, args: list[str], timeout: float = 900) -> dict:
        """Run ``script`` with ``args`` in this site; its last output line is JSON."""
        out = subprocess.run([sys.executable, script, *args], env=self.env, cwd=ROOT,
                             check=True, capture_output=True, text=True, timeout=timeout)
        return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def fresh_site(database: str, tag: str, *, keep: bool = False):
    """A temporary data folder and, for PostgreSQL, a temporary database on the server that
    ``DATABASE_URL`` names; both are removed afterwards (the folder kept with ``keep``)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"kaoping-{tag}-"))
    env = {**os.environ, "KAOPING_DATA": str(tmp), "KAOPING_LOG_LEVEL": "ERROR",
           "DJANGO_SETTINGS_MODULE": "kaoping.web.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("KAOPING_DEBUG", None)
    admin_url = os.environ.get("DATABASE_URL", "")
    db_name = ""
    if database == "postgres":
        db_name = f"kaoping_{tag}_{os.getpid()}_{int(time.time() * 1000) % 10**9}"
        pg_admin(admin_url, f'CREATE DATABASE "{db_name}"')
        env["DATABASE_URL"] = with_db(admin_url, db_name)
    else:
        env.pop("DATABASE_URL", None)
    try:
        yield Site(env, tmp)
    finally:
        if db_name:
            pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        if keep:
            print(f"  (kept {tmp})", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def serving(site: Site, *, workers: int, threads: int, access_format: str):
    """gunicorn on a free loopback port for ``site``; yields its base URL, stops it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_gunicorn(site.env, port, workers=workers, threads=threads, log=site.log,
                          access=site.access, access_format=access_format)
    try:
        wait_ready(base, proc)
        yield base
    finally:
        stop(proc)


# ---------------------------------------------------------------------- databases, Django


def with_db(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                         password=urllib.parse.unquote(parts.password or ""),
                         dbname=parts.path.lstrip("/") or "postgres", autocommit=True) as c:
        c.execute(sql)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# ---------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(1, -(-len(ordered) * p // 100))
    return ordered[int(k) - 1]


def stats(seconds: list[float]) -> dict:
    return {"count": len(seconds), "p50_ms": round(1000 * percentile(seconds, 50)),
            "p95_ms": round(1000 * percentile(seconds, 95)),
            "max_ms": round(1000 * max(seconds)) if seconds else None}


# ---------------------------------------------------------------------- the baseline


def baseline_burst(base: str, n: int) -> dict:
    """The floor of a burst of ``n`` on this machine, measured in the same run: ``n``
    clients at the same instant each make the two requests a submission or a vote makes (a
    page, then a second request) to ``/healthz/`` — the cheapest request the application
    serves (no session, no template, one ``SELECT 1``). Returns the latency of the second
    request (the figure a burst's target is about) and the number of failed requests."""
    seconds: list[float] = []
    failed: list[int] = []
    lock = threading.Lock()
    ready = threading.Barrier(n)

    def client() -> None:
        s = Session(base)
        try:
            ready.wait(timeout=120)
            first, second = s.request("/healthz/"), s.request("/healthz/")
            with lock:
                seconds.append(second.seconds)
                if first.status != 200 or second.status != 200:
                    failed.append(1)
        except Exception:  # noqa: BLE001 - a failed request is counted, not raised
            with lock:
                failed.append(1)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT)
    return {**stats(seconds), "errors": len(failed)}


def ratio(measured: dict, baseline: dict) -> float | None:
    """p95 of a measured burst ÷ p95 of the baseline burst (None without figures)."""
    if not measured.get("count") or not baseline.get("p95_ms"):
        return None
    return round(measured["p95_ms"] / baseline["p95_ms"], 2)


# ---------------------------------------------------------------------- the command line


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The options both load benchmarks take, and the hidden ones of their child processes."""
    p.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"],
                   help="default: sqlite, and postgres when DATABASE_URL is set")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    p.add_argument("--json", help="also write the results to this JSON file")
    p.add_argument("--keep", action="store_true", help="keep the temporary data folders")
    p.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    p.add_argument("--count", type=int, help=argparse.SUPPRESS)


def chosen_databases(p: argparse.ArgumentParser, options, make_target: str) -> list[str]:
    """The databases to run on: as asked, else SQLite and PostgreSQL when DATABASE_URL is set."""
    url = os.environ.get("DATABASE_URL")
    databases = options.databases or (["sqlite", "postgres"] if url else ["sqlite"])
    if "postgres" in databases and not url:
        p.error(f"postgres needs DATABASE_URL (a role with CREATEDB), e.g. via make {make_target}")
    return databases


def one_result(database: str, n: int, run) -> dict:
    """``run()``'s result, announced and printed as it comes (a run takes minutes)."""
    print(f"— {database}, N = {n} …", file=sys.stderr, flush=True)
    r = run()
    print(json.dumps(r, ensure_ascii=False), file=sys.stderr, flush=True)
    return r


def report(results: list[dict], table: str, json_path: str | None) -> None:
    print(table)
    if json_path:
        Path(json_path).write_text(json.dumps(results, ensure_ascii=False, indent=1))
