"""An analyst (a park operator) builds a small competitiveness framework in a real Chromium, in Chinese:
indicators from the catalogue, the hierarchy arranged by dragging (and by a parent picker), a direction and
a weight, the recipe's analyses, a preview, a saved version; then starts a run, which the background worker
builds, and reads the ranking with rank intervals and Sobol indices."""

from __future__ import annotations

import decimal
import os
import signal

import pytest
from django.db import connection
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.metrics.models import Indicator, Observation
from biopark.metrics.services import indicator_ensure_catalogue
from biopark.rankings.models import Framework, Run
from tests.browser.conftest import at_width, screenshot, sign_in
from tests.factories import ParkFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024
VALUES = {  # four parks' observations of three catalogue indicators
    "ind_enterprises": (120, 80, 45, 60), "tech_platforms": (9, 12, 4, 6), "env_rent": (28, 35, 22, 30)}


def parent_of(page, code: str) -> str:
    return page.locator(f"tr[data-code='{code}'] select[name$='-parent']").input_value()


def add_aggregate(page, code: str, name: str) -> None:
    page.click("#builder-aggregate summary")
    page.fill("#agg-code", code)
    page.fill("#agg-name", name)
    page.click("button[name=action][value=draft]")
    expect(page.locator(f"tr[data-code='{code}']")).to_have_count(1)


