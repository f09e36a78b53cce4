"""Meeting load benchmark of the ballots (a benchmark, not a test).

A meeting of N raters (default 1,000) votes on a 民主测评 ballot at the same instant: each
rater, a thread with its own cookies, opens ``/vote/<code>/`` with its own one-time code
(the anonymous page, no login) and posts the sheet (a 好/较好/一般/差 choice for each rated
unit, CSRF and all) to the application served by gunicorn on loopback, on SQLite and on
PostgreSQL. For every database it reports the latency of the GET and of the POST (p50 /
p95 / max, as the client sees it, and gunicorn's own time of the POST), the errors, and
what the database holds afterwards: exactly N sheets, N used codes, N × units votes, and
the ballot's results counting N sheets.

    .venv/bin/python bench/vote_load.py                       # N = 1000; SQLite, and
                                                              # PostgreSQL when DATABASE_URL is set
    make bench-votes                                          # the same, with PostgreSQL started
    .venv/bin/python bench/vote_load.py --n 200 --databases sqlite --spread 60

Each run starts from a fresh database (SQLite in a temporary KAOPING_DATA folder, or a
temporary PostgreSQL database created and dropped through DATABASE_URL, whose role needs
CREATEDB), set up in a child process through the application's actions: an organ
committee, ``--units`` branches (default 5), an assessment on scheme A (yearly cycle) and
a ballot on its quarterly 民主测评 (choices 100/80/60/40, written ÷ 100 into 得分) with N
codes in one rater category. gunicorn runs as ``make run`` has it (2 workers × 4 threads).

First the baseline: N fresh clients at the same instant each GET /healthz/ twice, the
floor any burst of N meets on this machine (``harness.baseline_burst``); the votes' POST p95
is reported as a ratio to it. Then all N clients wait at a barrier, each GETs its page and
POSTs at once (``--spread S``
instead starts client k at k × S / N seconds: a meeting voting over S seconds). Every loop
and request is bounded in time; the server is stopped at the end. The target of issue 4:
nothing lost, p95 under 300 ms.

Exit status: 0 when there was no error and the database counts exactly N, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import (
    Session,
    add_run_arguments,
    baseline_burst,
    chosen_databases,
    django_setup,
    fresh_site,
    one_result,
    ratio,
    report,
    server_errors,
    serving,
    stats,
)

ROOT = Path(__file__).resolve().parents[1]
KIND = "民主测评"
CHOICES = [["好", 100], ["较好", 80], ["一般", 60], ["差", 40]]
REQUEST_TIMEOUT = 300  # seconds for one request
RUN_TIMEOUT = 900  # seconds for the clients of one run


# ---------------------------------------------------------------------- one rater


@dataclass
class Outcome:
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def vote(s: Session, code: str, k: int, out: Outcome) -> None:
    """Open the sheet of ``code`` and post it: rater k's choice for unit j is (k + j) mod 4,
    so every choice is used. Success is the 302 to /vote/done/."""
    r, form = s.form(f"/vote/{code}/")
    out.timings["get"] = r.seconds
    if r.status != 200 or not form.csrf or not form.radios:
        out.errors.append(f"GET HTTP {r.status}")
        return
    data = {"csrfmiddlewaretoken": form.csrf}
    for j, (name, values) in enumerate(sorted(form.radios.items())):
        data[name] = values[(k + j) % len(values)]
    r = s.request(f"/vote/{code}/", data)
    out.timings["post"] = r.seconds
    out.timings["end"] = r.started + r.seconds
    if r.status != 302 or not r.location.endswith("/vote/done/"):
        out.errors.append(f"POST HTTP {r.status} {r.location}")


def run_clients(base: str, codes: list[str], spread: float) -> tuple[list[Outcome], float]:
    n = len(codes)
    outcomes = [Outcome() for _ in codes]
    go: list[float] = []
    ready = threading.Barrier(n + 1)
    deadline = time.monotonic() + RUN_TIMEOUT

    def client(k: int) -> None:
        s, out = Session(base, timeout=REQUEST_TIMEOUT), outcomes[k]
        try:
            ready.wait(timeout=120)
            time.sleep(max(0.0, go[0] + spread * k / n - time.monotonic()))
            out.timings["start"] = time.perf_counter()
            vote(s, codes[k], k, out)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            out.errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    go.append(time.monotonic())
    started = time.perf_counter()
    ready.wait(timeout=120)
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    wall = time.perf_counter() - started
    for k, t in enumerate(threads):
        if t.is_alive():
            outcomes[k].errors.append("timed out")
    return outcomes, wall


# ---------------------------------------------------------------------- one run


def _post_times(access: Path) -> list[float]:
    """gunicorn's own time of each vote POST (time in the worker, without the listen queue)."""
    try:
        lines = access.read_text(errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "POST" and parts[1].startswith("/vote/") \
                and parts[3].isdigit():
            out.append(int(parts[3]) / 1000)
    return out


def one_run(database: str, n: int, options) -> dict:
    with fresh_site(database, "votes", keep=options.keep) as site:
        started = time.perf_counter()
        job = site.child(__file__, ["--setup", str(n), "--units", str(options.units)])
        setup_seconds = time.perf_counter() - started
        with serving(site, workers=options.workers, threads=options.threads,
                     access_format="%(m)s %(U)s %(s)s %(M)s") as base:
            baseline = baseline_burst(base, n) if options.spread == 0 else None
            outcomes, wall = run_clients(base, job["codes"], options.spread)
            counts = site.child(__file__, ["--count", str(job["ballot"])])
        n_server_errors = server_errors(site.log)
        post_times = _post_times(site.access)
    errors = [e for o in outcomes for e in o.errors]
    ok = sum(1 for o in outcomes if "post" in o.timings and not o.errors)
    ends = [o.timings["end"] for o in outcomes if "end" in o.timings]
    starts = [o.timings["start"] for o in outcomes if "start" in o.timings]
    units = job["units"]
    post = stats([o.timings["post"] for o in outcomes if "post" in o.timings])
    counted = (counts["sheets"] == n and counts["results_sheets"] == n
               and counts["used"] == n and counts["unused"] == 0
               and counts["votes"] == n * units and ok == n)
    return {"database": database, "n": n, "units": units, "workers": options.workers,
            "threads": options.threads, "spread_s": options.spread,
            "setup_s": round(setup_seconds, 1), "wall_s": round(wall, 1),
            "votes_per_s": round(len(ends) / max(1e-9, max(ends) - min(starts)), 1)
            if ends else None,
            "get": stats([o.timings["get"] for o in outcomes if "get" in o.timings]),
            "post": post, "server_post": stats(post_times),
            "baseline": baseline, "ratio": ratio(post, baseline) if baseline else None,
            "confirmed": ok, "errors": len(errors), "error_samples": errors[:5],
            "server_errors": n_server_errors, **counts, "counted_exactly": counted}


# ---------------------------------------------------------------------- child processes


def setup(n: int, n_units: int) -> dict:
    """A fresh database: an organ committee with ``n_units`` branches assessed on scheme A,
    and a ballot on the first quarter's 民主测评 with ``n`` codes. Prints what the clients
    need (the codes)."""
    django_setup()
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from kaoping.web.actions.assessments import do_create_assessment
    from kaoping.web.actions.ballots import CategorySpec, do_create_ballot
    from kaoping.web.actions.orgs import do_create_organisation
    from kaoping.web.actions.people import do_create_user, do_grant_role
    from kaoping.web.models import BallotToken, Role

    call_command("migrate", verbosity=0, interactive=False)
    county = do_create_organisation(None, name="压测县委")
    organ = do_create_organisation(None, name="压测机关党委", parent=county)
    assessor = do_create_user(None, username="bench-assessor", password=None)
    do_grant_role(None, assessor, organ, Role.ASSESSOR)
    units = [do_create_organisation(None, name=f"第{k}支部", parent=organ)
             for k in range(1, n_units + 1)]
    schemes = Path(getattr(settings, "KAOPING_SCHEMES_DIR", None) or ROOT / "schemes")
    source = schemes / "a-linyi-branches.yaml"
    now = timezone.now()
    assessment = do_create_assessment(
        assessor, organisation=organ, name="压力测试考核", scheme_file=source.name,
        scheme_source=source.read_text(encoding="utf-8"), year=timezone.localdate().year,
        cycle="year", units=[(u, "") for u in units], verifiers=[assessor])
    ballot = do_create_ballot(
        assessor, assessment, title="第一季度民主测评（压力测试）", kind=KIND,
        period=assessment.periods.get(), scheme_period=1, form="choices", choices=CHOICES,
        categories=[CategorySpec("党员", 100, tokens=n)], opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=2), write="value", value_field="得分", scale=0.01)
    codes = list(BallotToken.objects.filter(category__ballot=ballot).order_by("id")
                 .values_list("code", flat=True))
    return {"ballot": ballot.pk, "units": n_units, "codes": codes}


