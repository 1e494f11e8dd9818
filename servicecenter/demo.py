"""Deterministic demo data: a small network with about 200 orders in every status, made through
the services so that every order has a consistent history, payments and numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from .domain import workflow
from .domain.catalogue import PartData
from .domain.contact import luhn_check_digit
from .domain.enums import (
    CustomerKind,
    DeviceCategory,
    OrderKind,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
    Role,
    WorkshopKind,
)
from .domain.handovers import Arrival, Direction
from .domain.stock import LineState
from .extensions import db
from .models import (
    Customer,
    HandoverItem,
    Office,
    Part,
    RepairOrder,
    StockLevel,
    User,
    Workshop,
    WorkshopContract,
)
from .queries.network import current_contracts
from .services import (
    catalogue,
    dashboard_rollup,
    handovers,
    intake,
    order_lines,
    orders,
    stock,
    users,
)
from .services.clock import local_date

S = OrderStatus
DEMO_PASSWORD = "demo"

FIRST_NAMES = [
    "Анна",
    "Иван",
    "Мария",
    "Алексей",
    "Ольга",
    "Дмитрий",
    "Елена",
    "Сергей",
    "Наталья",
    "Павел",
    "Татьяна",
    "Николай",
    "Ирина",
    "Андрей",
    "Светлана",
    "Michael",
    "Emma",
    "David",
]
LAST_NAMES = [
    "Иванова",
    "Петров",
    "Смирнова",
    "Кузнецов",
    "Соколова",
    "Попов",
    "Лебедева",
    "Козлов",
    "Новикова",
    "Морозов",
    "Волкова",
    "Соловьёв",
    "Васильева",
    "Зайцев",
    "Павлова",
    "Brown",
]
COMPANIES = ["ООО «Ромашка»", "АО «Вектор»", "ИП Сидоров", "Nordic Trade LLC"]
DEVICES = [
    (DeviceCategory.PHONE, "Apple", ["iPhone 13", "iPhone 14 Pro", "iPhone 15"]),
    (DeviceCategory.PHONE, "Samsung", ["Galaxy S23", "Galaxy A54", "Galaxy Z Flip5"]),
    (DeviceCategory.PHONE, "Xiaomi", ["Redmi Note 12", "13T Pro"]),
    (DeviceCategory.LAPTOP, "Lenovo", ["ThinkPad T14", "IdeaPad 5"]),
    (DeviceCategory.LAPTOP, "ASUS", ["ZenBook 14", "VivoBook 15"]),
    (DeviceCategory.TABLET, "Apple", ["iPad Air", "iPad 10.2"]),
    (DeviceCategory.TV, "LG", ["OLED55C3", "43UR78"]),
    (DeviceCategory.APPLIANCE, "Bosch", ["WAN28201", "SMS25AW01R"]),
    (DeviceCategory.CAMERA, "Canon", ["EOS R50"]),
    (DeviceCategory.AUDIO, "Sony", ["WH-1000XM5"]),
]
COMPLAINTS = [
    "Не включается",
    "Разбит экран",
    "Не заряжается",
    "Быстро садится батарея",
    "Не работает звук",
    "Перегревается и выключается",
    "Залит водой",
    "Не ловит сеть",
    "Does not power on",
    "Cracked screen",
    "Noise from the fan",
    "Leaks water",
]
CONDITIONS = [
    "Потёртости на корпусе",
    "Скол на углу",
    "Без видимых повреждений",
    "Трещина на задней крышке",
    "Light scratches on the lid",
    "No visible damage",
]
ACCESSORIES = ["", "Зарядное устройство", "Чехол", "Коробка, кабель", "Charger"]
DIAGNOSES = [
    ("Неисправен контроллер питания", "Заменён контроллер питания"),
    ("Повреждён дисплейный модуль", "Заменён дисплейный модуль"),
    ("Износ аккумулятора 65%", "Заменён аккумулятор"),
    ("Окисление платы", "Чистка платы, замена разъёма"),
    ("Faulty charging port", "Replaced the charging port"),
]

# The parts catalogue: (SKU, name, compatible models, unit cost and sale price in roubles,
# warranty months, serial-tracked).
PARTS = [
    ("LCD-IP13", "Дисплей iPhone 13 (OLED)", "Apple iPhone 13", 7800, 14900, 6, False),
    ("LCD-IP14P", "Дисплей iPhone 14 Pro (OLED)", "Apple iPhone 14 Pro", 14500, 26900, 6, False),
    ("LCD-IP15", "Дисплей iPhone 15 (OLED)", "Apple iPhone 15", 15200, 27900, 6, False),
    ("LCD-S23", "Дисплейный модуль Galaxy S23", "Samsung Galaxy S23", 12900, 21900, 6, False),
    ("LCD-A54", "Дисплейный модуль Galaxy A54", "Samsung Galaxy A54", 5400, 9900, 6, False),
    ("LCD-RN12", "Display Redmi Note 12", "Xiaomi Redmi Note 12", 2900, 5900, 3, False),
    ("LCD-FLIP5", "Внутренний дисплей Z Flip5", "Samsung Galaxy Z Flip5", 21500, 36900, 6, False),
    ("BAT-IP13", "Аккумулятор iPhone 13", "Apple iPhone 13", 1900, 4490, 12, False),
    ("BAT-IP14P", "Аккумулятор iPhone 14 Pro", "Apple iPhone 14 Pro", 2400, 5490, 12, False),
    ("BAT-IP15", "Аккумулятор iPhone 15", "Apple iPhone 15", 2600, 5990, 12, False),
    ("BAT-S23", "Battery Galaxy S23 EB-BS912ABY", "Samsung Galaxy S23", 1700, 3990, 12, False),
    ("BAT-A54", "Аккумулятор Galaxy A54", "Samsung Galaxy A54", 1300, 3290, 12, False),
    ("BAT-RN12", "Battery Redmi Note 12 BN5J", "Xiaomi Redmi Note 12", 900, 2490, 6, False),
    ("BAT-13TP", "Аккумулятор Xiaomi 13T Pro", "Xiaomi 13T Pro", 1500, 3590, 6, False),
    (
        "BAT-T14",
        "Battery ThinkPad T14 L18M3P73",
        "Lenovo ThinkPad T14 Gen 1, Gen 2",
        4200,
        8900,
        12,
        False,
    ),
    (
        "BAT-ZB14",
        "Аккумулятор ASUS ZenBook 14 C31N1811",
        "ASUS ZenBook 14 UX433, UX434",
        3900,
        7900,
        12,
        False,
    ),
    ("BAT-WH1000", "Аккумулятор наушников Sony WH-1000XM5", "Sony WH-1000XM5", 900, 2900, 6, False),
    (
        "PORT-USBC-SAM",
        "Разъём зарядки USB-C (плата)",
        "Samsung Galaxy S23, A54",
        450,
        1900,
        3,
        False,
    ),
    ("PORT-LTN-IP", "Шлейф зарядки Lightning", "Apple iPhone 13, 14 Pro", 650, 2490, 3, False),
    ("PORT-USBC-IP15", "Charging flex USB-C iPhone 15", "Apple iPhone 15", 1100, 2990, 3, False),
    (
        "PORT-USBC-XI",
        "Плата зарядки Redmi Note 12",
        "Xiaomi Redmi Note 12, 13T Pro",
        350,
        1490,
        3,
        False,
    ),
    ("CAM-IP14P", "Основная камера iPhone 14 Pro", "Apple iPhone 14 Pro", 6900, 12900, 6, False),
    ("GLASS-IP13", "Заднее стекло iPhone 13", "Apple iPhone 13", 700, 2990, 1, False),
    ("SPK-IP13", "Динамик полифонический iPhone 13", "Apple iPhone 13", 400, 1490, 3, False),
    (
        "KB-T14-RU",
        "Клавиатура ThinkPad T14 (RU, подсветка)",
        "Lenovo ThinkPad T14",
        3500,
        6900,
        6,
        False,
    ),
    ("KB-IP5-RU", "Клавиатура IdeaPad 5 14 (RU)", "Lenovo IdeaPad 5 14", 2200, 4900, 6, False),
    ("KB-VB15-RU", "Keyboard VivoBook 15 (RU/EN)", "ASUS VivoBook 15 X1502", 1900, 4500, 6, False),
    ("FAN-T14", "Вентилятор системы охлаждения T14", "Lenovo ThinkPad T14", 1400, 3490, 6, False),
    ("PWR-65W-USBC", "Блок питания 65 Вт USB-C", "Lenovo, ASUS (USB-C PD)", 1600, 3490, 12, False),
    (
        "SSD-512-NVME",
        "SSD 512 GB NVMe M.2 2280",
        "Ноутбуки с разъёмом M.2 2280",
        3400,
        6490,
        36,
        True,
    ),
    (
        "SSD-1TB-NVME",
        "SSD 1 TB NVMe M.2 2280",
        "Ноутбуки с разъёмом M.2 2280",
        5900,
        10490,
        36,
        True,
    ),
    (
        "RAM-16-DDR4",
        "Память SO-DIMM DDR4 16 GB 3200",
        "Lenovo IdeaPad 5, ASUS VivoBook 15",
        2900,
        5490,
        36,
        True,
    ),
    (
        "MB-T14-I5",
        "Материнская плата ThinkPad T14 (i5-10310U)",
        "Lenovo ThinkPad T14 Gen 1",
        24500,
        38900,
        3,
        True,
    ),
    (
        "MB-ZB14",
        "Motherboard ZenBook 14 UX434 (i5, 8 GB)",
        "ASUS ZenBook 14 UX434",
        21900,
        34900,
        3,
        True,
    ),
    ("TV-PSU-OLED55", "Блок питания LG OLED55C3 EAY65895", "LG OLED55C3", 8900, 15900, 6, True),
    ("TV-LED-43UR", "Комплект LED-подсветки LG 43UR78", "LG 43UR78", 3200, 6900, 6, False),
    ("WM-PUMP-BOSCH", "Насос сливной Bosch", "Bosch WAN28201 и др.", 1300, 3200, 6, False),
    ("WM-BRUSH-BOSCH", "Щётки двигателя Bosch (пара)", "Bosch WAN28201", 450, 1490, 3, False),
    (
        "DW-HEATER-BOSCH",
        "Нагреватель (проточный) посудомойки Bosch",
        "Bosch SMS25AW01R",
        3900,
        7900,
        6,
        True,
    ),
    ("CAM-R50-SHUT", "Затвор Canon EOS R50", "Canon EOS R50", 9800, 17900, 6, True),
    (
        "TAB-LCD-IPAD102",
        "Дисплей iPad 10.2 (в сборе)",
        "Apple iPad 10.2 (7, 8, 9)",
        5600,
        10900,
        6,
        False,
    ),
    ("TAB-BAT-AIR", "Аккумулятор iPad Air", "Apple iPad Air 4, 5", 2900, 6490, 12, False),
]
# Parts no longer sold: still in the catalogue, marked retired.
RETIRED = ["LCD-IP13", "GLASS-IP13"]

# How the orders are spread over the statuses: (status, how many, days since intake).
SPREAD = [
    (S.RECEIVED, 14, (0, 1)),
    (S.TO_WORKSHOP, 12, (0, 2)),
    (S.DIAGNOSING, 16, (1, 4)),
    (S.AWAITING_APPROVAL, 12, (2, 6)),
    (S.AWAITING_PARTS, 14, (3, 12)),
    (S.IN_REPAIR, 16, (2, 10)),
    (S.REPAIRED, 10, (3, 10)),
    (S.TO_OFFICE, 10, (4, 12)),
    (S.READY, 18, (5, 20)),
    (S.COLLECTED, 70, (20, 200)),
    (S.CANCELLED, 8, (1, 60)),
]


@dataclass
class Network:
    offices: list[Office]
    workshops: list[Workshop]
    staff: dict[str, User]

    def receptionist_of(self, office: Office) -> User:
        return self.staff["reception" if office is self.offices[0] else "reception2"]

    def technician_of(self, workshop: Workshop) -> User:
        return {0: self.staff["tech"], 1: self.staff["tech2"]}.get(
            self.workshops.index(workshop), self.staff["admin"]
        )


def build_network(today: date) -> Network:
    msk = Office(
        code="MSK",
        name="Москва, Тверская",
        legal_name="ООО «Сервис-Центр»",
        tax_id="7701234567",
        address="Москва, ул. Тверская, 12",
        phone="+7 495 123-45-67",
        hours="Пн–Пт 10:00–20:00, Сб 11:00–17:00",
        locale="ru",
        digest_email="msk.manager@example.com",
    )
    spb = Office(
        code="SPB",
        name="Санкт-Петербург, Невский",
        legal_name="ООО «Сервис-Центр»",
        tax_id="7701234567",
        address="Санкт-Петербург, Невский пр., 48",
        phone="+7 812 765-43-21",
        hours="Mon–Sat 10:00–19:00",
        locale="en",  # prints its documents in English: the demo shows both languages
        digest_email="spb.manager@example.com",
    )
    db.session.add_all([msk, spb])
    db.session.flush()
    central = Workshop(
        name="Центральная мастерская",
        kind=WorkshopKind.OWN,
        address=msk.address,
        phone=msk.phone,
        in_office_id=msk.id,
        turnaround_days=5,
    )
    fixpro = Workshop(
        name="FixPro",
        kind=WorkshopKind.PARTNER,
        address="Москва, ул. Профсоюзная, 3",
        phone="+7 495 222-33-44",
        email="orders@fixpro.example",
        digest_email="manager@fixpro.example",
        turnaround_days=7,
    )
    north = Workshop(
        name="Северный сервис",
        kind=WorkshopKind.PARTNER,
        address="Санкт-Петербург, ул. Седова, 9",
        phone="+7 812 111-22-33",
        turnaround_days=10,
    )
    db.session.add_all([central, fixpro, north])
    db.session.flush()
    stock.ensure_locations()
    # Contracts around the demo's day: FixPro takes phones, tablets and laptops of the usual
    # brands; the northern partner anything, under a renewed contract (the old one expired).
    start = date(today.year - 3, 1, 1)
    db.session.add_all(
        [
            WorkshopContract(
                workshop_id=fixpro.id,
                number=f"ФП-{start.year}/17",
                starts_on=start,
                ends_on=date(today.year + 1, 12, 31),
                categories="laptop,phone,tablet",
                brands="Apple, Samsung, Xiaomi, Lenovo, ASUS",
                turnaround_days=7,
                labour_share_percent=60,
            ),
            WorkshopContract(
                workshop_id=north.id,
                number=f"СС-{start.year - 2}/3",
                starts_on=date(start.year - 2, 1, 1),
                ends_on=date(start.year - 1, 12, 31),
                categories=",".join(category.value for category in DeviceCategory),
                turnaround_days=12,
                labour_share_percent=55,
            ),
            WorkshopContract(
                workshop_id=north.id,
                number=f"СС-{start.year}/8",
                starts_on=start,
                ends_on=date(today.year + 1, 12, 31),
                categories=",".join(category.value for category in DeviceCategory),
                turnaround_days=10,
                labour_share_percent=50,
            ),
        ]
    )
    people = [
        ("admin", "Администратор сети", Role.ADMIN, None, None),
        ("reception", "Ольга Приёмщикова", Role.RECEPTIONIST, msk, None),
        ("reception2", "Пётр Невский", Role.RECEPTIONIST, spb, None),
        ("tech", "Игорь Паяльников", Role.TECHNICIAN, None, central),
        ("tech2", "Anna Fixer", Role.TECHNICIAN, None, fixpro),
        ("partner", "Максим Партнёров", Role.MANAGER, None, fixpro),
    ]
    staff = {
        login: users.create_user(
            username=login,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            office=office,
            workshop=workshop,
        )
        for login, name, role, office, workshop in people
    }
    return Network([msk, spb], [central, fixpro, north], staff)


def _serial(rng: random.Random, category: DeviceCategory) -> str:
    if category is DeviceCategory.PHONE:
        body = "35" + "".join(rng.choice("0123456789") for _ in range(12))
        return body + luhn_check_digit(body)
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(12))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(7 + rng.randrange(10), rng.randrange(60)), tzinfo=UTC)


class _Walker:
    """Moves one order along its natural path up to a target status, with plausible timing."""

    def __init__(self, network: Network, rng: random.Random, now: datetime) -> None:
        self.network, self.rng, self.now = network, rng, now

    def walk(self, order: RepairOrder, target: OrderStatus, moment: datetime) -> None:
        steps = self._steps(order, target)
        while order.status is not target:
            moment = min(moment + timedelta(hours=self.rng.randint(2, 30)), self.now)
            self.moment = moment
            try:
                status, actor, note = next(steps)
            except StopIteration:
                return  # the target is not on this order's path (e.g. approval of a free repair)
            if status is S.TO_WORKSHOP or (status is S.READY and order.status is S.TO_OFFICE):
                self._hand_over(order, actor, moment)  # the device travels: a handover
                continue
            if status is S.DIAGNOSING and not order.workshop.is_inside(order.office_id):
                self._sign_for(order, actor, moment)  # the workshop signs for it on arrival
            orders.change_status(
                order, status, actor=actor, note=note, note_public=bool(note), now=moment
            )

    def _hand_over(self, order: RepairOrder, sender: User, moment: datetime) -> None:
        """A handover of its own from the office to the workshop, or back (signed for at once:
        the office signing makes the device ready for pickup)."""
        outbound = order.status is S.RECEIVED
        if not outbound:
            sender = self.network.technician_of(order.workshop)
        direction = Direction.TO_WORKSHOP if outbound else Direction.TO_OFFICE
        handovers.send_at_once(direction, [order], actor=sender, now=moment)
        if not outbound:
            desk = self.network.receptionist_of(order.office)
            self._sign_for(order, desk, moment + timedelta(hours=3))

    def _sign_for(self, order: RepairOrder, actor: User, moment: datetime) -> None:
        item = db.session.execute(
            sa.select(HandoverItem).where(HandoverItem.open_order_id == order.id)
        ).scalar_one()
        note = "Нет зарядного устройства" if self.rng.random() < 0.05 else ""
        handovers.receive(
            item.handover, {item.id: Arrival(True, note)}, actor=actor, now=min(moment, self.now)
        )

    def _steps(self, order: RepairOrder, target: OrderStatus):
        """The natural path of an order, recording findings and payments on the way."""
        net, rng, workshop = self.network, self.rng, order.workshop
        desk, tech = net.receptionist_of(order.office), net.technician_of(workshop)
        if target is S.CANCELLED:
            yield S.CANCELLED, desk, "Клиент передумал"
            return
        if not workshop.is_inside(order.office_id):
            yield S.TO_WORKSHOP, desk, None
        if workshop.kind is WorkshopKind.PARTNER:
            manager = net.staff["partner"] if workshop is net.workshops[1] else net.staff["admin"]
            technician = tech if tech.role is Role.TECHNICIAN else None
            orders.accept(order, actor=manager, technician=technician, now=self.moment)
        yield S.DIAGNOSING, tech, None
        diagnosis, work = rng.choice(DIAGNOSES)
        price = None
        if not order.kind.is_free:
            price = rng.randrange(15, 250) * 100 * 100
            if target is S.AWAITING_APPROVAL:
                price = (order.approval_limit or 0) + rng.randrange(10, 100) * 100 * 100
        orders.record_work(order, actor=tech, diagnosis=diagnosis, work_done="", price=None)
        if price is not None:  # quoted as a line, so the dashboard's repairs name the work
            order_lines.add_service(order, work, 1, price, actor=tech)
        back = S.READY if workshop.is_inside(order.office_id) else S.TO_OFFICE
        if target in (S.TO_OFFICE, S.READY, S.COLLECTED) and rng.random() < 0.15:
            yield back, tech, "Ремонт нецелесообразен: стоимость выше цены устройства"
        else:
            facts = orders.order_facts(order)
            if workflow.within_approval_limit(facts, workflow.Request()) is not None:
                yield S.AWAITING_APPROVAL, tech, None
                yield S.AWAITING_PARTS, desk, "Клиент согласовал стоимость по телефону"
            elif target is S.AWAITING_PARTS or rng.random() < 0.4:
                yield S.AWAITING_PARTS, tech, None
            yield S.IN_REPAIR, tech, None
            orders.record_work(order, actor=tech, diagnosis=diagnosis, work_done=work, price=price)
            yield S.REPAIRED, tech, None
            yield back, tech, None
        if order.status is S.TO_OFFICE:
            yield S.READY, desk, None
        due = orders.order_facts(order).balance_due
        if due > 0:
            orders.record_payment(
                order,
                kind=PaymentKind.FINAL,
                method=rng.choice(list(PaymentMethod)),
                amount=due,
                actor=desk,
                now=self.moment,
            )
        yield S.COLLECTED, desk, None


def seed(*, today: date | None = None, seed_value: int = 2026) -> Network:
    """Create the demo network and orders. Same `today` and seed, same data."""
    rng = random.Random(seed_value)
    today = today or local_date()
    now = datetime.combine(today, time(9, 0), tzinfo=UTC)
    network = build_network(today)
    walker = _Walker(network, rng, now)

    customers = []
    for index in range(200):
        company = index % 17 == 0
        name = (
            rng.choice(COMPANIES)
            if company
            else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        )
        customers.append(
            intake.register_customer(
                intake.CustomerData(
                    name=name,
                    phone=f"+79{rng.randrange(10**8, 10**9):09d}",
                    email=f"client{index}@example.com" if rng.random() < 0.6 else None,
                    kind=CustomerKind.COMPANY if company else CustomerKind.INDIVIDUAL,
                    consent_sms=rng.random() < 0.8,
                    consent_email=rng.random() < 0.5,
                )
            )
        )

    # What each partner's contract covers today: a device goes where it is covered.
    terms = {key: contract.terms for key, contract in current_contracts(today).items()}
    outbound: list[RepairOrder] = []
    plan = [(status, days) for status, count, days in SPREAD for _ in range(count)]
    plan.sort(key=lambda item: -item[1][1])  # oldest first, so repeat visits follow originals
    for index, (target, (min_days, max_days)) in enumerate(plan):
        customer = customers[index % len(customers)]
        received_on = today - timedelta(days=rng.randint(min_days, max_days))
        category, brand, models = rng.choice(DEVICES)
        in_warranty = rng.random() < 0.3
        device = intake.register_device(
            customer,
            intake.DeviceData(
                category=category,
                brand=brand,
                model=rng.choice(models),
                serial=_serial(rng, category),
                purchase_date=received_on
                - timedelta(days=rng.randint(30, 300) if in_warranty else rng.randint(500, 1500)),
                seller=rng.choice(["DNS", "М.Видео", "Ozon", None]),
                warranty_months=12,
            ),
            today=received_on,
        )
        office = network.offices[index % 2]
        workshop = (
            network.workshops[0]
            if office is network.offices[0] and rng.random() < 0.5
            else network.workshops[1 + index % 2]
        )
        if workshop.id in terms and not terms[workshop.id].covers(category, brand):
            workshop = network.workshops[2]  # the northern partner takes anything
        moment = _at(received_on, rng)
        suggestion, _history = intake.assess_device(device, today=received_on)
        estimate = rng.randrange(20, 200) * 100 * 100
        order = intake.receive_device(
            customer=customer,
            device=device,
            office=office,
            workshop=workshop,
            actor=network.receptionist_of(office),
            data=intake.OrderData(
                kind=suggestion.kind,
                complaint=rng.choice(COMPLAINTS),
                condition=rng.choice(CONDITIONS),
                accessories=rng.choice(ACCESSORIES),
                passcode=rng.choice([None, "1234", "0000"]),
                declared_value=rng.randrange(100, 1500) * 100 * 100,
                estimate=estimate,
                approval_limit=estimate // 2 if rng.random() < 0.5 else None,
                diagnostic_fee=rng.choice([None, 50_000, 100_000]),
                prepayment=rng.choice([None, None, 100000])
                if suggestion.kind is OrderKind.PAID
                else None,
            ),
            now=moment,
        )
        if target is S.TO_WORKSHOP and not workshop.is_inside(office.id):
            outbound.append(order)  # sent below, several devices to a handover
            continue
        walker.walk(order, target, moment)
    _dispatch(network, outbound, now)
    _send_back(network, now)
    _repeat_visits(network, rng, today)
    # After the orders, so that the catalogue does not change the orders a seed makes.
    _catalogue(network, rng)
    _parts_on_open_orders(network, rng)
    _warranty_near_the_limit(network, rng, today)
    _ratings(rng, now)
    db.session.flush()
    # The history was written with its past moments: sum its days for the dashboard, as the
    # nightly job would have.
    dashboard_rollup.roll_up_missing(now)
    return network


def _batches(orders_to_send: list[RepairOrder]) -> dict[tuple[int, int], list[RepairOrder]]:
    batches: dict[tuple[int, int], list[RepairOrder]] = {}
    for order in orders_to_send:
        batches.setdefault((order.office_id, order.workshop_id), []).append(order)
    return batches


def _dispatch(network: Network, orders_to_send: list[RepairOrder], now: datetime) -> None:
    """The devices on their way to the workshops: one handover per office and workshop, sent an
    hour after the last of them was taken in. A partner has refused the last device of a larger
    batch (back at the office to be routed again); the others wait for an answer in its Inbox."""
    fixpro = network.workshops[1]
    for batch in _batches(orders_to_send).values():
        first = batch[0]
        desk = network.receptionist_of(first.office)
        moment = min(max(order.received_at for order in batch) + timedelta(hours=1), now)
        handovers.send_at_once(Direction.TO_WORKSHOP, batch, actor=desk, now=moment)
        if first.workshop.kind is WorkshopKind.PARTNER and len(batch) > 1:
            manager = network.staff["partner" if first.workshop is fixpro else "admin"]
            orders.change_status(
                batch[-1],
                S.RECEIVED,
                actor=manager,
                note="Нет запчастей для этой модели",
                now=min(moment + timedelta(minutes=30), now),
            )


def _send_back(network: Network, now: datetime) -> None:
    """Of the devices a workshop has finished, all but the latest are on their way back in one
    handover per office (the office signs for them on the Handovers page)."""
    finished = db.session.execute(
        sa.select(RepairOrder)
        .where(RepairOrder.status == S.TO_OFFICE)
        .order_by(RepairOrder.status_changed_at, RepairOrder.id)
    ).scalars()
    for batch in _batches(list(finished)).values():
        if len(batch) < 2:
            continue
        first, going = batch[0], batch[:-1]
        sender = network.technician_of(first.workshop)
        moment = min(max(order.status_changed_at for order in going) + timedelta(hours=1), now)
        handovers.send_at_once(Direction.TO_OFFICE, going, actor=sender, now=moment)


def create_parts(admin: User, *, serial_tracked: bool = True) -> list[Part]:
    """The parts catalogue of PARTS (`serial_tracked=False`: none asks for serial numbers)."""
    return [
        catalogue.create_part(
            PartData(
                sku=sku,
                name=name,
                compatible=compatible,
                unit_cost=cost * 100,
                sale_price=price * 100,
                warranty_months=months,
                serial_tracked=tracked and serial_tracked,
            ),
            actor=admin,
        )
        for sku, name, compatible, cost, price, months, tracked in PARTS
    ]


def _catalogue(network: Network, rng: random.Random) -> None:
    """The parts catalogue, a first delivery at every workshop and the Moscow office, and a few
    minimum levels, some of them not met (the low-stock list has something to show)."""
    admin = network.staff["admin"]
    parts = create_parts(admin)
    places = [stock.location_for(workshop=workshop) for workshop in network.workshops]
    places.append(stock.location_for(office=network.offices[0]))
    for number, place in enumerate(places, start=1):
        document = f"УПД № {rng.randrange(1000, 9999)}/{number}"
        stocked = [part for part in parts if part.sku not in RETIRED and rng.random() < 0.6]
        for part in stocked:
            stock.receive(
                part,
                place,
                rng.randint(1, 12),
                actor=admin,
                # Suppliers' prices drift a little around the catalogue cost.
                unit_cost=part.unit_cost * rng.randint(90, 110) // 100,
                supplier_document=document,
            )
        for part in rng.sample(parts, 5):
            level = stock.level_of(part.id, place.id)
            stock.set_minimum(part, place, level.on_hand + rng.randint(1, 4), actor=admin)
        for part in rng.sample(stocked, 3):
            stock.set_minimum(part, place, 1, actor=admin)
    for part in parts:
        if part.sku in RETIRED:
            catalogue.set_active(part, False, actor=admin)


def _parts_on_open_orders(network: Network, rng: random.Random) -> None:
    """Parts on some orders still at the workshop: reserved for warranty repairs and repairs
    under way, waiting for the approval on paid ones being diagnosed."""
    open_orders = db.session.execute(
        sa.select(RepairOrder)
        .where(
            RepairOrder.status.in_(
                [OrderStatus.DIAGNOSING, OrderStatus.AWAITING_PARTS, OrderStatus.IN_REPAIR]
            )
        )
        .order_by(RepairOrder.id)
    ).scalars()
    for order in open_orders:
        paid = not order.kind.is_free
        if paid and order.status is not OrderStatus.DIAGNOSING or rng.random() < 0.3:
            continue  # a dearer paid repair under way would need a new approval
        place = stock.location_for(workshop=order.workshop)
        available = (
            db.session.execute(
                sa.select(Part)
                .join(StockLevel, StockLevel.part_id == Part.id)
                .where(
                    StockLevel.location_id == place.id,
                    StockLevel.on_hand - StockLevel.reserved > 0,
                    Part.active.is_(True),
                )
                .order_by(Part.sku)
            )
            .scalars()
            .all()
        )
        device = order.device
        fitting = [
            part
            for part in available
            if device.model.lower() in part.compatible.lower()
            or device.model.lower() in part.name.lower()
        ]
        if not fitting:
            continue  # no part in this workshop fits this device
        tech = network.technician_of(order.workshop)
        line = order_lines.add_part(order, rng.choice(fitting), 1, actor=tech)
        if line.part.serial_tracked and line.state is LineState.RESERVED:
            order_lines.set_serials(order, line, f"SN{rng.randrange(10**7, 10**8)}", actor=tech)


def _repeat_visits(network: Network, rng: random.Random, today: date) -> None:
    """Bring a few repaired devices back under our warranty, as repeat orders."""
    candidates = db.session.execute(
        db.select(RepairOrder)
        .where(RepairOrder.status == S.COLLECTED, RepairOrder.kind != OrderKind.REPEAT)
        .order_by(RepairOrder.collected_at.desc())
    ).scalars()
    made = 0
    for original in candidates:
        suggestion, _history = intake.assess_device(original.device, today=today)
        if suggestion.kind is not OrderKind.REPEAT or made == 6:
            continue
        office = original.office
        order = intake.receive_device(
            customer=original.customer,
            device=original.device,
            office=office,
            workshop=original.workshop,
            actor=network.receptionist_of(office),
            data=intake.OrderData(
                kind=OrderKind.REPEAT,
                complaint="Неисправность вернулась после ремонта",
                condition="Без видимых повреждений",
                declared_value=original.declared_value,
                original_order_id=suggestion.original_order_id,
            ),
            now=_at(today, rng) - timedelta(days=rng.randint(0, 3)),
        )
        _Walker(network, rng, datetime.combine(today, time(9), tzinfo=UTC)).walk(
            order, rng.choice([S.RECEIVED, S.DIAGNOSING, S.IN_REPAIR]), order.received_at
        )
        made += 1


def _warranty_near_the_limit(network: Network, rng: random.Random, today: date) -> None:
    """Two warranty repairs waiting long for parts: one a day before the 45-day legal limit,
    one past it (the Deadlines page shows its penalty). Made last, so that the rest of the
    demo is the same with or without them."""
    examples = [
        (network.offices[0], network.workshops[0], "Galaxy S23", 44, S.AWAITING_PARTS),
        (network.offices[1], network.workshops[1], "iPhone 14 Pro", 48, S.IN_REPAIR),
    ]
    for index, (office, workshop, model, days, target) in enumerate(examples):
        received_on = today - timedelta(days=days)
        customer = db.session.scalars(
            sa.select(Customer).order_by(Customer.id).offset(index * 7).limit(1)
        ).one()
        device = intake.register_device(
            customer,
            intake.DeviceData(
                category=DeviceCategory.PHONE,
                brand="Samsung" if model.startswith("Galaxy") else "Apple",
                model=model,
                serial=_serial(rng, DeviceCategory.PHONE),
                purchase_date=received_on - timedelta(days=90),
                seller="М.Видео",
                warranty_months=12,
            ),
            today=received_on,
        )
        moment = _at(received_on, rng)
        order = intake.receive_device(
            customer=customer,
            device=device,
            office=office,
            workshop=workshop,
            actor=network.receptionist_of(office),
            data=intake.OrderData(
                kind=OrderKind.WARRANTY,
                complaint="Не заряжается",
                condition="Без видимых повреждений",
                declared_value=rng.randrange(600, 1200) * 100 * 100,
            ),
            now=moment,
        )
        walker = _Walker(network, rng, datetime.combine(today, time(9), tzinfo=UTC))
        walker.walk(order, target, moment)


def _ratings(rng: random.Random, now: datetime) -> None:
    """Most customers rate the service a few hours after collecting, through the survey link;
    a few rate it low, which opens a follow-up for the office. Made last, with its own draws
    after everything else, so the rest of the demo is unchanged."""
    from .domain.feedback import Scores
    from .services import feedback

    collected = db.session.scalars(
        sa.select(RepairOrder)
        .where(RepairOrder.status == S.COLLECTED, RepairOrder.collected_at.is_not(None))
        .order_by(RepairOrder.id)
    ).all()
    for order in collected:
        if rng.random() < 0.3:
            continue  # not everyone answers a survey
        moment = order.collected_at + timedelta(hours=rng.randint(3, 30))
        if moment >= now:
            continue
        low = rng.random() < 0.12
        scores = (
            Scores(rng.randint(1, 2), rng.randint(0, 6), rng.randint(1, 3), "Долго ждал")
            if low
            else Scores(rng.randint(4, 5), rng.randint(8, 10), rng.randint(4, 5))
        )
        feedback.submit(order.tracking_token, scores, ip="", user_agent="", now=moment)
