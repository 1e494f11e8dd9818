"""ORM models, one module per aggregate. Importing this package registers every table."""

from .customer import Customer, CustomerMerge, CustomerSearchKey, Device
from .dashboard import (
    DashboardDaily,
    DashboardDailyBrand,
    DashboardDailyLine,
    DashboardDay,
    DashboardMonth,
    DashboardStaleDay,
    DashboardStatusDay,
)
from .document import Document, OfficeText
from .feedback import Feedback, FollowUp, QuoteDecision
from .handover import Handover, HandoverItem
from .job import JobLock, JobOutcome, JobRun
from .network import Office, Workshop, WorkshopContract
from .notification import Notification, NotificationRule, NotificationTemplate
from .order import OrderNumberCounter, OrderReminder, OrderStatusChange, Payment, RepairOrder
from .partner import Settlement, SettlementLine, WorkshopRefusal
from .stock import OrderLine, Part, StockLevel, StockLocation, StockMovement, StockTransfer
from .user import User

__all__ = [
    "Customer",
    "CustomerMerge",
    "CustomerSearchKey",
    "DashboardDaily",
    "DashboardDailyBrand",
    "DashboardDailyLine",
    "DashboardDay",
    "DashboardMonth",
    "DashboardStaleDay",
    "DashboardStatusDay",
    "Device",
    "Document",
    "Feedback",
    "FollowUp",
    "Handover",
    "HandoverItem",
    "Notification",
    "NotificationRule",
    "NotificationTemplate",
    "JobLock",
    "JobOutcome",
    "JobRun",
    "Office",
    "OfficeText",
    "OrderLine",
    "OrderNumberCounter",
    "OrderReminder",
    "OrderStatusChange",
    "Part",
    "Payment",
    "QuoteDecision",
    "RepairOrder",
    "Settlement",
    "SettlementLine",
    "StockLevel",
    "StockLocation",
    "StockMovement",
    "StockTransfer",
    "User",
    "Workshop",
    "WorkshopContract",
    "WorkshopRefusal",
]
