"""ORM models, one module per aggregate. Importing this package registers every table."""

from .customer import Customer, Device
from .network import Office, Workshop
from .order import OrderNumberCounter, OrderStatusChange, Payment, RepairOrder
from .user import User

__all__ = [
    "Customer",
    "Device",
    "Office",
    "OrderNumberCounter",
    "OrderStatusChange",
    "Payment",
    "RepairOrder",
    "User",
    "Workshop",
]
