"""The main journeys, driven in real Chromium: intake, the workshop, collection, the customer."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from servicecenter.domain.enums import OrderStatus


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_receptionist_takes_a_device_in(page, make, log_in, screenshot):
    make.network()
    log_in(make.net.reception_a)
    page.get_by_role("link", name="New intake").first.click()

    page.get_by_label("Find by phone").fill("+7 916 700-00-01")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("No customer with this phone yet")).to_be_visible()

    form = page.locator("#customer-form")
    form.get_by_label("Name").fill("Мария Кузнецова")
    form.get_by_label("Phone").fill("12")  # a typo first
    press(page, "Register customer")
    expect(page.get_by_text("A phone number has 10 to 15 digits.")).to_be_visible()
    expect(form.get_by_label("Name")).to_have_value("Мария Кузнецова")
    form.get_by_label("Phone").fill("+7 916 700-00-01")
    press(page, "Register customer")

    expect(page.locator("#step-customer")).to_contain_text("+79167000001")
    device = page.locator("#device-form")
    device.get_by_label("Category").select_option("laptop")
    device.get_by_label("Brand").fill("Lenovo")
    device.get_by_label("Model").fill("ThinkPad T14")
    device.get_by_label("Serial number or IMEI").fill("PF-3XK9 21")
    press(page, "Register device")

    expect(page.locator("#step-device")).to_contain_text("PF-3XK921")
    expect(page.locator("#suggested-kind")).to_have_text("Paid repair")
    order = page.locator("#order-form")
    order.get_by_label("Customer's complaint").fill("Does not charge")
    order.get_by_label("Condition on intake").fill("Scratched lid")
    order.get_by_label("Accessories").fill("Charger")
    order.get_by_label("Estimated price").fill("3 500")
    order.get_by_label("Repair without asking up to").fill("2000")
    order.get_by_label("Workshop").select_option(label="Remote Partner")
    screenshot("intake-order-form")
    press(page, "Open the order")

    expect(page.locator("h1")).to_have_text(re.compile(r"^AAA-\d{4}-\d{6}$"))
    expect(page.locator("#order-status")).to_have_text("Received")
    expect(page.get_by_text("Does not charge")).to_be_visible()
    screenshot("intake-order-opened")


def test_technician_works_an_order_through_the_workshop(page, make, log_in, screenshot):
    order = make.order(OrderStatus.TO_WORKSHOP, estimate=None, approval_limit=None)
    log_in(make.net.tech)
    expect(page.locator("#queue-table")).to_contain_text(order.number)
    screenshot("workshop-queue")
    page.get_by_role("link", name=order.number).click()

    expect(page.get_by_role("button", name="Hand over to customer")).to_have_count(0)
    press(page, "Start diagnosis")
    expect(page.locator("#order-status")).to_have_text("Diagnosing")
    # No price yet and no approval limit: the repair cannot start before the customer approves.
    expect(page.get_by_role("button", name="Start repair", exact=True)).to_be_disabled()

    page.get_by_label("Diagnosis").fill("Charging port worn out")
    page.get_by_label("Price of the repair").fill("2500")
    press(page, "Save findings")
    expect(page.get_by_text("Saved.")).to_be_visible()
    press(page, "Ask customer to approve")
    expect(page.locator("#order-status")).to_have_text("Awaiting approval")
    page.get_by_label("Note", exact=True).fill("Customer agreed on the phone")
    press(page, "Approved: start repair")
    expect(page.locator("#order-status")).to_have_text("In repair")
    page.get_by_label("Work done").fill("Replaced the charging port")
    press(page, "Save findings")
    press(page, "Repair finished")
    expect(page.locator("#order-status")).to_have_text("Repaired")
    screenshot("workshop-order-repaired")
    press(page, "Send back to office")
    expect(page.locator("#order-status")).to_have_text("To office")
    expect(page.locator("#actions")).to_contain_text("Nothing for you to do")
    expect(page.locator("#history")).to_contain_text("Customer agreed on the phone")


def test_receptionist_hands_a_repaired_device_back(page, make, log_in, screenshot):
    order = make.order(OrderStatus.TO_OFFICE, price=180_000, prepayment=30_000)
    log_in(make.net.reception_a)
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_role("link", name=order.number).click()
    press(page, "Ready for pickup")
    expect(page.locator("#order-status")).to_have_text("Ready")
    expect(page.get_by_role("button", name="Hand over to customer")).to_be_disabled()
    expect(page.locator("#balance")).to_contain_text("1,500.00")
    expect(page.get_by_label("Amount")).to_have_value("1500.00")
    page.get_by_label("Method").select_option("card")
    press(page, "Record payment")
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(page.locator("#balance")).to_contain_text("0.00")
    press(page, "Hand over to customer")
    expect(page.locator("#order-status")).to_have_text("Collected")
    screenshot("collection-done")


def test_customer_checks_the_status(page, make, screenshot):
    order = make.order(OrderStatus.IN_REPAIR, price=120_000)
    page.goto("/status")
    page.get_by_label("Order number").fill(order.number)
    page.get_by_label("Last 4 digits of your phone").fill("0000")
    page.get_by_role("button", name="Check status").click()
    expect(page.get_by_text("We could not find an order")).to_be_visible()

    page.get_by_label("Last 4 digits of your phone").fill(order.customer.phone[-4:])
    page.get_by_role("button", name="Check status").click()
    expect(page.locator("#stage")).to_have_text("Repair in progress")
    expect(page.locator("#amount-due")).to_contain_text("1,200.00")
    expect(page.locator("#timeline li")).to_have_count(4)
    body = page.content()
    for secret in (order.customer.name, order.customer.phone, "2580", order.device.serial):
        assert secret not in body
    screenshot("customer-status")

    page.goto(f"/s/{order.tracking_token}")
    expect(page.locator("#stage")).to_have_text("Repair in progress")
    page.get_by_role("button", name="RU").click()
    expect(page.locator("#stage")).to_have_text("Идёт ремонт")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("customer-status-phone-ru")


def test_receptionist_prints_the_contract(page, make, log_in):
    order = make.order(OrderStatus.RECEIVED)
    log_in(make.net.reception_a)
    page.goto(f"/orders/{order.number}")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Print: Repair contract").click()
    url = popup.value.url
    assert url.endswith(f"/orders/{order.number}/documents/contract.pdf")
    response = page.request.get(url)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.reload()
    expect(page.locator("#documents")).to_contain_text(f"{order.number}-C1")
