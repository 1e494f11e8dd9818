"""Texts an office prints on its documents, and the built-in first versions of them."""

from __future__ import annotations

from enum import StrEnum


class TextKind(StrEnum):
    CONTRACT_TERMS = "contract_terms"
    WARRANTY_CONDITIONS = "warranty_conditions"


DEFAULTS = {
    (TextKind.CONTRACT_TERMS, "en"): """\
1. The contractor diagnoses the device and repairs it within the agreed time; a warranty repair \
takes no more than 45 days from the day the device is handed in.
2. Paid work costing more than the amount the customer allowed is done only after the customer \
approves the quote. A declined repair is returned unrepaired; the customer then pays only the \
diagnostic fee stated in this receipt, if any.
3. The contractor is responsible for the device while it is in its care, up to its declared value.
4. The customer backs up their data: the contractor is not responsible for data lost during \
diagnostics or repair, and may need to reset the device.
5. The customer collects the device within 30 days of being told it is ready. After 60 days the \
contractor may charge for storage, and after the written notice required by law may dispose of an \
unclaimed device to cover its costs.
6. The device is returned on presentation of this receipt or an identity document.
7. The customer may cancel the contract at any time, paying for the work already done.""",
    (TextKind.CONTRACT_TERMS, "ru"): """\
1. Исполнитель проводит диагностику и ремонт изделия в согласованный срок; гарантийный ремонт \
выполняется не более 45 дней со дня передачи изделия.
2. Платные работы дороже суммы, согласованной заказчиком, выполняются только после согласования \
сметы. При отказе изделие возвращается без ремонта; заказчик оплачивает только стоимость \
диагностики, если она указана в этой квитанции.
3. Исполнитель отвечает за сохранность изделия в пределах его оценочной стоимости.
4. Заказчик самостоятельно сохраняет свои данные: исполнитель не отвечает за утрату информации при \
диагностике и ремонте и может сбросить настройки изделия.
5. Заказчик забирает изделие в течение 30 дней после уведомления о готовности. После 60 дней \
исполнитель вправе взимать плату за хранение, а после письменного предупреждения, \
предусмотренного законом, — реализовать невостребованное изделие в счёт своих расходов.
6. Изделие выдаётся по предъявлении этой квитанции или документа, удостоверяющего личность.
7. Заказчик вправе отказаться от договора в любое время, оплатив фактически выполненные работы.""",
    (TextKind.WARRANTY_CONDITIONS, "en"): """\
The warranty covers the work listed and the parts fitted, for the periods stated, from the day the \
device was collected. A new fault within the warranty is repaired free of charge and does not \
restart the warranty. The warranty does not cover mechanical damage, liquid damage, damage from \
power surges, repairs or opening by third parties, or faults not related to the work done. \
Keep this slip: it is needed for a warranty claim.""",
    (TextKind.WARRANTY_CONDITIONS, "ru"): """\
Гарантия распространяется на указанные работы и установленные запчасти в течение указанных \
сроков со дня выдачи изделия. Новая неисправность в гарантийный срок устраняется бесплатно \
и не продлевает гарантию заново. Гарантия не распространяется на механические повреждения, \
следы жидкости, повреждения от перепадов напряжения, вскрытие и ремонт третьими лицами, \
а также на неисправности, не связанные с выполненной работой. Сохраняйте этот талон: \
он нужен для гарантийного обращения.""",
}


def default_text(kind: TextKind, locale: str) -> str:
    """The built-in text in the office's language (English for a language we have none in)."""
    return DEFAULTS.get((kind, locale)) or DEFAULTS[(kind, "en")]
