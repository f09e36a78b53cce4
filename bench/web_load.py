"""Deadline-day load benchmark of the web application (a benchmark, not a test).

N reporters, each the 填报员 of its own branch, log in and submit records of the open
period through the real pages (login form, record form, CSRF and all) of the application
served by gunicorn on loopback. For every database and every N it reports the latency of
each step (p50 / p95 / max, as the client sees it and as gunicorn timed it), the errors,
and whether the database holds exactly 2 N submitted records afterwards (no lost and no
doubled submission).

    .venv/bin/python bench/web_load.py                      # N = 50, 200, 500; SQLite, and
                                                            # PostgreSQL when DATABASE_URL is set
    make bench-web                                          # the same, with PostgreSQL started
    .venv/bin/python bench/web_load.py --n 20 --databases sqlite --workers 2 --threads 4

Each run starts from a fresh database: SQLite in a temporary KAOPING_DATA folder, or a
temporary PostgreSQL database (``CREATE DATABASE`` through DATABASE_URL, whose role needs
CREATEDB; dropped afterwards). Set-up (migrate, the organisation, N units and users, an
assessment on scheme A whose current month closes today) runs in a child process through
the application's actions; the clients are plain urllib in threads, talking to 127.0.0.1
only. Every loop is bounded in count and time, and the server is stopped at the end.

What a client does (``login`` and ``submit_record`` below):

1. **login wave**: GET /login/, POST the user name and password (302 → home), all N at once;
2. **baseline**: when every client is logged in (a barrier), N fresh clients at the same
   instant each GET /healthz/ twice — the floor any burst of N meets on this machine
   (``harness.baseline_burst``); the burst below is reported as a ratio to it;
3. **burst**: then all N clients at the same instant GET the
   record form of the period (``/reporting/<a>/periods/<m>/new/?kind=数量任务``) and POST it
   with 提交 (302 → the period page): the worst case, pure queueing;
4. **paced**: when the burst is over, each client submits a second record at its own moment,
   the N spread evenly over ``--spread`` seconds (default 60: 500 submissions a minute is
   still far more than a real deadline day, where they come over hours).

Passwords are hashed with Django's PBKDF2 as in production, so the login step costs about
half a second of CPU each: the login wave is reported on its own, and the submission burst
is what the deadline-day figure means. The users share one password hash, set in the
set-up (hashing 500 passwords would take minutes and is not what is measured).

Exit status: 0 when every run had no error and no lost submission, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from harness import (
    Response,
    Session,
    add_run_arguments,
    baseline_burst,
    chosen_databases,
    fresh_site,
    one_result,
    ratio,
    report,
    server_errors,
    serving,
    stats,
)
from harness import django_setup as _django

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-2026-deadline"
KIND = "数量任务"
RUN_TIMEOUT = 1800  # seconds for one run, set-up excluded
PHASES = ("burst", "paced")


# ---------------------------------------------------------------------- the clients


class StepFailed(Exception):
    def __init__(self, step: str, detail: str):
        super().__init__(f"{step}: {detail}")
        self.step, self.detail = step, detail


def _expect_redirect(step: str, r: Response, not_to: str = "") -> None:
    if r.status != 302 or (not_to and not_to in r.location):
        raise StepFailed(step, f"HTTP {r.status} {r.location or _snippet(r.body)}")


def _snippet(html: str) -> str:
    for marker in ('class="errorlist', 'class="messages', "<h1>"):
        k = html.find(marker)
        if k >= 0:
            return " ".join(html[k:k + 300].split())
    return " ".join(html[:200].split())


def login(s: Session, username: str, timings: dict[str, float]) -> None:
    r, form = s.form("/login/")
    if r.status != 200 or not form.csrf:
        raise StepFailed("login", f"login page HTTP {r.status}")
    r = s.request("/login/", {"csrfmiddlewaretoken": form.csrf, "username": username,
                              "password": PASSWORD, "next": ""})
    timings["login"] = r.seconds
    _expect_redirect("login", r, not_to="/login/")


def submit_record(s: Session, job: dict, k: int, phase: str, timings: dict[str, float]) -> None:
    """The submission of one record through the reporting pages (the step to adapt when
    the record form changes): the form, then the POST with 提交. ``phase`` goes into the
    query string (which the view ignores) so that gunicorn's log tells the phases apart."""
    path = f"/reporting/{job['assessment']}/periods/{job['period']}/new/?kind=" + \
        urllib.parse.quote(KIND) + f"&phase={phase}"
    r, form = s.form(path)
    timings[f"{phase}_form"] = r.seconds
    timings[f"{phase}_start"] = r.started
    if r.status != 200 or not form.csrf:
        raise StepFailed(f"{phase} form", f"HTTP {r.status} {_snippet(r.body)}")
    units = form.selects.get("unit") or []
    items = form.selects.get("考核项目") or []
    months = form.selects.get("scheme_period") or []
    if len(units) != 1 or not items or str(job["month"]) not in months:
        raise StepFailed(f"{phase} form", f"unexpected form: units {units}, months {months}")
    r = s.request(path, {
        "csrfmiddlewaretoken": form.csrf, "kind": KIND, "unit": units[0],
        "scheme_period": str(job["month"]), "考核项目": items[k % len(items)],
        "业务名称": f"{job['month']}月材料报送（压力测试 {phase}）", "应报数量": "3",
        "实报数量": "3", "submit": "提交"})
    timings[f"{phase}_submit"] = r.seconds
    timings[f"{phase}_end"] = r.started + r.seconds
    _expect_redirect(f"{phase} submit", r, not_to="/new/")


