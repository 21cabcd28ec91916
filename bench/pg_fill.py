"""A throwaway PostgreSQL 15 database filled with a large worklist, fast, for benchmarks.

The cluster is tests/pg.py's PgCluster (initdb + pg_ctl in /dev/shm, fsync off; a watchdog
stops it and deletes its folder even when this process dies). The schema comes from the
migrations; the rows are written by set-based SQL (INSERT ... SELECT FROM generate_series),
with the secondary indexes of the big tables dropped during the load and built again after
it (from their own definitions, so the schema ends exactly as migrated) and foreign-key
triggers off (session_replication_role = replica: the generator only writes ids it made).
Users are made with store.users.create_user, so their passwords hash as at any login.

Every value is a function of the row number (dates counted from today), so two runs hold the
same data.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from denialdesk.domain.carc import CATEGORY_PRECEDENCE
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Payer, Practice, Provider, Queue
from denialdesk.store.users import create_user

# tests/ is no package: its PgCluster (and the suites check it relies on) are plain modules.
TESTS = Path(__file__).resolve().parent.parent / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
from pg import PgCluster  # noqa: E402
from suites import postgres_missing  # noqa: E402

PASSWORD = "bench horse battery staple"  # noqa: S105 (a throwaway database's)
PRACTICES = 5
PAYERS_PER_PRACTICE = 8
PROVIDERS_PER_PRACTICE = 20
WORKERS_PER_PRACTICE = 3  # specialists tasks are assigned to (the bench specialist is one)
CLAIMS_PER_PATIENT = 10
# The generator's SQL is built from our own constants and ids, never from input (S608).
SERIES = "generate_series(CAST(:first AS integer), CAST(:last AS integer))"
CHUNK = 200_000  # rows per INSERT, for progress lines and bounded statement size
BIG_TABLES = ("claim", "claim_version", "task")
PAYER_NAMES = (
    "Blue Harbor Health Plan",
    "Medicare Part B",
    "State Medicaid",
    "Summit Mutual",
    "Keystone Behavioral",
    "Lakes Health Alliance",
    "Pioneer Care",
    "Union Workers Fund",
)


@dataclass(frozen=True)
class Sizes:
    claims: int
    open_tasks: int
    other_tasks: int  # pended, done and cancelled, for the other tabs' counts


@dataclass(frozen=True)
class Filled:
    supervisor: str  # supervisor in every practice
    specialist: str  # specialist in the first two practices
    practice_ids: list[int]
    payer_ids: list[list[int]]  # per practice
    password: str = PASSWORD


@contextmanager
def cluster_database(name: str = "bench") -> Iterator[tuple[PgCluster, Engine]]:
    """A running cluster with one migrated database; both gone on leaving (or on a crash)."""
    missing = postgres_missing()
    if missing:
        raise SystemExit(missing)
    cluster = PgCluster()
    engine = None
    try:
        cluster.start()
        cluster.execute(f'CREATE DATABASE "{name}"')
        engine = make_engine(cluster.url(name))
        upgrade(engine)
        yield cluster, engine
    finally:
        if engine is not None:
            engine.dispose()
        cluster.stop()


def fill(engine: Engine, sizes: Sizes, say: Callable[[str], None] = print) -> Filled:
    started = time.perf_counter()
    filled = _reference_rows(engine)
    say(f"  reference rows and users: {time.perf_counter() - started:.1f} s")
    with engine.begin() as db:
        db.execute(text("SET LOCAL session_replication_role = replica"))
        db.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        indexes = _drop_secondary_indexes(db)
        _fill_people(db, filled, sizes, say)
        _fill_claims(db, filled, sizes, say)
        _fill_tasks(db, filled, sizes, say)
        db.execute(text("DROP TABLE bench_worker, bench_queue"))
        step = time.perf_counter()
        for index_sql in indexes:
            db.execute(text(index_sql))
        say(f"  {len(indexes)} indexes built again in {time.perf_counter() - step:.1f} s")
        for table in ("patient", "coverage", *BIG_TABLES):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            db.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))  # noqa: S608
    step = time.perf_counter()
    # VACUUM too, not only ANALYZE: a table in steady use is vacuumed by autovacuum, and its
    # visibility map is what lets counts run as index-only scans.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM (ANALYZE)"))
    say(f"  VACUUM ANALYZE: {time.perf_counter() - step:.1f} s")
    say(f"  filled in {time.perf_counter() - started:.1f} s")
    return filled


def _reference_rows(engine: Engine) -> Filled:
    """Practices, payers, providers, queues and users: few rows, through the models."""
    practice_ids: list[int] = []
    payer_ids: list[list[int]] = []
    with session_scope(engine) as session:
        for n in range(1, PRACTICES + 1):
            practice = Practice(
                slug=f"bench-{n}",
                legal_name=f"Bench {n} Behavioral Health PC",
                npi=npi_with_check_digit(f"19{n:07d}"),
                tax_id=f"{n:09d}",
                address1=f"{n} Main Street",
                city="Springfield",
                state="IL",
                zip="62701",
                taxonomy="261QM0801X",
            )
            session.add(practice)
            session.flush()
            practice_ids.append(practice.id)
            payers = [
                Payer(
                    practice_id=practice.id,
                    name=name,
                    payer_id=f"P{n}{k:04d}",
                    remittance_ids=[f"1{n}{k:08d}"],
                    plan_type="commercial",
                    filing_indicator="CI",
                    correction_method="replacement_7",
                    appeal_levels=[{"level": 1, "name": "First level", "window_days": 180}],
                )
                for k, name in enumerate(PAYER_NAMES[:PAYERS_PER_PRACTICE])
            ]
            session.add_all(payers)
            for k in range(PROVIDERS_PER_PRACTICE):
                session.add(
                    Provider(
                        practice_id=practice.id,
                        npi=npi_with_check_digit(f"18{n:02d}{k:05d}"),
                        first_name="Robin",
                        last_name=f"Clinician{n}x{k}",
                        credential="LCSW",
                        taxonomy="1041C0700X",
                    )
                )
            session.add(Queue(practice_id=practice.id, name="Denials", is_default=True))
            session.add(
                Queue(
                    practice_id=practice.id,
                    name="Authorizations",
                    routing={"categories": ["authorization"]},
                )
            )
            session.flush()
            payer_ids.append([payer.id for payer in payers])
        slugs = [f"bench-{n}" for n in range(1, PRACTICES + 1)]
        create_user(
            session, username="supervisor", password=PASSWORD, role="supervisor",
            practice_slugs=slugs,
        )  # fmt: skip
        # The bench specialist works the first two practices; two colleagues work each one.
        create_user(
            session, username="specialist", password=PASSWORD, role="specialist",
            practice_slugs=slugs[:2],
        )  # fmt: skip
        for n, slug in enumerate(slugs, 1):
            for k in range(1 if n <= 2 else 0, WORKERS_PER_PRACTICE):
                create_user(
                    session, username=f"worker-{n}-{k}", password=PASSWORD, role="specialist",
                    practice_slugs=[slug],
                )  # fmt: skip
    # Who tasks are assigned to: worker number k of each practice.
    with engine.begin() as db:
        db.execute(
            text(
                "CREATE TABLE bench_worker AS"
                " SELECT r.practice_id, CASE WHEN u.username = 'specialist' THEN 0"
                "   ELSE split_part(u.username, '-', 3)::int END AS n, u.id AS user_id"
                ' FROM user_role r JOIN "user" u ON u.id = r.user_id'
                " WHERE u.username = 'specialist' OR u.username LIKE 'worker-%'"
            )
        )
        db.execute(
            text(
                "CREATE TABLE bench_queue AS"
                " SELECT practice_id, max(id) FILTER (WHERE is_default) AS default_id,"
                "   max(id) FILTER (WHERE NOT is_default) AS auth_id"
                " FROM queue GROUP BY practice_id"
            )
        )
    return Filled("supervisor", "specialist", practice_ids, payer_ids)


def _drop_secondary_indexes(db: Connection) -> list[str]:
    """Drop the big tables' indexes no constraint owns; return their CREATE statements."""
    rows = db.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY t.relname, i.relname"
        ),
        {"tables": list(BIG_TABLES)},
    ).all()
    for name, _definition in rows:
        db.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in rows]


