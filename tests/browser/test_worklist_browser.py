"""A specialist's morning in Chromium: the worklist with real rows, filters that keep the URL,
Next task, the task page, a note; screenshots of both pages at laptop and tablet sizes."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import factories
import pytest
import work_data
from playwright.sync_api import expect

from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimEvent, ClaimVersion, ServiceLine
from denialdesk.store.users import create_user

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
CATEGORIES = ["authorization", "eligibility", "coding", "medical_necessity", "benefit_limit",
              "credentialing", "timely_filing"]  # fmt: skip


@pytest.fixture
def desk(engine):
    """Thirty denials over two payers, as the demo would show them."""
    today = date.today()
    with session_scope(engine) as session:
        practice = factories.practice(session, slug="riverbend", legal_name="Riverbend Psychiatry")
        for name, role in (("sam", "specialist"), ("kim", "specialist"), ("sue", "supervisor")):
            create_user(session, username=name, password=PASSWORD, role=role,
                        practice_slugs=["riverbend"])  # fmt: skip
        where = work_data.parties(session, practice)
        zenith = factories.payer(session, practice, name="Zenith Health")
        for n in range(30):
            payer = zenith.id if n % 3 == 0 else where.payer_id
            claim = work_data.claim(session, where, control_number=f"DD{n + 1:010d}",
                                    payer_id=payer)  # fmt: skip
            version = ClaimVersion(claim_id=claim.id, version=1, total_charge=Decimal("180.00"))
            session.add(version)
            session.flush()
            session.add(ServiceLine(claim_version_id=version.id, line_number=1,
                                    service_date=today - timedelta(days=30 + n), code="90837",
                                    charge=Decimal("180.00"), place_of_service="11",
                                    dx_pointers=[1]))  # fmt: skip
            session.add(ClaimEvent(claim_id=claim.id, kind="denied", detail="CO-197 N54"))
            amount = Decimal(40 + 37 * n % 900)
            due = today + timedelta(days=(n * 7) % 95 - 3)
            work_data.task(session, practice, claim_id=claim.id, amount=amount,
                           category=CATEGORIES[n % len(CATEGORIES)], due_at=due,
                           priority=float(amount) / 10,
                           priority_reason=f"${amount} · {(due - today).days} days left",
                           recommended_action="obtain_retro_authorization")  # fmt: skip
    return "sam"


def test_specialist_filters_takes_the_next_task_and_notes_it(page, live_server, desk, screenshot):
    page.goto(f"{live_server}/login?next=/worklist%3Ftab%3Dopen")
    page.get_by_label("Username").fill(desk)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/worklist?tab=open")
    rows = page.locator("#task-rows tr[id^=task-]")
    expect(rows).to_have_count(30)
    expect(page.locator("#tab-open .count")).to_have_text("30")
    screenshot(page, "worklist")

    # Keyboard: j / k walk the rows, / jumps to the search.
    page.keyboard.press("j")
    expect(page.locator("#task-rows a.claim-link").first).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("#task-rows a.claim-link").nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator("#task-rows a.claim-link").first).to_be_focused()
    page.keyboard.press("/")
    expect(page.get_by_label("Claim #")).to_be_focused()

    # A filter narrows the list in place and lands in the URL (a link reproduces the view).
    page.get_by_label("Payer").select_option(label="Zenith Health")
    expect(rows).to_have_count(10)
    expect(page).to_have_url(re.compile(r"tab=open.*payer=\d+"))
    expect(page.locator("#tab-open .count")).to_have_text("10")
    page.reload()
    expect(rows).to_have_count(10)

    page.get_by_role("button", name=re.compile("Next task")).click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+$"))
    expect(page.locator(".recommended")).to_have_text("obtain retro authorization")
    expect(page.get_by_text("CO-197 N54")).to_be_visible()
    expect(page.get_by_role("button", name="Give back to the queue")).to_be_visible()

    page.get_by_label("Add a note").fill("Asked the payer for the retro authorization form")
    page.get_by_role("button", name="Add note").click()
    note = page.locator("#timeline li").filter(has_text="Asked the payer")
    expect(note).to_contain_text("sam")
    expect(page.get_by_label("Add a note")).to_have_value("")  # the form came back empty
    screenshot(page, "task-detail")

    page.get_by_role("link", name="← Worklist").click()
    expect(page.locator("#tab-mine .count")).to_have_text("1")


def log_in(page, base: str, username: str, next_url: str = "/worklist") -> None:
    page.goto(f"{base}/login?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".username")).to_have_text(username)


def test_supervisor_filters_by_payer_and_hands_three_tasks_over(page, browser, live_server, desk,
                                                                screenshot):  # fmt: skip
    log_in(page, live_server, "sue", "/worklist%3Ftab%3Dunassigned")
    page.get_by_label("Payer").select_option(label="Zenith Health")
    rows = page.locator("#task-rows tr[id^=task-]")
    expect(rows).to_have_count(10)
    chosen = [rows.nth(n).get_attribute("id") for n in range(3)]
    for row_id in chosen:
        page.locator(f"#{row_id} input[type=checkbox]").check()
    page.get_by_label("Assign the selected tasks to").select_option("kim")
    screenshot(page, "supervisor-reassign")
    page.get_by_role("button", name="Assign selected").click()
    expect(page.get_by_role("status")).to_have_text("3 tasks assigned to kim.")
    expect(rows).to_have_count(7)  # the filter is kept: Zenith's unassigned ones left
    # The view (changed through htmx, no reload) saved for the team.
    page.get_by_text("Save this view for the team").click()
    page.get_by_label("Name", exact=True).fill("Zenith unassigned")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status")).to_contain_text("Saved team view “Zenith unassigned”")
    expect(rows).to_have_count(7)

    other = browser.new_context()
    try:
        kim = other.new_page()
        log_in(kim, live_server, "kim")
        mine = kim.locator("#task-rows tr[id^=task-]")
        expect(mine).to_have_count(3)
        assert sorted(mine.nth(n).get_attribute("id") for n in range(3)) == sorted(chosen)
        expect(kim.locator("#bulk")).to_have_count(0)  # a specialist reassigns nothing
        expect(kim.get_by_role("link", name="Board")).to_have_count(0)
        kim.get_by_role("link", name="Zenith unassigned").click()
        expect(kim.locator("#task-rows tr[id^=task-]")).to_have_count(7)
        expect(kim.get_by_label("Payer")).to_have_value(re.compile(r"\d+"))
        expect(kim.get_by_role("button", name="Delete team view Zenith unassigned")).to_have_count(
            0
        )
    finally:
        other.close()

    # The board: kim holds the three; then kim is out and everything goes back to the queue.
    page.get_by_role("link", name="Board").click()
    expect(page).to_have_url(f"{live_server}/board")
    expect(page.locator("#person-kim td.num").first).to_have_text("3")
    screenshot(page, "board")
    page.get_by_role("button", name="Hand back all of kim's tasks to the queue").click()
    expect(page.get_by_role("status")).to_have_text("3 tasks of kim back in the queue.")
    expect(page.locator("#person-kim td.num").first).to_have_text("0")


def test_two_people_pressing_next_task_together_get_different_tasks(browser, live_server, desk):
    contexts = [browser.new_context() for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for p, name in zip(pages, ("sam", "kim"), strict=True):
            log_in(p, live_server, name)
        buttons = [p.get_by_role("button", name=re.compile("Next task")) for p in pages]
        for button in buttons:  # both requests leave before either answer is read
            button.click(no_wait_after=True)
        for p in pages:
            expect(p).to_have_url(re.compile(r"/tasks/\d+$"))
        taken = {p.url for p in pages}
        assert len(taken) == 2
    finally:
        for c in contexts:
            c.close()


def test_pages_load_through_htmx_and_every_failure_is_said(page, live_server, desk, screenshot):
    """hx-boost: links and forms swap the page in (the document stays, the URL and title
    follow); a refused boosted form shows the server's page with its message and keeps the
    address; a failed partial request (here: a note after the session ended in another tab)
    says why in the alert region and leaves the page as it was."""
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    log_in(page, live_server, desk, "/worklist%3Ftab%3Dopen")
    page.evaluate("window.sameDocument = true")  # gone after a full page load
    page.get_by_role("link", name="Authorizations").click()
    expect(page).to_have_url(f"{live_server}/authorizations")
    expect(page).to_have_title(re.compile("^Authorizations"))
    page.go_back()
    expect(page).to_have_url(f"{live_server}/worklist?tab=open")
    expect(page.locator("#task-rows tr[id^=task-]")).to_have_count(30)
    page.locator("#task-rows a.claim-link").first.click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+$"))
    task_url = page.url
    assert page.evaluate("window.sameDocument") is True

    page.get_by_role("button", name="Take it").click()  # a boosted POST, redirected back
    expect(page.get_by_role("status")).to_contain_text("The task is yours")
    expect(page).to_have_url(re.compile(re.escape(task_url)))
    # No workflows behind this server: the decision is refused, said on the task page.
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_role("alert").filter(has_text="workflows unavailable")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(task_url)))  # not the form's POST address
    assert "/decision" not in page.url

    other = page.context.new_page()
    other.goto(f"{live_server}/worklist")
    other.get_by_role("button", name="Log out").click()
    expect(other).to_have_url(re.compile("/login"))
    other.close()
    page.get_by_label("Add a note").fill("Called the payer")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#htmx-alert")).to_contain_text("You are logged out")
    expect(page.get_by_label("Add a note")).to_have_value("Called the payer")  # kept
    screenshot(page, "failed-request")
    assert page.evaluate("window.sameDocument") is True and script_errors == []
