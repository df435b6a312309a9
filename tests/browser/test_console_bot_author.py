"""A bot author's day in the console, in a real Chromium against a real server.

Each role signs in and does what it may: a viewer opens the hotline flow and reads it; an
editor adds a node, connects it, fixes the problem the graph points at, runs a test call down
the balance path, saves it as a conversation test and runs the tests; an admin does the same,
publishes with a note, makes the new version live, hears it answer an IVR's next call through
``crs/process`` and rolls back.
"""

from __future__ import annotations

import re
from typing import Any

import browser_harness
import pytest
from browser_site import FLOW, V1, Caller, OpenPage, Site, User, page_fetch
from playwright.sync_api import expect

NEW_TEXT = "Our branches open at nine, Monday to Saturday."
MENU_HINT = "This menu needs a key press"  # what version 1 says to key 2
# The nodes the hotline's author sees first, and those of the balance path.
SOME_NODES = ("start", "hours", "welcome", "menu", "ask_account", "lookup", "say_balance", "end")
SLOW = 60_000  # ms: a conversation-test run or a publish under a loaded machine


@pytest.fixture(scope="module")
def authors(site: Site) -> dict[str, User]:
    # The editor and the admin each edit their own tenant's draft, so neither sees the
    # other's node; the viewer reads the editor's tenant.
    shared = site.tenant("e")
    found = {"editor": site.user("editor", shared), "viewer": site.user("viewer", shared)}
    found["admin"] = site.user("admin", site.tenant("a"))
    return found


def graph_node(page: Any, node: str) -> Any:
    return page.get_by_test_id(f"node-{node}")


def select_node(page: Any, node: str) -> None:
    """Through the node search (Ctrl+F): it selects the node and centres the graph on it."""
    page.keyboard.press("Control+f")
    search = page.get_by_test_id("node-search")
    expect(search).to_be_focused()
    search.fill(node)
    search.press("Enter")
    expect(page.get_by_test_id("inspector").get_by_label("Node id")).to_have_value(node)
    expect(graph_node(page, node)).to_have_class(re.compile(r"\bis-selected\b"))


def open_flow(page: Any) -> None:
    page.get_by_test_id(f"flow-link-{FLOW}").click()
    expect(page).to_have_url(re.compile(f"/console/flows/{FLOW}$"))
    for node in SOME_NODES:
        expect(graph_node(page, node)).to_be_visible()
    expect(page.get_by_test_id("problems-status")).to_contain_text("No problems")


def add_and_connect_a_node(page: Any) -> None:
    """A reply for menu key 2, hung from the menu; its one problem fixed where it points."""
    select_node(page, "menu")
    page.get_by_role("button", name="Add Reply node after menu").click()
    added = graph_node(page, "reply")
    expect(added).to_be_visible()
    # The new node leads nowhere: the check says so, on the problems list and on the node.
    problem = page.get_by_test_id("problem-0")
    expect(problem).to_contain_text("reply")
    expect(problem).to_contain_text("no-path-to-end")
    expect(added).to_have_class(re.compile(r"\bhas-problems\b"))

    select_node(page, "end")  # elsewhere; the problem brings the node back
    problem.click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_label("Node id")).to_have_value("reply")
    branch = inspector.get_by_test_id("inspector-branches")
    # Menu key 2 is the first key the menu does not use yet.
    menu_branch = page.get_by_test_id(re.compile(r"^edge-label-menu#\d+$")).filter(has_text="2")
    expect(menu_branch).to_have_count(1)
    inspector.get_by_label("Prompt text").fill(NEW_TEXT)
    branch.get_by_label("New branch to").select_option("anything_else")
    branch.get_by_role("button", name="Add branch").click()
    expect(inspector.get_by_label("Branch 1 goes to")).to_have_value("anything_else")

    expect(page.get_by_test_id("problems-status")).to_contain_text("No problems")
    expect(added).not_to_have_class(re.compile(r"\bhas-problems\b"))
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")


