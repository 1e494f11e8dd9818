"""The Deadlines page in real Chromium at a counter's 1280 px: reached from the header, which
still fits one line with the new link, and each row opens its order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from servicecenter.services.clock import local_date

from ..sla_helpers import watched_orders

pytestmark = pytest.mark.browser

HEADER = """() => {
  const items = [...document.querySelectorAll('#mainnav > *')].map(e => e.getBoundingClientRect());
  return {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    lines: new Set(items.map(box => Math.round(box.top + box.height / 2))).size,
  };
}"""


def test_an_admin_opens_the_deadlines_from_the_header(page, make, log_in, screenshot):
    w = watched_orders(make, local_date())
    log_in(make.net.admin)

    page.locator("#nav-deadlines").click()
    expect(page.get_by_role("heading", name="Deadlines", exact=True)).to_be_visible()
    assert page.evaluate(HEADER) == {"overflow": 0, "lines": 1}
    expect(page.locator("#legal-table tbody tr")).to_have_count(2)
    expect(page.locator("#legal-limit")).to_contain_text("days late: 3")
    screenshot("deadlines-admin-en")

    page.locator("#legal-table").get_by_role("link", name=w.legal_near.number).click()
    expect(page).to_have_url(f"/orders/{w.legal_near.number}")