@dataclass
class Outcome:
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def run_clients(base: str, job: dict, spread: float) -> tuple[list[Outcome], dict | None]:
    users = job["users"]
    n = len(users)
    outcomes = [Outcome() for _ in users]
    paced_start: list[float] = []
    baseline: list[dict] = []
    # when all are logged in, the baseline burst runs first (see harness.baseline_burst)
    logged_in = threading.Barrier(n, action=lambda: baseline.append(baseline_burst(base, n)))
    burst_over = threading.Barrier(n, action=lambda: paced_start.append(time.monotonic()))
    deadline = time.monotonic() + RUN_TIMEOUT

    def left() -> float:
        return max(1.0, deadline - time.monotonic())

    def client(k: int) -> None:
        s, out = Session(base), outcomes[k]
        try:
            login(s, users[k], out.timings)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            out.errors.append(str(exc))
            logged_in.abort()  # no burst when a login failed: the run is an error anyway
            burst_over.abort()
            return
        try:
            logged_in.wait(timeout=left())
            try:
                submit_record(s, job, k, "burst", out.timings)
            except Exception as exc:  # noqa: BLE001
                out.errors.append(str(exc))
            burst_over.wait(timeout=left())
            time.sleep(max(0.0, paced_start[0] + spread * k / n - time.monotonic()))
            submit_record(s, job, k, "paced", out.timings)
        except threading.BrokenBarrierError:
            out.errors.append("not run: another client failed")
        except Exception as exc:  # noqa: BLE001
            out.errors.append(str(exc))

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    for k, t in enumerate(threads):
        if t.is_alive():
            outcomes[k].errors.append("timed out")
    return outcomes, (baseline[0] if baseline else None)


# ---------------------------------------------------------------------- one run


def one_run(database: str, n: int, options) -> dict:
    with fresh_site(database, "bench", keep=options.keep) as site:
        started = time.perf_counter()
        job = site.child(__file__, ["--setup", str(n)])
        setup_seconds = time.perf_counter() - started
        with serving(site, workers=options.workers, threads=options.threads,
                     access_format="%(m)s %(U)s %(q)s %(s)s %(M)s") as base:
            started = time.perf_counter()
            outcomes, baseline = run_clients(base, job, options.spread)
            wall = time.perf_counter() - started
            counts = site.child(__file__, ["--count", str(job["assessment"])])
        n_server_errors = server_errors(site.log)
        server_times = _server_times(site.access)
    errors = [e for o in outcomes for e in o.errors]
    result = {"database": database, "n": n, "workers": options.workers,
              "threads": options.threads, "spread_s": options.spread,
              "setup_s": round(setup_seconds, 1), "wall_s": round(wall, 1),
              "errors": len(errors), "error_samples": errors[:5],
              "server_errors": n_server_errors, "records_submitted": counts["submitted"],
              "records_total": counts["total"], "lost": 2 * n - counts["submitted"],
              "late": counts["late"]}
    for step in ("login", "burst_form", "burst_submit", "paced_form", "paced_submit"):
        result[step] = stats([o.timings[step] for o in outcomes if step in o.timings])
    result["baseline"] = baseline
    result["ratio"] = ratio(result["burst_submit"], baseline) if baseline else None
    starts = [o.timings["burst_start"] for o in outcomes if "burst_end" in o.timings]
    ends = [o.timings["burst_end"] for o in outcomes if "burst_end" in o.timings]
    if starts:
        result["burst_per_s"] = round(len(ends) / max(1e-9, max(ends) - min(starts)), 1)
    result["server"] = {key: stats(values) for key, values in server_times.items()}
    return result


def _server_times(access: Path) -> dict[str, list[float]]:
    """gunicorn's own time of each request, from its access log: the time in the worker,
    without the wait in the listen queue."""
    times: dict[str, list[float]] = {"login": [], "burst_submit": [], "paced_submit": []}
    try:
        lines = access.read_text(errors="replace").splitlines()
    except OSError:
        return times
    for line in lines:
        parts = line.split()
        if len(parts) < 4 or parts[0] != "POST":
            continue
        method, path, ms = parts[0], parts[1], parts[-1]
        query = parts[2] if len(parts) == 5 else ""
        key = ("login" if path == "/login/" else
               next((f"{p}_submit" for p in PHASES if f"phase={p}" in query), None))
        if method == "POST" and key and ms.isdigit():
            times[key].append(int(ms) / 1000)
    return times