def keyboard_shortcuts(page: Any) -> None:
    """ "/" searches for a node; Delete removes the selected one; Ctrl+Z brings it back."""
    page.locator("body").press("/")
    search = page.get_by_test_id("node-search")
    expect(search).to_be_focused()
    search.fill("say_bal")
    search.press("Enter")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_label("Node id")).to_have_value("say_balance")

    graph_node(page, "say_balance").click()
    page.keyboard.press("Delete")
    expect(graph_node(page, "say_balance")).to_have_count(0)
    # Undo brings back the node and the branch that led to it.
    page.keyboard.press("Control+z")
    expect(graph_node(page, "say_balance")).to_be_visible()
    expect(page.get_by_test_id("edge-label-lookup#0")).to_be_visible()
    expect(page.get_by_test_id("problems-status")).to_contain_text("No problems")


def balance_test_call(page: Any) -> None:
    """Keys #1 then an account number; the interface answers from the tests' stubs."""
    page.get_by_role("tab", name="Test call").click()
    expect(page.get_by_label("Interfaces answer as in the conversation tests")).to_be_checked()
    page.get_by_role("button", name="Start call").click()
    turns = page.get_by_test_id("test-call-turns")
    expect(turns).to_contain_text("For your balance press 1")
    line = page.get_by_label("Caller says")
    line.fill("#1")
    page.get_by_role("button", name="Send").click()
    expect(turns).to_contain_text("key in your account number")
    line.fill("#12345678#")
    page.get_by_role("button", name="Send").click()
    expect(turns).to_contain_text("ending 5678 is 1234.56 dollars")

    # The turn that answered the account number: its path is lit on the graph.
    turns.get_by_role("button").filter(has_text="ending 5678 is 1234.56 dollars").click()
    for node in ("lookup", "say_balance"):
        expect(graph_node(page, node)).to_have_class(re.compile(r"\bis-lit\b"))
    for node in ("agent", "goodbye", "lookup_failed", "reply"):
        expect(graph_node(page, node)).not_to_have_class(re.compile(r"\bis-lit\b"))


def save_and_run_the_test(page: Any, name: str) -> None:
    page.get_by_role("button", name="Save as conversation test").click()
    dialog = page.get_by_test_id("save-test-dialog")
    dialog.get_by_label("Test name").fill(name)
    dialog.get_by_label("File").fill("console.yaml")
    dialog.get_by_test_id("save-test-submit").click()
    tests = page.get_by_test_id("conversation-tests")
    expect(tests.locator("li", has_text=name)).to_have_count(1)

    tests.get_by_role("button", name="Run tests").click()
    expect(tests.get_by_test_id("run-tests-summary")).to_contain_text("0 failed", timeout=SLOW)
    mine = tests.locator("[data-testid^=test-result-]", has_text=name)
    expect(mine).to_have_attribute("data-passed", "true")
    expect(mine).to_contain_text("console.yaml")


def make_live(page: Any, version: int) -> None:
    """The version's button in the list, then the confirmation."""
    page.get_by_test_id(f"make-live-{version}").click()
    dialog = page.get_by_test_id("rollback-dialog")
    expect(dialog).to_contain_text(f"v{version}")
    dialog.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id(f"version-live-{version}")).to_be_visible()


def test_a_viewer_reads_the_flow_but_cannot_change_it(
    open_page: OpenPage, authors: dict[str, User]
) -> None:
    page = open_page(authors["viewer"])
    open_flow(page)
    expect(page.get_by_text("Read-only: editing needs the editor role.")).to_be_visible()
    expect(page.get_by_test_id("palette")).to_have_count(0)
    select_node(page, "menu")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_label("Prompt text")).to_have_attribute("readonly", "")
    page.get_by_role("tab", name="Test call").click()
    expect(page.get_by_text("Test calls need the editor role.")).to_be_visible()
    expect(page.get_by_role("button", name="Start call")).to_have_count(0)

    # The server refuses the viewer's own session, whatever the page offers.
    flow = page_fetch(page, "GET", f"{V1}/flows/{FLOW}")["body"]
    edited = page_fetch(page, "PUT", f"{V1}/flows/{FLOW}", {**flow, "description": "viewer"})
    assert edited["status"] == 403, edited
    call = page_fetch(page, "POST", f"{V1}/test-calls", {"flow": FLOW, "version": "draft"})
    assert call["status"] == 403, call


