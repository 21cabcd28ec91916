"""Who was seen, when, by whom, for what: the visits of nine months at one demo practice.

Each patient has a care plan drawn once: clinicians the patient's payers pay for the service
(a plan that does not credential counselors gets a social worker), diagnoses, and streams of
sessions with a cadence (weekly or every other week therapy, monthly medication management,
group, an intensive outpatient program billed per week at the substance-use program). Sessions
fall only on days the patient's primary coverage was in effect, and some are missed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from denialdesk.app.demo_history.context import PracticeContext
from denialdesk.app.demo_history.model import Line, Visit
from denialdesk.app.demo_history.plan import Window
from denialdesk.app.demo_history.tables import CHARGES, DIAGNOSES, OPIOID_OR_ALCOHOL
from denialdesk.store.models import Patient, Provider

HOLIDAYS = ((1, 1), (7, 4), (12, 24), (12, 25), (12, 26), (12, 31))
THERAPISTS = ("PsyD", "LCSW", "LPC", "LMFT")
PRESCRIBERS = ("MD", "NP")
CHILD_PSYCHIATRY = "2084P0804X"
PROGRAM_PLACE = "57"  # non-residential substance abuse treatment facility
OFFICE = "11"


class CarePlanner:
    def __init__(self, ctx: PracticeContext, rng: random.Random, window: Window) -> None:
        self.ctx, self.rng, self.window = ctx, rng, window
        self.charges = CHARGES[ctx.slug]
        self.sud = ctx.practice.kind == "substance_use"

    def visits(self) -> list[Visit]:
        found: list[Visit] = []
        for patient in self.ctx.patients:
            if self.sud:
                found.extend(self._recovery(patient))
            else:
                found.extend(self._psychiatry(patient))
        return found

    # --- the psychiatry group --------------------------------------------------------------

    def _psychiatry(self, patient: Patient) -> Iterator[Visit]:
        rng = self.rng
        child = _age(patient, self.window.first_service) < 18
        pool = DIAGNOSES["child" if child else "adult"]
        dx = self._diagnoses(pool)
        start, new = self._care_start(new_share=0.2)
        if child:
            prescribers = [p for p in self.ctx.providers if p.taxonomy == CHILD_PSYCHIATRY]
        else:
            prescribers = [
                p
                for p in self.ctx.providers
                if p.credential in PRESCRIBERS and p.taxonomy != CHILD_PSYCHIATRY
            ]
        prescriber = rng.choice(prescribers) if rng.random() < (0.5 if child else 0.7) else None
        therapist = None
        if prescriber is None or rng.random() < 0.9:
            therapist = self._clinician(patient, "90834", THERAPISTS)
        first = self._covered_day(patient, start)
        if first is None:
            return
        if new:  # the intake evaluation opens care
            who = therapist or prescriber
            code = "90791" if who is therapist else "90792"
            yield self._visit(patient, who, dx, [self._line(first, code)])
            start = first + timedelta(days=7)
        if therapist is not None:
            limited = self._limited(patient, start)
            every = 2 if rng.random() < (0.4 if limited else 0.15) else 1
            for day in self._sessions(patient, start, every):
                yield self._visit(patient, therapist, dx, self._therapy(patient, day, child))
        if prescriber is not None:
            for day in self._sessions(patient, start, rng.choice((4, 4, 6))):
                yield self._visit(patient, prescriber, dx, self._medication(patient, day))
        if not child and rng.random() < 0.2:
            leader = self._clinician(patient, "90853", ("LCSW",))
            for day in self._sessions(patient, start, 1):
                yield self._visit(patient, leader, dx, [self._line(day, "90853")])
        if rng.random() < 0.1:
            yield from self._testing(patient, dx, start)

    def _therapy(self, patient: Patient, day: date, child: bool) -> list[Line]:
        rng = self.rng
        plan = self._plan(patient, day)
        place, modifiers = self._place(plan)
        if child and plan != "medicaid" and place == OFFICE and rng.random() < 0.2:
            return [self._line(day, "90847", minutes=rng.randint(45, 55))]
        roll = rng.random()
        if roll < (0.3 if child else 0.1):
            code, minutes = "90832", rng.randint(25, 37)
        elif roll < 0.65:
            code, minutes = "90834", rng.randint(38, 52)
        else:
            code, minutes = "90837", rng.randint(53, 60)
        lines = [self._line(day, code, minutes=minutes, place=place, modifiers=modifiers)]
        if child and code != "90837" and rng.random() < 0.25:
            lines.append(self._line(day, "90785", place=place, modifiers=modifiers))
        return lines

    def _medication(self, patient: Patient, day: date) -> list[Line]:
        rng = self.rng
        place, modifiers = self._place(self._plan(patient, day))
        code = rng.choices(("99214", "99213", "99215"), (0.6, 0.3, 0.1))[0]
        lines = [self._line(day, code, place=place, modifiers=modifiers)]
        roll = rng.random()
        if roll < 0.35:  # psychotherapy added to the visit: 90833 (16-37 min) or 90836 (38-52)
            code, minutes = ("90833", rng.randint(16, 37)) if roll < 0.25 else ("90836", 45)
            lines.append(self._line(day, code, minutes=minutes, place=place, modifiers=modifiers))
        return lines

    def _testing(self, patient: Patient, dx: tuple[str, ...], start: date) -> Iterator[Visit]:
        psychologist = next((p for p in self.ctx.providers if p.credential == "PsyD"), None)
        earliest = start + timedelta(days=self.rng.randint(14, 150))
        day = self._covered_day(patient, earliest)
        if psychologist is None or day is None:
            return
        lines = [
            self._line(day, "96136"),
            self._line(day, "96137", units=Decimal(2)),
            self._line(day, "96130"),
            self._line(day, "96131", units=Decimal(self.rng.randint(1, 2))),
        ]
        yield self._visit(patient, psychologist, dx, lines)

    # --- the substance-use program ----------------------------------------------------------

    def _recovery(self, patient: Patient) -> Iterator[Visit]:
        rng = self.rng
        dx = self._diagnoses(DIAGNOSES["substance_use"], secondary=0.6)
        start, new = self._care_start(new_share=0.3)
        first = self._covered_day(patient, start)
        if first is None:
            return
        medicare = self._plan(patient, first) == "medicare"
        medicaid = self._plan(patient, first) == "medicaid"
        if medicaid:  # Medicaid pays certified addiction counselors for program services
            counselor = self._clinician(patient, "H0004", ("CADC", "LPC", "LCSW"))
        else:
            counselor = self._clinician(patient, "90834", ("LPC", "LCSW"))
        if new:
            code = "90791" if medicare else "H0001"
            yield self._visit(patient, counselor, dx, [self._line(first, code)])
            start = first + timedelta(days=7)
        program_weeks = 0
        if not medicare and (new or rng.random() < 0.25):
            program_weeks = rng.randint(8, 12) if new else rng.randint(2, 10)
        weeks = list(self._weeks(start))
        for week in weeks[:program_weeks]:
            lines = self._program_week(patient, week)
            if lines:
                yield self._visit(patient, counselor, dx, lines)
        outpatient = weeks[program_weeks:]
        if medicaid:
            leader = self._clinician(patient, "H0005", ("CADC",))
        else:
            leader = self._clinician(patient, "90853", ("LCSW",))
        for week in outpatient:
            if rng.random() < 0.9:
                day = self._day(patient, week, 1)
                if day is not None:
                    yield self._visit(patient, counselor, dx, self._counseling(patient, day))
            if rng.random() < 0.85:
                day = self._day(patient, week, 4)
                if day is not None:
                    code = "H0005" if self._plan(patient, day) == "medicaid" else "90853"
                    yield self._visit(patient, leader, dx, [self._sud_line(patient, day, code)])
        if dx[0].startswith(OPIOID_OR_ALCOHOL) and rng.random() < 0.9:
            prescriber = rng.choice([p for p in self.ctx.providers if p.credential in PRESCRIBERS])
            # Every other week while the dose is set, then monthly (the history's average).
            for day in self._sessions(patient, start, rng.choice((2, 3, 4))):
                code = rng.choices(("99214", "99213"), (0.7, 0.3))[0]
                place, modifiers = self._place(self._plan(patient, day))
                line = self._line(day, code, place=place, modifiers=modifiers)
                yield self._visit(patient, prescriber, dx, [line])

    def _program_week(self, patient: Patient, monday: date) -> list[Line]:
        days = [monday, monday + timedelta(days=2), monday + timedelta(days=3)]
        lines = []
        for day in days:
            if self.rng.random() < 0.9 and self._open(patient, day):
                lines.append(self._sud_line(patient, day, "H0015"))
        coverages = {self.ctx.primary_on(patient.id, line.service_date).id for line in lines}
        return lines if len(coverages) == 1 else lines[:1]

    def _counseling(self, patient: Patient, day: date) -> list[Line]:
        minutes = self.rng.choice((45, 50, 53, 55, 60))
        if self._plan(patient, day) == "medicaid":
            units = minutes // 15 + (1 if minutes % 15 >= 8 else 0)  # the midpoint rule
            return [self._sud_line(patient, day, "H0004", units=units, minutes=minutes)]
        code = "90834" if minutes <= 52 else "90837"
        place, modifiers = self._place(self._plan(patient, day))
        return [self._line(day, code, minutes=minutes, place=place, modifiers=modifiers)]

    def _sud_line(
        self, patient: Patient, day: date, code: str, units: int = 1, minutes: int | None = None
    ) -> Line:
        if not code.startswith("H"):
            return self._line(day, code)
        # Medicaid wants its substance-use program services marked HF.
        modifiers = ("HF",) if self._plan(patient, day) == "medicaid" else ()
        return self._line(
            day, code, units=Decimal(units), minutes=minutes, place=PROGRAM_PLACE,
            modifiers=modifiers,
        )  # fmt: skip

    # --- building blocks --------------------------------------------------------------------

    def _visit(self, patient, provider, dx, lines: list[Line]) -> Visit:
        coverage = self.ctx.primary_on(patient.id, lines[0].service_date)
        pointers = (1, 2) if len(dx) > 1 else (1,)
        lines = [_with_pointers(line, pointers) for line in lines]
        return Visit(
            patient=patient,
            coverage=coverage,
            plan=self.ctx.plan_of(coverage.payer_id),
            provider=provider,
            diagnoses=dx,
            lines=tuple(lines),
        )

    def _line(self, day: date, code: str, *, units: Decimal = Decimal(1), minutes=None,
              place: str = OFFICE, modifiers: tuple[str, ...] = ()) -> Line:  # fmt: skip
        charge = self.charges[code] * units if code == "H0004" else self.charges[code]
        return Line(day, code, charge, place, (1,), modifiers, units, minutes)

    def _diagnoses(self, pool: tuple[str, ...], secondary: float = 0.5) -> tuple[str, ...]:
        principal = self.rng.choice(pool)
        if self.rng.random() < secondary:
            others = [code for code in DIAGNOSES["secondary"] if code != principal]
            return principal, self.rng.choice(others)
        return (principal,)

    def _care_start(self, new_share: float) -> tuple[date, bool]:
        if self.rng.random() < new_share:
            return self.window.first_service + timedelta(days=self.rng.randint(0, 150)), True
        return self.window.first_service, False

    def _clinician(self, patient: Patient, code: str, credentials: tuple[str, ...]) -> Provider:
        """One whose credential every payer of the patient pays `code` for."""
        plans = {
            self.ctx.plan_of(c.payer_id)
            for c in self.ctx.coverages[patient.id]
            if c.order == "primary"
        }
        fitting = [
            p
            for p in self.ctx.providers
            if p.credential in credentials
            and all(
                p.credential
                in self.ctx.payers[plan].rules["credentials_allowed"].get(code, [p.credential])
                for plan in plans
            )
        ]
        return self.rng.choice(fitting)

    def _place(self, plan: str) -> tuple[str, tuple[str, ...]]:
        """The office, or telehealth as the payer wants it billed (its place and modifier)."""
        if self.rng.random() >= 0.25:
            return OFFICE, ()
        rule = self.ctx.payers[plan].rules["telehealth"]
        places = sorted(rule["places_of_service"])
        place = "10" if "10" in places else places[0]
        return place, (rule["modifier"],) if rule.get("modifier") else ()

    def _plan(self, patient: Patient, day: date) -> str:
        return self.ctx.plan_of(self.ctx.primary_on(patient.id, day).payer_id)

    def _limited(self, patient: Patient, day: date) -> bool:
        coverage = self.ctx.primary_on(patient.id, day)
        payer = self.ctx.payers[self.ctx.plan_of(coverage.payer_id)] if coverage else None
        return payer is not None and bool(payer.rules.get("visit_limit_per_year"))

    def _open(self, patient: Patient, day: date) -> bool:
        return (
            day.weekday() < 5
            and (day.month, day.day) not in HOLIDAYS
            and self.window.first_service <= day <= self.window.last_service
            and self.ctx.primary_on(patient.id, day) is not None
        )

    def _covered_day(self, patient: Patient, day: date) -> date | None:
        while day <= self.window.last_service:
            if self._open(patient, day):
                return day
            day += timedelta(days=1)
        return None

    def _weeks(self, start: date) -> Iterator[date]:
        monday = start - timedelta(days=start.weekday())
        if monday < start:
            monday += timedelta(days=7)
        while monday <= self.window.last_service:
            yield monday
            monday += timedelta(days=7)

    def _day(self, patient: Patient, monday: date, weekday: int) -> date | None:
        day = monday + timedelta(days=weekday)
        return day if self._open(patient, day) else None

    def _sessions(self, patient: Patient, start: date, every_weeks: int) -> Iterator[date]:
        """A session on the patient's weekday every `every_weeks` weeks; some are missed."""
        weekday = self.rng.randint(0, 4)
        for index, monday in enumerate(self._weeks(start)):
            if index % every_weeks:
                continue
            day = monday + timedelta(days=weekday)
            if self.rng.random() < 0.9 and self._open(patient, day):
                yield day


def _with_pointers(line: Line, pointers: tuple[int, ...]) -> Line:
    return Line(
        line.service_date, line.code, line.charge, line.place, pointers, line.modifiers,
        line.units, line.minutes,
    )  # fmt: skip


def _age(patient: Patient, on: date) -> int:
    born = patient.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