def build_in_worker(run: Run, tmp_path, run_queued_tasks, page) -> None:
    """The queued run built by the background worker: a real `biopark worker` process on PostgreSQL (it shares
    the test database), the same worker loop in this process on SQLite (the test database lives in memory)."""
    if connection.vendor != "postgresql":
        page.goto("about:blank")  # no page polls the in-memory database while the worker writes it
        run_queued_tasks()
        return
    from tests.ecosystem.test_worker_process import database_for_workers, start_worker, wait_for

    url, query = database_for_workers(tmp_path)
    env = {**os.environ, "BIOPARK_DATABASE_URL": url, "BIOPARK_DATA_DIR": str(tmp_path),
           "BIOPARK_JOB_HEARTBEAT_SECONDS": "0.2", "BIOPARK_JOB_STALE_SECONDS": "60"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_for(lambda: query(f"SELECT job_status FROM {Run._meta.db_table} WHERE id = ?", [run.pk])[0][0]
                 in ("succeeded", "failed"), worker, log, "the run built")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def test_an_analyst_builds_a_framework_and_runs_it_in_the_worker(browser_page, live_server, tmp_path,
                                                                  run_queued_tasks):
    indicator_ensure_catalogue(actor=SYSTEM)
    home = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu Bio-City", key="tianfu")
    parks = [home] + [ParkFactory(name_zh=f"园区{c}", name_en=f"Park {c}", key=f"park-{c.lower()}") for c in "XYZ"]
    for code, values in VALUES.items():
        indicator = Indicator.objects.get(key=code)
        for park, value in zip(parks, values, strict=True):
            Observation.objects.create(park=park, indicator=indicator, year=YEAR, value=decimal.Decimal(value),
                                       source="园区年报")
    analyst = make_user(Role.OPERATOR, park=home, username="analyst")
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    sign_in(page, base, analyst.username)

    # A new framework from three catalogue indicators, under two pillars added as aggregates.
    page.goto(f"{base}/rankings/new/")
    expect(page.locator("h1")).to_have_text("新建框架")
    page.fill("#b-key", "tianfu-index")
    page.fill("#b-name_zh", "天府园区竞争力")
    page.fill("#b-name_en", "Tianfu competitiveness")
    for code in VALUES:
        page.check(f"input[name=add][value={code}]")
    page.click("button[name=action][value=draft]")
    expect(page.locator("#builder-nodes tr.node-indicator")).to_have_count(3)
    add_aggregate(page, "Industry", "产业与技术")
    add_aggregate(page, "Environment", "发展环境")

    expect(page.locator("#builder-nodes")).to_have_class("tree-enabled")
    # The hierarchy by dragging: two indicators dropped on the industry pillar ...
    for code in ("ind_enterprises", "tech_platforms"):
        page.drag_and_drop(f"tr[data-code='{code}'] .drag-handle", "tr[data-code='Industry'] .drag-handle")
        assert parent_of(page, code) == "Industry"
    expect(page.locator("#drag-status")).to_have_text("功能性平台数 已归入 产业与技术")
    # ... rows follow the tree (a child right below its parent, indented); a node cannot go under itself.
    order = page.locator("#builder-nodes tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    at = order.index("Industry")
    assert set(order[at + 1:at + 3]) == {"ind_enterprises", "tech_platforms"}
    assert page.locator("tr[data-code='ind_enterprises']").get_attribute("data-depth") == "2"
    page.drag_and_drop("tr[data-code='Industry'] .drag-handle", "tr[data-code='Industry'] td:last-child")
    assert parent_of(page, "Industry") == "Index"
    # ... and one by its parent picker, the keyboard way.
    page.locator("tr[data-code='env_rent'] select[name$='-parent']").select_option("Environment")
    assert parent_of(page, "env_rent") == "Environment"
    # Direction (rent: lower is better, from the catalogue) and a weight.
    assert page.locator("tr[data-code='env_rent'] select[name$='-direction']").input_value() == "-1"
    page.fill("tr[data-code='Industry'] input[name$='-weight']", "2")
    # The analyses: fewer replications, normalisation alternatives, Sobol indices with bootstrap intervals.
    page.fill("#u-replications", "200")
    page.fill("#u-seed", "5")
    page.fill("#u-noise", "0.3")
    page.check("input[name=u_alt_normalise][value=zscore]")
    page.fill("#sa-replications", "40")
    page.fill("#sa-bootstrap", "100")

    page.fill("#preview-year", str(YEAR))
    page.click("#preview-button")
    expect(page.locator("#preview-table tbody tr")).to_have_count(4)
    expect(page.locator("#preview-table")).to_contain_text("成都天府国际生物城")
    # The preview redraws the draft as it was dragged.
    assert parent_of(page, "ind_enterprises") == "Industry" and parent_of(page, "env_rent") == "Environment"
    screenshot(page, "operator-rankings-builder")
    page.click("#save-button")
    page.wait_for_url(f"{base}/rankings/frameworks/tianfu-index/")
    framework = Framework.objects.get(key="tianfu-index")
    version = framework.versions.get()
    assert framework.owner_park_id == home.pk
    assert {r["iCode"]: (r["Parent"], r["Level"], r["Weight"], r["Direction"]) for r in version.imeta} == {
        "ind_enterprises": ("Industry", 1, 1, 1), "tech_platforms": ("Industry", 1, 1, 1),
        "env_rent": ("Environment", 1, 1, -1), "Industry": ("Index", 2, 2, 1),
        "Environment": ("Index", 2, 1, 1), "Index": ("", 3, 1, 1)}
    vary = version.recipe["uncertainty"]["vary"]
    assert [v["method"] for v in vary["normalise"]] == ["minmax", "zscore", "rank"]
    assert vary["weights"] == {"noise": 0.3, "levels": [1, 2]}
    assert version.recipe["sensitivity"] == {"replications": 40, "bootstrap": 100}

    # A run started from the framework page waits for the worker, then shows the ranking and its analyses.
    page.click("#run-start summary")
    page.fill("#run-year", str(YEAR))
    page.check("#run-start input[name=publish]")
    page.click("#run-start button")
    page.wait_for_url(f"{base}/rankings/runs/*/")
    run = Run.objects.get(framework=framework)
    expect(page.locator("#run-job")).to_have_attribute("data-status", "queued")
    expect(page.locator("#run-job")).to_contain_text("等待后台进程处理")
    screenshot(page, "operator-rankings-run-queued")
    build_in_worker(run, tmp_path, run_queued_tasks, page)
    if page.url == "about:blank":
        page.goto(f"{base}/rankings/runs/{run.pk}/")
    expect(page.locator("#ranking tbody tr")).to_have_count(4)
    run.refresh_from_db()
    assert (run.job_status, run.status, run.n_units) == ("succeeded", "published", 4)
    expect(page.locator("#interval-head")).to_have_text("排名区间")
    intervals = page.locator("#ranking td.rank-interval").all_inner_texts()
    assert len(intervals) == 4 and all("–" in text and "(" in text for text in intervals)
    expect(page.locator("#sobol-table")).to_contain_text("权重")
    expect(page.locator("#sobol-table")).to_contain_text("标准化：整体设定")
    expect(page.locator("#sobol-table tbody tr")).to_have_count(3)  # winmax kept from the default recipe
    screenshot(page, "operator-rankings-run")
