"""Worklist speed on PostgreSQL: the page and its htmx fragments against the bare SQL they run.

A throwaway PostgreSQL 15 cluster (bench/pg_fill.py) holds 5 practices, 1,000,000 claims (each
with its claim version) and 100,000 open tasks (80% work_denial, spread over the denial
categories, priorities, due dates, amounts; three in ten assigned), plus 100,000 pended, done
and cancelled tasks for the other tabs. The app (create_app, dev settings) runs under uvicorn
in a thread of this process (app/serving.py), called over HTTP by httpx clients (keep-alive)
logged in through /login, as a supervisor of every practice and as a specialist of two. For
each view:
- the page, GET /worklist?... (tabs with counts, filters, rows);
- the fragment, the same URL with HX-Request: true (the results block, what the filter form
  and the tabs swap in);
- Load more, the fragment of a later page (following the keyset cursors a few pages on);
- the bare SQL: every statement the request sends (the caller, the rows with their labels,
  the tab counts, the filter lists), captured from the engine while it runs and replayed raw,
  one after another, on a plain psycopg connection;
- the row query: the one of them that reads the rows, replayed alone.
Views: all open tasks by priority, one payer by due date, unassigned oldest first (the
supervisor); all open by priority, unassigned by amount (the specialist).
Each is timed REPEATS times after WARMUP runs (wall clock: the database is another process;
a series stops after BUDGET_SECONDS once it has MIN_REPEATS); p50, p95 and the p95 ratios are
printed, with the statements one request issues, the database time they take, the page's
statements slowest first and the plans of its row query and slowest one. GET /healthz (one
SELECT 1 through the same stack) is printed as the floor of any request.
Target: every request within 3x of its bare SQL (p95): what the app adds to the database's
work (HTTP, session, ORM, template) at most twice that work again. The ratio to the row query
alone is printed beside it: the page also counts five tabs over 100,000 tasks and reads the
caller and the filter lists, so no page can come within 3x of its row query by itself.

Sizes: DENIALDESK_BENCH_CLAIMS, DENIALDESK_BENCH_TASKS (open), DENIALDESK_BENCH_OTHER_TASKS,
DENIALDESK_BENCH_REPEATS for a quick run. Server settings for every connection, e.g.
PGOPTIONS='-c jit=off', through libpq's environment.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.pg_fill import Filled, Sizes, cluster_database, fill
from denialdesk.app.asgi import create_app
from denialdesk.app.serving import serving
from denialdesk.app.settings import Settings

TARGET = 3.0
WARMUP = 10
MIN_REPEATS = 20
BUDGET_SECONDS = 30.0  # per timed series, once MIN_REPEATS are in
LOAD_MORE_PAGE = 5  # Load more is timed for this page (page 1 is the first one)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
MORE_LINK = re.compile(r'hx-get="(/worklist\?[^"]+cursor=[^"]+)"')
ROW = re.compile(r'<tr id="task-\d+"')


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").replace("_", "") or default)


@dataclass
class Statement:
    sql: str
    parameters: object
    seconds: float


@dataclass
class Capture:
    """Every statement the engine sends while `on`, with its time (execute only)."""

    engine: Engine
    on: bool = False
    statements: list[Statement] = field(default_factory=list)

    def __post_init__(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, _sql, _parameters, _context, _many) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, _cursor, sql, parameters, _context, _many) -> None:
        if self.on:
            elapsed = time.perf_counter() - conn.info.pop("bench_started")
            self.statements.append(Statement(sql, parameters, elapsed))

    def run(self, work: Callable[[], object]) -> list[Statement]:
        self.statements = []
        self.on = True
        try:
            work()
        finally:
            self.on = False
        return self.statements


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    cuts = statistics.quantiles(seconds, n=20, method="inclusive")
    return statistics.median(seconds) * 1000, cuts[-1] * 1000


def timed(work: Callable[[], object], repeats: int) -> list[float]:
    """`repeats` timings after WARMUP runs; a slow request stops at BUDGET_SECONDS (and
    MIN_REPEATS), so a view that misses its target by far does not take the run hostage."""
    started = time.perf_counter()
    for _ in range(WARMUP):
        work()
        if time.perf_counter() - started > BUDGET_SECONDS / 10:
            break
    times: list[float] = []
    budget_end = time.perf_counter() + BUDGET_SECONDS
    while len(times) < repeats and (len(times) < MIN_REPEATS or time.perf_counter() < budget_end):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def is_row_query(sql: str) -> bool:
    return sql.lstrip().startswith("SELECT task.id") and "ORDER BY" in sql and "LIMIT" in sql


def label(sql: str) -> str:
    """A statement on one line, its column list shortened: what it reads and how."""
    line = " ".join(sql.split())
    line = re.sub(r"^SELECT (\w+)\.\w+(, \1\.\w+){3,} FROM", r"SELECT \1.* FROM", line)
    line = re.sub(r"%\((\w+?)(_\d+)*\)s", "?", line)
    line = re.sub(r"\(\?(, \?)+\)", "(?…)", line)
    return line if len(line) <= 150 else line[:149] + "…"


def log_in(client: httpx.Client, username: str, password: str) -> None:
    token = CSRF_INPUT.search(client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "next": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, f"login as {username}: {response.status_code}"


def get(client: httpx.Client, url: str, *, fragment: bool) -> str:
    headers = {"HX-Request": "true"} if fragment else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.text


def more_link(html: str) -> str | None:
    match = MORE_LINK.search(html)
    return match.group(1).replace("&amp;", "&") if match else None


@dataclass(frozen=True)
class View:
    who: str
    title: str
    url: str


class Bare:
    """The row query replayed alone: one round trip on an autocommit psycopg connection."""

    def __init__(self, conninfo: str) -> None:
        self.connection = psycopg.connect(conninfo, autocommit=True)

    def close(self) -> None:
        self.connection.close()

    def runner(self, statement: Statement) -> Callable[[], object]:
        def run() -> list:
            with self.connection.cursor() as cursor:
                cursor.execute(statement.sql, statement.parameters)
                return cursor.fetchall()

        return run

    def sequence(self, statements: list[Statement]) -> Callable[[], object]:
        """Every statement of a request, one after another, as the driver alone runs them."""
        runs = [self.runner(statement) for statement in statements]

        def run() -> None:
            for one in runs:
                one()

        return run

    def explain(self, statement: Statement) -> str:
        with self.connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)
            return "\n".join(row[0] for row in cursor.fetchall())


def row_query(statements: list[Statement]) -> Statement:
    rows = [s for s in statements if is_row_query(s.sql)]
    assert len(rows) == 1, f"expected one row query, found {len(rows)}"
    return rows[0]


@dataclass
class Result:
    view: View
    request: str
    p50: float
    p95: float
    bare_p95: float
    all_sql_p95: float  # the request's statements, all of them, replayed raw

    @property
    def ratio(self) -> float:
        return self.p95 / self.bare_p95

    @property
    def all_sql_ratio(self) -> float:
        return self.p95 / self.all_sql_p95


def measure_view(
    view: View, client: httpx.Client, capture: Capture, bare: Bare, repeats: int
) -> list[Result]:
    """Time one view's page, fragment and Load more against their bare SQL; print it all."""
    first = get(client, view.url, fragment=False)
    assert len(ROW.findall(first)) == 50, "the first page should be full"
    # Follow Load more to a later page (the last one there is, on a small quick run).
    later, page = more_link(first), 2
    while page < LOAD_MORE_PAGE and (link := more_link(get(client, later, fragment=True))):
        later, page = link, page + 1
    assert later, "one page only: too few tasks for Load more"
    requests = {
        "page": lambda: get(client, view.url, fragment=False),
        "fragment": lambda: get(client, view.url, fragment=True),
        f"load more (page {page})": lambda: get(client, later, fragment=True),
    }
    print(f"\n  {view.who}: {view.title}  GET {view.url}", flush=True)
    print(
        f"    {'':30} {'runs':>4} {'p50 ms':>8} {'p95 ms':>8}  {'SQL':>3} {'SQL ms':>7}"
        f"  {'raw p95':>7}  p95/rows  p95/raw"
    )
    results: list[Result] = []
    bares: dict[str, tuple[float, float]] = {}
    for name, request in requests.items():
        request()  # warm
        query = row_query(capture.run(request))
        key = "first page" if name in ("page", "fragment") else name
        if key not in bares:
            # A page and one row more, which tells whether there is a next page (the last page
            # of a small quick run has fewer).
            assert bare.runner(query)(), "the row query returned no rows"
            times = timed(bare.runner(query), repeats)
            bares[key] = percentiles(times)
            p50, p95 = bares[key]
            print(f"    {'bare row query, ' + key:30} {len(times):4} {p50:8.2f} {p95:8.2f}")
        # The statements of a request and their database time: median of a few captured runs.
        runs = [capture.run(request) for _ in range(5)]
        sql_ms = statistics.median(sum(s.seconds for s in run) for run in runs) * 1000
        _raw_p50, raw_p95 = percentiles(timed(bare.sequence(runs[0]), repeats))
        times = timed(request, repeats)
        p50, p95 = percentiles(times)
        result = Result(view, name, p50, p95, bares[key][1], raw_p95)
        results.append(result)
        verdict = "ok" if result.all_sql_ratio <= TARGET else f"over {TARGET:g}x"
        print(
            f"    {name:30} {len(times):4} {p50:8.2f} {p95:8.2f}  {len(runs[0]):3} {sql_ms:7.2f}"
            f"  {raw_p95:7.2f}  {result.ratio:6.1f}x   {result.all_sql_ratio:5.1f}x  {verdict}",
            flush=True,
        )
    return results


