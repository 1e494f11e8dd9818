"""ORM models, one module per aggregate. Importing this package registers every table."""

from .customer import Customer, Device
from .document import Document, OfficeText
from .network import Office, Workshop
from .order import OrderNumberCounter, OrderStatusChange, Payment, RepairOrder
from .user import User

__all__ = [
    "Customer",
    "Device",
    "Document",
    "Office",
    "OfficeText",
    "OrderNumberCounter",
    "OrderStatusChange",
    "Payment",
    "RepairOrder",
    "User",
    "Workshop",
]