def count(ballot_id: int) -> dict:
    django_setup()
    from kaoping.web import ballot_results
    from kaoping.web.models import Ballot, BallotSheet, BallotToken, BallotVote

    ballot = Ballot.objects.get(pk=ballot_id)
    tokens = BallotToken.objects.filter(category__ballot=ballot)
    return {"sheets": BallotSheet.objects.filter(ballot=ballot).count(),
            "votes": BallotVote.objects.filter(sheet__ballot=ballot).count(),
            "used": tokens.filter(used=True).count(),
            "unused": tokens.filter(used=False).count(),
            "results_sheets": sum(ballot_results.load(ballot).sheets.values())}


# ---------------------------------------------------------------------- report


def table(results: list[dict]) -> str:
    def pair(d: dict) -> str:
        return f"{d['p50_ms']} / {d['p95_ms']} / {d['max_ms']}" if d["count"] else "—"

    lines = ["| database | N | spread | GET p50 / p95 / max | POST p50 / p95 / max | "
             "server time of a POST p50 / p95 / max | votes/s | baseline burst p95 | "
             "ratio | errors | confirmed | sheets | codes used | exact |", "|" + "---|" * 14]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['n']} | {r['spread_s']:g} s | {pair(r['get'])} | "
            f"{pair(r['post'])} | {pair(r['server_post'])} | {r['votes_per_s']} | "
            f"{r['baseline']['p95_ms'] if r['baseline'] else '—'} | {r['ratio'] or '—'} | "
            f"{r['errors']} (server {r['server_errors']}) | {r['confirmed']} / {r['n']} | "
            f"{r['sheets']} / {r['n']} | {r['used']} / {r['n']} | "
            f"{'yes' if r['counted_exactly'] else 'NO'} |")
    return "\n".join(lines) + ("\n\n(times in ms; baseline: the same burst of two requests "
                               "to /healthz/, ratio = POST p95 ÷ baseline p95)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1000, help="raters (default 1000)")
    p.add_argument("--units", type=int, default=5, help="rated units (default 5)")
    p.add_argument("--spread", type=float, default=0.0,
                   help="seconds over which the votes start (default 0: all at once)")
    add_run_arguments(p)
    options = p.parse_args(argv)
    if options.setup is not None:
        print(json.dumps(setup(options.setup, options.units)))
        return 0
    if options.count is not None:
        print(json.dumps(count(options.count)))
        return 0
    databases = chosen_databases(p, options, "bench-votes")
    if not 1 <= options.n <= 2000:
        p.error("N must be between 1 and 2000 (a category's codes are at most 2000)")
    if not 1 <= options.units <= 50:
        p.error("--units must be between 1 and 50")
    if not 0 <= options.spread <= 600:
        p.error("--spread must be between 0 and 600 seconds")
    results = [one_result(database, options.n, lambda d=database: one_run(d, options.n, options))
               for database in databases]
    report(results, table(results), options.json)
    bad = [r for r in results if r["errors"] or r["server_errors"] or not r["counted_exactly"]]
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