def breakdown(capture: Capture, request: Callable[[], object], runs: int = 10) -> list[Statement]:
    """Print each statement of one request with its median time, slowest first; return them
    in that order."""
    captured = [capture.run(request) for _ in range(runs)]
    count = len(captured[0])
    assert all(len(run) == count for run in captured), "requests issue different statements"
    rows = []
    for index in range(count):
        median = statistics.median(run[index].seconds for run in captured) * 1000
        rows.append((median, index, captured[0][index]))
    rows.sort(key=lambda row: row[0], reverse=True)
    total = sum(median for median, _index, _statement in rows)
    print(f"    the page's {count} statements: {total:.2f} ms in the database (medians):")
    for median, index, statement in rows:
        print(f"    {median:8.2f} ms  #{index + 1:<2} {label(statement.sql)}")
    return [statement for _median, _index, statement in rows]


def print_plan(title: str, plan: str) -> None:
    print(f"    {title}:")
    for line in plan.splitlines():
        print(f"      {line}")


def server_line(bare: Bare) -> str:
    with bare.connection.cursor() as cursor:
        values = []
        for setting in ("server_version", "jit", "shared_buffers", "work_mem"):
            cursor.execute(f"SHOW {setting}")
            values.append(f"{setting} {cursor.fetchone()[0]}")
    return ", ".join(values)