# ---------------------------------------------------------------------- child processes


def setup(n: int) -> dict:
    """A fresh database with one organ, N branches each with its reporter, and an assessment
    on scheme A whose current month closes today. Prints what the clients need."""
    _django()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from kaoping.web.actions.assessments import default_deadlines, do_create_assessment
    from kaoping.web.actions.orgs import do_create_organisation
    from kaoping.web.actions.people import do_create_user, do_grant_role
    from kaoping.web.models import Role

    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    usernames = [f"bench{k:04d}" for k in range(1, n + 1)]
    with transaction.atomic():
        county = do_create_organisation(None, name="压测县委")
        organ = do_create_organisation(None, name="压测机关党委", parent=county)
        assessor = do_create_user(None, username="bench-assessor", password=None)
        do_grant_role(None, assessor, organ, Role.ASSESSOR)
        units = []
        for k, username in enumerate(usernames, 1):
            unit = do_create_organisation(None, name=f"第{k}支部", parent=organ)
            user = do_create_user(None, username=username, password=None)
            do_grant_role(None, user, unit, Role.REPORTER)
            units.append((unit, ""))
        # one PBKDF2 hash for all (see the module docstring)
        get_user_model().objects.filter(username__in=usernames).update(
            password=make_password(PASSWORD))
        deadlines = default_deadlines(today.year, "month")
        deadlines[today.month - 1] = today  # deadline day
        schemes = getattr(settings, "KAOPING_SCHEMES_DIR", None) or ROOT / "schemes"
        source_path = Path(schemes) / "a-linyi-branches.yaml"
        assessment = do_create_assessment(
            assessor, organisation=organ, name="压力测试考核", scheme_file=source_path.name,
            scheme_source=source_path.read_text(encoding="utf-8"), year=today.year,
            cycle="month", units=units, deadlines=deadlines, verifiers=[assessor])
    return {"assessment": assessment.pk, "period": today.month, "month": today.month,
            "deadline": dt.date.isoformat(today), "users": usernames}


def count(assessment_id: int) -> dict:
    _django()
    from kaoping.web.models import Record

    records = Record.objects.filter(assessment_id=assessment_id)
    return {"total": records.count(),
            "submitted": records.filter(status=Record.Status.SUBMITTED).count(),
            "late": records.filter(late=True).count()}


# ---------------------------------------------------------------------- report


def table(results: list[dict]) -> str:
    def pair(d: dict) -> str:
        return f"{d['p50_ms']} / {d['p95_ms']}" if d["count"] else "—"

    head = ("| database | N | login wave p50 / p95 | burst: submit p50 / p95 | burst rate | "
            "baseline burst p95 | ratio | "
            "paced: form p50 / p95 | paced: submit p50 / p95 | server time of a submit, "
            "burst / paced (p50 / p95) | errors | submitted records |")
    lines = [head, "|" + "---|" * 12]
    for r in results:
        sv = r["server"]
        lines.append(
            f"| {r['database']} | {r['n']} | {pair(r['login'])} | {pair(r['burst_submit'])} | "
            f"{r.get('burst_per_s', '—')}/s | "
            f"{r['baseline']['p95_ms'] if r['baseline'] else '—'} | {r['ratio'] or '—'} | "
            f"{pair(r['paced_form'])} | {pair(r['paced_submit'])} | "
            f"{pair(sv['burst_submit'])} ; {pair(sv['paced_submit'])} | "
            f"{r['errors']} (server {r['server_errors']}) | "
            f"{r['records_submitted']} / {2 * r['n']} |")
    return "\n".join(lines) + ("\n\n(times in ms; rates in submissions per second; baseline: "
                               "the same burst of two requests to /healthz/, ratio = burst "
                               "submit p95 ÷ baseline p95)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, nargs="+", default=[50, 200, 500],
                   help="numbers of reporters (default 50 200 500)")
    p.add_argument("--spread", type=float, default=60.0,
                   help="seconds over which the paced submissions are spread (default 60)")
    add_run_arguments(p)
    options = p.parse_args(argv)
    if options.setup is not None:
        print(json.dumps(setup(options.setup)))
        return 0
    if options.count is not None:
        print(json.dumps(count(options.count)))
        return 0
    databases = chosen_databases(p, options, "bench-web")
    if any(n < 1 or n > 2000 for n in options.n):
        p.error("N must be between 1 and 2000")
    if not 0 <= options.spread <= 600:
        p.error("--spread must be between 0 and 600 seconds")
    results = [one_result(database, n, lambda d=database, n=n: one_run(d, n, options))
               for database in databases for n in options.n]
    report(results, table(results), options.json)
    bad = [r for r in results if r["errors"] or r["server_errors"] or r["lost"] != 0]
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
