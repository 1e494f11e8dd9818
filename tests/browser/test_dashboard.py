"""The manager dashboard in real Chromium: charts drawn, a filter applied, a CSV downloaded."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from servicecenter.domain.enums import OrderStatus

pytestmark = pytest.mark.browser


def test_the_admin_filters_by_a_workshop_and_downloads_a_csv(page, make, log_in, screenshot):
    net = make.net
    for _ in range(2):
        make.order(OrderStatus.READY, workshop=net.in_office)
    make.order(OrderStatus.READY)  # at the remote partner
    log_in(net.admin)
    page.locator("#nav-reports").click()  # the admin's figures are in one menu
    page.locator("#nav-dashboard").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    # Chart.js, served by the app, drew the charts from the JSON beside them
    assert page.evaluate("typeof Chart") == "function"
    expect(page.locator("#panel-turnaround canvas")).to_be_visible()
    assert page.evaluate("Chart.getChart(document.querySelector('#panel-turnaround canvas'))")
    expect(page.locator("#table-turnaround tbody tr")).to_have_count(3)  # two and the total

    page.select_option("#filter-workshop", label="In-office Workshop")
    page.locator("#apply-filter").click()
    page.wait_for_url(f"**/dashboard?*workshop={net.in_office.id}*")
    rows = page.locator("#table-turnaround tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").nth(0)).to_have_text("In-office Workshop")
    expect(rows.first.locator("td").nth(1)).to_have_text("2")
    screenshot("dashboard-filtered")

    with page.expect_download() as download_info:
        page.locator("#csv-turnaround").click()
    download = download_info.value
    assert download.suggested_filename.startswith("turnaround-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header, *body = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["Workshop", "Made ready", "Days to ready"]
    assert [row[:2] for row in body] == [["In-office Workshop", "2"]]