def _array(values: list[int]) -> str:
    return "ARRAY[" + ",".join(str(int(v)) for v in values) + "]"


def _array2(rows: list[list[int]]) -> str:
    return "ARRAY[" + ",".join(_array(row) for row in rows) + "]"


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for first in range(1, total + 1, CHUNK):
        yield first, min(first + CHUNK - 1, total)


def _insert(db: Connection, label: str, total: int, sql: str, say) -> None:
    """Run `sql` (with :first and :last, 1-based row numbers) chunk by chunk, with progress."""
    started = time.perf_counter()
    for first, last in _chunks(total):
        db.execute(text(sql), {"first": first, "last": last})
        elapsed = time.perf_counter() - started
        say(f"  {label}: {last:>9,} / {total:,} rows, {elapsed:5.1f} s")


def _patients(sizes: Sizes) -> int:
    """One patient per CLAIMS_PER_PATIENT claims, a multiple of PRACTICES (row g belongs to
    practice number (g - 1) % PRACTICES, and so do the claims that point at it)."""
    return max(PRACTICES, sizes.claims // CLAIMS_PER_PATIENT // PRACTICES * PRACTICES)


def _fill_people(db: Connection, filled: Filled, sizes: Sizes, say) -> None:
    patients = _patients(sizes)
    practices = _array(filled.practice_ids)
    payers = _array2(filled.payer_ids)
    _insert(
        db,
        "patients",
        patients,
        "INSERT INTO patient (id, practice_id, first_name, last_name, birth_date, sex,"  # noqa: S608
        " address1, city, state, zip)"
        f" SELECT g, ({practices})[(g - 1) % {PRACTICES} + 1], 'Alex', 'Patient' || g,"
        " date '1950-01-01' + g % 20000, 'U', g || ' Elm Street', 'Springfield', 'IL', '62701'"
        f" FROM {SERIES} g",
        say,
    )
    # Coverage g is patient g's, with one of its practice's payers.
    _insert(
        db,
        "coverages",
        patients,
        'INSERT INTO coverage (id, patient_id, payer_id, "order", member_id, relationship,'  # noqa: S608
        " effective_from)"
        f" SELECT g, g, ({payers})[(g - 1) % {PRACTICES} + 1]"
        f"[{_pick('g', 1, PAYERS_PER_PRACTICE)}],"
        " 'primary', 'M' || lpad(g::text, 9, '0'), 'self', date '2024-01-01'"
        f" FROM {SERIES} g",
        say,
    )


# Claim g is practice number (g - 1) % PRACTICES's; its status goes by s = (g - 1) / PRACTICES
# % 20: half paid, three in twenty denied (the open tasks' claims), in every practice alike.
CLAIM_STATUS = (
    f"CASE WHEN (g - 1) / {PRACTICES} % 20 < 10 THEN 'paid'"
    f" WHEN (g - 1) / {PRACTICES} % 20 < 13 THEN 'denied'"
    f" WHEN (g - 1) / {PRACTICES} % 20 = 13 THEN 'partially_paid'"
    f" WHEN (g - 1) / {PRACTICES} % 20 < 17 THEN 'submitted'"
    f" WHEN (g - 1) / {PRACTICES} % 20 = 17 THEN 'appealed'"
    f" WHEN (g - 1) / {PRACTICES} % 20 = 18 THEN 'written_off' ELSE 'draft' END"
)


# The n-th (0-based) claim whose s is in [low, low + span): claim number minus one.
def _nth_claim(n: str, low: int, span: int) -> str:
    per_practice = f"({n}) / {PRACTICES}"
    return (
        f"{PRACTICES} * (20 * ({per_practice} / {span}) + {low} + {per_practice} % {span})"
        f" + ({n}) % {PRACTICES}"
    )


def _unit(value: str, salt: int) -> str:
    """A number in [0, 1) that looks random, from an integer and a salt (deterministic)."""
    return f"((hashint4extended({value}, {salt}) & 1048575) / 1048576.0)"


def _pick(value: str, salt: int, choices: int) -> str:
    """A 1-based index into `choices` items, spread by a hash of `value`."""
    return f"(floor({_unit(value, salt)} * {choices})::int + 1)"


def _fill_claims(db: Connection, filled: Filled, sizes: Sizes, say) -> None:
    patients = _patients(sizes)
    practices = _array(filled.practice_ids)
    payers = _array2(filled.payer_ids)
    providers = db.execute(
        text("SELECT practice_id, array_agg(id ORDER BY id) FROM provider GROUP BY practice_id")
    ).all()
    by_practice = dict(providers)
    provider_rows = _array2([by_practice[pid] for pid in filled.practice_ids])
    # Claim g is patient p's (p = (g - 1) % patients + 1, so the same practice), billed to the
    # payer of p's coverage, by one of the practice's providers.
    _insert(
        db,
        "claims",
        sizes.claims,
        "INSERT INTO claim (id, practice_id, patient_id, coverage_id, payer_id, provider_id,"  # noqa: S608
        " control_number, version, frequency, payer_claim_number, status, total_charge,"
        " total_paid, first_service_date, created_at, submitted_at, closed_at)"
        f" SELECT g, practices[k], p, p, payers[k][{_pick('p', 1, PAYERS_PER_PRACTICE)}],"
        f" providers[k][{_pick('g', 2, PROVIDERS_PER_PRACTICE)}],"
        " 'DD' || lpad(g::text, 12, '0'), 1, '1',"
        " CASE WHEN status = 'draft' THEN NULL ELSE 'PCN' || g END, status, charge,"
        " CASE status WHEN 'paid' THEN round(charge * 0.8, 2)"
        "   WHEN 'partially_paid' THEN round(charge * 0.4, 2) ELSE 0 END,"
        " date '2024-01-01' + g % 700,"
        " timestamptz '2024-01-02 15:00+00' + g % 700 * interval '1 day',"
        " CASE WHEN status = 'draft' THEN NULL"
        "   ELSE timestamptz '2024-01-03 15:00+00' + g % 700 * interval '1 day' END,"
        " CASE WHEN status IN ('paid', 'written_off')"
        "   THEN timestamptz '2024-02-15 15:00+00' + g % 700 * interval '1 day' END"
        " FROM (SELECT g, (g - 1) % "
        f"{patients} + 1 AS p, (g - 1) % {PRACTICES} + 1 AS k, {CLAIM_STATUS} AS status,"
        f" 100 + g * 37 % 900 + 0.00 AS charge FROM {SERIES} g) s,"
        f" (SELECT {practices} AS practices, {payers} AS payers, {provider_rows} AS providers) a",
        say,
    )
    _insert(
        db,
        "claim versions",
        sizes.claims,
        "INSERT INTO claim_version (id, claim_id, version, frequency, payer_claim_number,"
        " total_charge, created_at)"
        " SELECT id, id, 1, '1', NULL, total_charge, created_at FROM claim"
        " WHERE id BETWEEN :first AND :last",
        say,
    )


def _task_sql(status_sql: str, claim_sql: str, offset: int, claims: int) -> str:
    """INSERT of tasks j = :first..:last (ids offset + j) for claim `claim_sql` (j based)."""
    categories = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORY_PRECEDENCE) + "]"
    return (
        "INSERT INTO task (id, key, workflow_id, practice_id, queue_id, claim_id, kind,"  # noqa: S608
        " category, recommended_action, status, assignee_id, assigned_at, amount, priority,"
        " priority_reason, due_at, pended_until, pend_reason, escalated, detail, version,"
        " created_at, updated_at, closed_at, sla_due_at)"
        f" SELECT {offset} + j, 'claim-' || p.slug || '-' || c.id || ':' || ({offset} + j),"
        " 'claim-' || p.slug || '-' || c.id, c.practice_id,"
        " CASE WHEN t.category = 'authorization' THEN q.auth_id ELSE q.default_id END,"
        " c.id, t.kind, t.category,"
        " CASE t.kind WHEN 'work_denial' THEN 'appeal' WHEN 'send_appeal' THEN 'appeal'"
        "   ELSE NULL END,"
        " t.status, w.user_id,"
        " CASE WHEN w.user_id IS NOT NULL THEN t.created_at + interval '2 hours' END,"
        " c.total_charge - c.total_paid, t.priority,"
        " 'amount ' || (c.total_charge - c.total_paid) || ', ' || t.category,"
        " t.due_at,"
        " CASE WHEN t.status = 'pended' THEN current_date + j % 30 + 1 END,"
        " CASE WHEN t.status = 'pended' THEN 'waiting for the payer''s call back' END,"
        " t.priority > 95, '{}'::json, 1, t.created_at, t.created_at,"
        " CASE WHEN t.status IN ('done', 'cancelled') THEN t.created_at + interval '5 days' END,"
        " t.created_at + interval '14 days'"
        " FROM (SELECT j,"
        f"   {status_sql} AS status,"
        f"   ({claim_sql}) % {claims} + 1 AS claim_id,"
        f"   CASE WHEN {_unit('j', 3)} < 0.8 THEN 'work_denial'"
        f"     WHEN {_unit('j', 3)} < 0.9 THEN 'payer_follow_up' ELSE 'send_appeal' END AS kind,"
        f"   ({categories})[{_pick('j', 4, len(CATEGORY_PRECEDENCE))}] AS category,"
        # Many distinct priorities and some ties (the list breaks them by id).
        f"   round({_unit('j', 5)} * 100, 2)::float8 AS priority,"
        f"   CASE WHEN {_unit('j', 6)} < 0.05 THEN NULL"
        f"     ELSE current_date + {_pick('j', 7, 120)} - 31 END AS due_at,"
        f"   now() - {_unit('j', 8)} * interval '90 days' AS created_at,"
        f"   {_pick('j', 9, 10)} - 1 AS worker"
        f"   FROM {SERIES} j) t"
        " JOIN claim c ON c.id = t.claim_id"
        " JOIN practice p ON p.id = c.practice_id"
        " JOIN bench_queue q ON q.practice_id = c.practice_id"
        # Three tasks in ten are assigned, to one of the practice's three workers.
        " LEFT JOIN bench_worker w ON w.practice_id = c.practice_id AND w.n = t.worker"
    )


def _fill_tasks(db: Connection, filled: Filled, sizes: Sizes, say) -> None:
    # Open tasks are on the denied claims, the others on paid ones: one in twenty pended,
    # one cancelled, the rest done.
    _insert(
        db,
        "open tasks",
        sizes.open_tasks,
        _task_sql("'open'", _nth_claim("j - 1", 10, 3), 0, sizes.claims),
        say,
    )
    _insert(
        db,
        "pended, done and cancelled tasks",
        sizes.other_tasks,
        _task_sql(
            "CASE j % 20 WHEN 0 THEN 'pended' WHEN 1 THEN 'cancelled' ELSE 'done' END",
            _nth_claim("j - 1", 0, 10),
            sizes.open_tasks,
            sizes.claims,
        ),
        say,
    )