def main() -> None:
    sizes = Sizes(
        claims=_env_int("DENIALDESK_BENCH_CLAIMS", 1_000_000),
        open_tasks=_env_int("DENIALDESK_BENCH_TASKS", 100_000),
        other_tasks=_env_int("DENIALDESK_BENCH_OTHER_TASKS", 100_000),
    )
    repeats = _env_int("DENIALDESK_BENCH_REPEATS", 100)
    print(
        f"worklist on PostgreSQL: {sizes.claims:,} claims, {sizes.open_tasks:,} open tasks,"
        f" {sizes.other_tasks:,} pended/done/cancelled; each figure: {repeats} timed runs"
        f" (at most {BUDGET_SECONDS:g} s of them, at least {MIN_REPEATS}) after {WARMUP} warm-up"
        " runs",
        flush=True,
    )
    with cluster_database() as (cluster, engine), tempfile.TemporaryDirectory() as var:
        filled = fill(engine, sizes, say=lambda line: print(line, flush=True))
        run(cluster.url("bench"), engine, filled, Path(var), repeats)


def run(url: str, engine: Engine, filled: Filled, var: Path, repeats: int) -> None:
    settings = Settings(mode="dev", var_dir=var, _env_file=None)
    app = create_app(settings, engine)
    capture = Capture(engine)
    # The same database as the app's, through the driver alone.
    bare = Bare(url.replace("postgresql+psycopg://", "postgresql://"))
    payer = filled.payer_ids[0][0]
    views = [
        View(filled.supervisor, "all open, by priority (5 practices)", "/worklist?tab=open"),
        View(
            filled.supervisor,
            "one payer, by due date",
            f"/worklist?tab=open&payer={payer}&sort=due",
        ),
        View(filled.supervisor, "unassigned, oldest first", "/worklist?tab=unassigned&sort=age"),
        View(filled.specialist, "all open, by priority (2 practices)", "/worklist?tab=open"),
        View(filled.specialist, "unassigned, by amount", "/worklist?tab=unassigned&sort=amount"),
    ]
    results: list[Result] = []
    try:
        print(f"  server: {server_line(bare)}")
        with (
            serving(app) as base,
            httpx.Client(base_url=base) as supervisor,
            httpx.Client(base_url=base) as specialist,
        ):
            clients = {filled.supervisor: supervisor, filled.specialist: specialist}
            for username, client in clients.items():
                log_in(client, username, filled.password)
            # The floor of any request: the same stack, one SELECT 1 (GET /healthz).
            p50, p95 = percentiles(timed(lambda: supervisor.get("/healthz"), repeats))
            print(f"  GET /healthz (the floor of any request): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
            for view in views:
                client = clients[view.who]
                results += measure_view(view, client, capture, bare, repeats)
                page = breakdown(capture, lambda c=client, u=view.url: get(c, u, fragment=False))
                query = row_query(page)
                print_plan("plan of the row query", bare.explain(query))
                if page[0] is not query:
                    print_plan(
                        f"plan of the slowest statement, {label(page[0].sql)[:60]}…",
                        bare.explain(page[0]),
                    )
    finally:
        bare.close()
    print(
        f"\n  summary: p95 of each request / p95 of all its statements replayed raw (target"
        f" <= {TARGET:g}x), and / p95 of its row query alone"
    )
    for result in results:
        verdict = "ok" if result.all_sql_ratio <= TARGET else "over"
        print(
            f"    {result.view.who:10} {result.view.title:38} {result.request:18}"
            f" {result.p95:9.2f} ms / {result.all_sql_p95:7.2f} ms = {result.all_sql_ratio:4.1f}x"
            f" {verdict:4}  / {result.bare_p95:7.2f} ms = {result.ratio:5.1f}x"
        )
