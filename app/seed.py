"""Demo data for `denialdesk dev` and `denialdesk seed-demo`.

Business dates (authorization ends, coverage starts, birth dates) count from the day it is
seeded, `today`, so a demo loaded next month is as fresh as one loaded now. Deterministic (one
random.Random per practice with a fixed seed: the same `today` gives the same rows on every
machine) and idempotent by natural keys: a practice whose slug exists is left alone, as is a
user whose username exists, and a practice that has its history gets none again, so running it
again changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from denialdesk.app import demo_clock
from denialdesk.app.demo_data import (
    DEFAULT_QUEUE,
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    PATIENT_MIX,
    PATIENT_TOWNS,
    PRACTICES,
    PROVIDERS,
    QUEUE_ROLES,
    SEED,
    STREETS,
    USERS,
    DemoLogin,
    payers_for,
)
from denialdesk.app.demo_history import write_history
from denialdesk.app.demo_live import write_live_claims
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    Authorization,
    Coverage,
    Patient,
    Payer,
    Practice,
    Provider,
    Queue,
    QueueMember,
)
from denialdesk.store.users import create_user, get_user

COMMERCIAL = ("evergreen", "crestline", "northstar")
# Medicare Beneficiary Identifier letters: no S, L, O, I, B or Z.
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


def seed_demo(
    engine: Engine, *, today: date, history: bool = True, live: int = 0
) -> list[DemoLogin]:
    """Load the demo practices and users (one transaction), then about nine months of closed
    claims (app/demo_history, a second transaction; `history=False` leaves them out, for
    tests and tools that need the reference data only), and `live` recent claims whose
    workflows run live (app/demo_live: stored as drafts, the worker starts them); return the
    demo logins."""
    with session_scope(engine) as session:
        for spec in PRACTICES:
            if _practice(session, spec["slug"]) is None:
                _seed_practice(session, spec, today)
        for login in USERS:
            if get_user(session, username=login.username) is None:
                create_user(
                    session,
                    username=login.username,
                    password=login.password,
                    role=login.role,
                    practice_slugs=login.practices,
                )
        _join_default_queues(session)
    if history:
        write_history(engine, today=today)
    if live:
        with Session(engine) as session:
            clocked = demo_clock.rearmed_authorization(session)
            keep_off = {clocked.coverage_id} if clocked is not None else set()
        write_live_claims(engine, today=today, count=live, keep_off=keep_off)
    return list(USERS)


def demo_logins(engine: Engine) -> list[DemoLogin]:
    """The demo logins whose users exist (what `denialdesk dev` prints on a later start)."""
    with Session(engine) as session:
        return [u for u in USERS if get_user(session, username=u.username) is not None]


def format_logins(logins: list[DemoLogin]) -> list[str]:
    """One aligned line per login: username, password, role, practices."""
    lines = []
    for login in logins:
        where = ", ".join(login.practices) or "every practice"
        lines.append(f"{login.username:<12} {login.password:<22} {login.role:<12} {where}")
    return lines


def _practice(session: Session, slug: str) -> Practice | None:
    return session.exec(select(Practice).where(Practice.slug == slug)).first()


def _seed_practice(session: Session, spec: dict, today: date) -> None:
    slug = spec["slug"]
    # A generator per practice: each practice's data stays the same if another one changes.
    rng = random.Random(f"{SEED}:{slug}")  # noqa: S311  (reproducible, not secret)
    fields = {k: v for k, v in spec.items() if k not in ("npi_stem", "write_off_threshold")}
    practice = Practice(
        **fields,
        npi=npi_with_check_digit(spec["npi_stem"]),
        write_off_threshold=Decimal(spec["write_off_threshold"]),
    )
    session.add(practice)
    session.flush()
    payers = {}
    for key, payer in payers_for(spec).items():
        address1, city, state, zip_code = payer["address"]
        row = {k: v for k, v in payer.items() if k != "address"}
        payers[key] = Payer(
            practice_id=practice.id,
            address1=address1,
            city=city,
            state=state,
            zip=zip_code,
            **row,
        )
        session.add(payers[key])
    npis: set[str] = set()
    for first, last, credential, taxonomy in PROVIDERS[slug]:
        npi = _unique_npi(rng, npis)
        session.add(
            Provider(
                practice_id=practice.id,
                npi=npi,
                first_name=first,
                last_name=last,
                credential=credential,
                taxonomy=taxonomy,
            )
        )
    session.add(Queue(practice_id=practice.id, name=DEFAULT_QUEUE, is_default=True))
    session.flush()
    _PatientMaker(session, rng, practice, payers, today).make_all()


def _unique_npi(rng: random.Random, taken: set[str]) -> str:
    while True:
        npi = npi_with_check_digit("1" + "".join(rng.choices("0123456789", k=8)))
        if npi not in taken:
            taken.add(npi)
            return npi


def _join_default_queues(session: Session) -> None:
    queues = {
        q.practice_id: q for q in session.exec(select(Queue).where(Queue.is_default.is_(True)))
    }
    slugs = {p.slug: p.id for p in session.exec(select(Practice))}
    for login in USERS:
        user = get_user(session, username=login.username)
        if user is None or login.role not in QUEUE_ROLES:
            continue
        for slug in login.practices:
            queue = queues.get(slugs.get(slug))
            if queue is not None and session.get(QueueMember, (queue.id, user.id)) is None:
                session.add(QueueMember(queue_id=queue.id, user_id=user.id))
    session.flush()


class _PatientMaker:
    """Patients of one practice with their coverages and authorizations (all invented)."""

    def __init__(self, session, rng, practice: Practice, payers: dict[str, Payer], today: date):
        self.session, self.rng, self.practice, self.payers = session, rng, practice, payers
        self.today = today
        self.sud = practice.kind == "substance_use"
        self.authorizations: list[Authorization] = []
        self.plan_change_done = False

    def make_all(self) -> None:
        plans = [key for key, n in PATIENT_MIX[self.practice.slug].items() for _ in range(n)]
        self.rng.shuffle(plans)
        for plan in plans:
            self._patient_with_coverage(plan)
        self._vary_authorizations()
        self.session.flush()

    # People -------------------------------------------------------------------------------

    def _person(
        self, age_from: int, age_to: int, last: str | None = None, not_named: str = ""
    ) -> dict:
        rng = self.rng
        sex = rng.choice("FM")
        age_days = rng.randint(age_from * 365, age_to * 365 + 364)
        names = [n for n in (FEMALE_NAMES if sex == "F" else MALE_NAMES) if n != not_named]
        return {
            "first_name": rng.choice(names),
            "last_name": last or rng.choice(LAST_NAMES),
            "birth_date": self.today - timedelta(days=age_days),
            "sex": sex,
        }

    def _address(self) -> dict:
        rng = self.rng
        city, state, zip_code = rng.choice(PATIENT_TOWNS[self.practice.slug])
        return {
            "address1": f"{rng.randint(100, 9899)} {rng.choice(STREETS)}",
            "address2": f"Apt {rng.randint(1, 12)}{rng.choice('ABCD')}"
            if rng.random() < 0.25
            else None,
            "city": city,
            "state": state,
            "zip": zip_code,
        }

    def _patient_with_coverage(self, plan: str) -> None:
        rng = self.rng
        dependent = False  # covered as a child under a parent's plan
        if plan == "medicare":
            ages = (66, 86)
        elif plan in COMMERCIAL and rng.random() < 0.3:
            # Children at the psychiatry group; young adults (under 26) at the SUD program.
            ages, dependent = ((19, 25) if self.sud else (7, 17)), True
        elif plan == "medicaid" and not self.sud and rng.random() < 0.3:
            ages = (8, 17)  # Medicaid children are their own subscribers
        else:
            ages = (19, 63)
        patient = Patient(practice_id=self.practice.id, **self._person(*ages), **self._address())
        self.session.add(patient)
        self.session.flush()
        subscriber = self._parent(patient) if dependent else None
        primary = self._coverage(patient, plan, "primary", subscriber)
        self._maybe_authorize(primary, plan)
        if plan == "medicare" and rng.random() < 0.5:
            self._coverage(patient, rng.choice(("medicaid", "northstar")), "secondary")
        elif plan in COMMERCIAL and rng.random() < 0.3:
            # The spouse's (or the other parent's) employer plan pays second.
            other = rng.choice([p for p in COMMERCIAL if p != plan])
            holder = self._parent(patient) if dependent else self._spouse(patient)
            self._coverage(patient, other, "secondary", holder)
        elif plan in COMMERCIAL and not dependent and not self.plan_change_done:
            self.plan_change_done = True
            primary.effective_from = date(self.today.year, 1, 1)
            self._ended_coverage(patient, rng.choice([p for p in COMMERCIAL if p != plan]))

    def _parent(self, patient: Patient) -> dict:
        age = patient_age(patient, self.today)
        parent = self._person(age + 20, 58, patient.last_name, patient.first_name)
        return {"relationship": "child", **parent}

    def _spouse(self, patient: Patient) -> dict:
        age = patient_age(patient, self.today)
        spouse = self._person(max(19, age - 5), age + 5, patient.last_name, patient.first_name)
        return {"relationship": "spouse", **spouse}

    # Coverages ----------------------------------------------------------------------------

    def _coverage(
        self, patient: Patient, plan: str, order: str, subscriber: dict | None = None
    ) -> Coverage:
        rng = self.rng
        fields: dict = {}
        if subscriber is not None:
            fields = {
                "relationship": subscriber["relationship"],
                "subscriber_first_name": subscriber["first_name"],
                "subscriber_last_name": subscriber["last_name"],
                "subscriber_birth_date": subscriber["birth_date"],
                "subscriber_sex": subscriber["sex"],
                # Families share the address the patient gave.
                "subscriber_address1": patient.address1,
                "subscriber_city": patient.city,
                "subscriber_state": patient.state,
                "subscriber_zip": patient.zip,
            }
        coverage = Coverage(
            patient_id=patient.id,
            payer_id=self.payers[plan].id,
            order=order,
            member_id=self._member_id(plan),
            group_number=None
            if plan in ("medicare", "medicaid")
            else f"{rng.randint(10000, 999999):06d}",
            # 13 months to 5 years old, counted back from today: every authorization and
            # nearly all of the demo history's months fall inside it.
            effective_from=_months_back(self.today, 12 * rng.randint(1, 4) + rng.randint(1, 12)),
            **fields,
        )
        if plan == "medicare":  # not before the month the patient turned 65
            born = patient.birth_date
            coverage.effective_from = max(
                coverage.effective_from, date(born.year + 65, born.month, 1)
            )
        self.session.add(coverage)
        self.session.flush()
        return coverage

    def _ended_coverage(self, patient: Patient, plan: str) -> None:
        """A plan the patient had until last year: claims for older dates bill it."""
        ended = date(self.today.year - 1, 12, 31)
        coverage = self._coverage(patient, plan, "primary")
        coverage.effective_from = date(self.today.year - 3, 1, 1)
        coverage.effective_to = ended
        self.session.add(coverage)

    def _member_id(self, plan: str) -> str:
        rng = self.rng
        digits = "0123456789"
        if plan == "medicare":
            return mbi(rng)
        if plan == "medicaid":
            return "".join(rng.choices(digits, k=10 if self.practice.state == "PA" else 9))
        prefix = {"evergreen": "EVG", "crestline": "XCL", "northstar": "NS"}[plan]
        return prefix + "".join(rng.choices(digits, k=9))

    # Authorizations -----------------------------------------------------------------------

    def _maybe_authorize(self, coverage: Coverage, plan: str) -> None:
        required = set(self.payers[plan].rules.get("auth_required_codes", []))
        if self.sud:
            wanted = [(["H0015"], "days", 36), (["H0004"], "units", 48)]
        else:
            wanted = [(["90837"], "visits", 24), (["96130", "96131"], "units", 4)]
        for index, (codes, unit_type, approved) in enumerate(wanted):
            # Everyone in the program or in therapy has the first; some have the second too.
            if required.issuperset(codes) and (index == 0 or self.rng.random() < 0.5):
                self._authorization(coverage, plan, codes, unit_type, approved)

    def _authorization(self, coverage, plan, codes, unit_type, approved) -> None:
        rng = self.rng
        start = self.today - timedelta(days=rng.randint(20, 100))
        prefix = "PA" if plan == "medicaid" else "A"
        auth = Authorization(
            practice_id=self.practice.id,
            coverage_id=coverage.id,
            number=prefix + "".join(rng.choices("0123456789", k=9)),
            codes=codes,
            unit_type=unit_type,
            approved=approved,
            used=rng.randint(0, approved // 2),
            scheduled=rng.randint(0, 3),
            start_date=start,
            end_date=start + timedelta(days=180),
            status="active",
        )
        self.session.add(auth)
        self.authorizations.append(auth)

    def _vary_authorizations(self) -> None:
        """Give the worklist something to do: one expiring soon, one nearly used up, one
        expired, one exhausted (the rest stay comfortably active)."""
        auths = self.authorizations
        if len(auths) < 4:
            return
        soon, low, expired, exhausted = auths[:4]
        soon.end_date = self.today + timedelta(days=6)
        low.used, low.scheduled = low.approved - 2, 1
        expired.end_date = self.today - timedelta(days=9)
        expired.status = "expired"
        exhausted.used, exhausted.scheduled, exhausted.status = exhausted.approved, 0, "exhausted"
        self.session.add_all(auths[:4])


def _months_back(today: date, months: int) -> date:
    """The first day of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def patient_age(patient: Patient, today: date) -> int:
    born = patient.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier in the CMS format (C A AN N A AN N A A N N)."""
    alnum = MBI_LETTERS + "0123456789"
    pattern = ("123456789", MBI_LETTERS, alnum, "0123456789", MBI_LETTERS, alnum)
    pattern += ("0123456789", MBI_LETTERS, MBI_LETTERS, "0123456789", "0123456789")
    return "".join(rng.choice(chars) for chars in pattern)