def test_an_editor_builds_and_tests_but_cannot_publish(
    open_page: OpenPage, authors: dict[str, User]
) -> None:
    page = open_page(authors["editor"])
    open_flow(page)
    keyboard_shortcuts(page)
    add_and_connect_a_node(page)
    balance_test_call(page)
    save_and_run_the_test(page, "balance, from the editor's test call")

    page.get_by_test_id("releases-link").click()
    expect(page.get_by_test_id("version-live-1")).to_be_visible()
    expect(page.get_by_role("button", name="Review changes and publish")).to_be_disabled()
    refused = page_fetch(page, "POST", f"{V1}/flows/{FLOW}/publish", {"note": "editor"})
    assert refused["status"] == 403, refused
    assert refused["body"]["errorCode"] == 900003, refused


def test_an_admin_publishes_with_a_note_and_rolls_back(
    open_page: OpenPage, site: Site, authors: dict[str, User]
) -> None:
    admin = authors["admin"]
    caller_token = admin.tenant.token
    assert MENU_HINT in Caller(site.url, caller_token).press_at_menu("2")

    page = open_page(admin)
    open_flow(page)
    add_and_connect_a_node(page)
    balance_test_call(page)
    # For the guide's picture: the graph centred on the lit path, the conversation beside it.
    select_node(page, "lookup")
    expect(graph_node(page, "say_balance")).to_have_class(re.compile(r"\bis-lit\b"))
    page.get_by_role("tab", name="Test call").click()
    page.wait_for_timeout(500)  # the viewport animates; only the picture waits for it
    browser_harness.screenshot(page, "flow-workspace")
    save_and_run_the_test(page, "balance, from the admin's test call")

    note = "Menu key 2 tells the branch opening hours."
    page.get_by_test_id("releases-link").click()
    page.get_by_label("Release note").fill(note)
    page.get_by_role("button", name="Review changes and publish").click()
    dialog = page.get_by_test_id("publish-dialog")
    # The diff against the live version: the node added, the menu changed, in YAML ...
    expect(dialog.get_by_test_id("diff-nodes")).to_contain_text("reply")
    expect(dialog.get_by_test_id("diff-nodes")).to_contain_text("menu")
    expect(dialog.get_by_test_id("diff-yaml")).to_contain_text(NEW_TEXT)
    # ... and on the graph.
    expect(dialog.get_by_test_id("diff-node-reply")).to_have_class(re.compile(r"\bis-added\b"))
    expect(dialog.get_by_test_id("diff-node-menu")).to_have_class(re.compile(r"\bis-changed\b"))
    expect(dialog).to_contain_text(note)
    browser_harness.screenshot(page, "publish")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    row = page.get_by_test_id("version-row-2")
    expect(row).to_contain_text(note, timeout=SLOW)
    expect(row).to_contain_text(admin.name)

    # Published is not yet live: version 1 answers until the admin makes version 2 live.
    assert MENU_HINT in Caller(site.url, caller_token).press_at_menu("2")
    make_live(page, 2)
    assert Caller(site.url, caller_token).press_at_menu("2") == NEW_TEXT

    expect(page.get_by_test_id("make-live-1")).to_contain_text("Roll back")
    make_live(page, 1)
    assert MENU_HINT in Caller(site.url, caller_token).press_at_menu("2")
    routing = page_fetch(page, "GET", f"{V1}/flows/{FLOW}/routing")["body"]
    assert routing["default"] == 1, routing
    browser_harness.assert_accessible(page, "the releases page after a rollback")
    dismiss = page.get_by_role("button", name="Dismiss notification")
    for _ in range(dismiss.count()):
        dismiss.first.click()
    browser_harness.screenshot(page, "releases")


def test_the_flow_workspace_passes_axe(open_page: OpenPage, authors: dict[str, User]) -> None:
    """With the graph, the inspector of a selected node, problems and a test call on screen."""
    page = open_page(authors["editor"])
    open_flow(page)
    select_node(page, "menu")
    browser_harness.assert_accessible(page, "the flow workspace with the inspector")
    balance_test_call(page)
    browser_harness.assert_accessible(page, "the flow workspace with a test call")
