"""The desk opens a customer from an order, merges their duplicate record and sees its orders
moved onto the profile, in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from servicecenter.domain.enums import OrderStatus

pytestmark = pytest.mark.browser


def test_the_desk_merges_a_duplicate_customer(page, make, log_in, screenshot):
    customer = make.customer(name="Мария Кузнецова", phone="+79167000001")
    kept = make.order(OrderStatus.READY, device=make.device(customer, brand="Lenovo"))
    duplicate = make.customer(name="Мария Кузнецова", phone="+79031112233")
    moved = make.order(OrderStatus.RECEIVED, device=make.device(duplicate, brand="Apple"))
    elsewhere = make.order(
        OrderStatus.RECEIVED, device=make.device(duplicate), office=make.net.office_b
    )
    log_in(make.net.reception_a)

    page.goto(f"/orders/{kept.number}")
    page.locator("#customer-profile-link").click()
    expect(page.locator("#customer-name")).to_have_text("Мария Кузнецова")
    expect(page.locator(".profile-order")).to_have_count(1)

    page.get_by_role("link", name="Merge another record into this one").click()
    page.get_by_label("Phone or name of the other record").fill("903 111-22-33")
    page.get_by_role("button", name="Find", exact=True).click()
    page.locator("#duplicate-matches a", has_text="+79031112233").click()

    expect(page.locator("#merge-duplicate")).to_contain_text("+79031112233")
    expect(page.locator("#merge-survivor")).to_contain_text("+79167000001")
    expect(page.locator("#merge-duplicate .record-orders")).to_have_text("2")
    expect(page.locator("#merge-effects")).to_contain_text(
        "Consent stays as the kept record has it"
    )
    screenshot("customer-merge-confirmation")
    page.get_by_role("button", name="Merge into Мария Кузнецова").click()

    expect(page.locator(".alert-success")).to_contain_text("merged into this record")
    expect(page.locator("#merged-from")).to_contain_text("+79031112233")
    rows = page.locator(".profile-order")
    expect(rows).to_have_count(3)
    expect(page.locator("#total-orders")).to_have_text("3")
    # this office's orders open; the other office's is listed without a link
    expect(page.locator(f'a.order-number:text-is("{moved.number}")')).to_be_visible()
    expect(page.locator(f'span.order-number:text-is("{elsewhere.number}")')).to_be_visible()
    screenshot("customer-profile-after-merge")
    page.locator(f'a.order-number:text-is("{moved.number}")').click()
    expect(page.locator("#customer-profile-link")).to_have_attribute(
        "href", f"/customers/{customer.id}"
    )
