"""What the customer is told: a smaller set of stages than the staff's workflow statuses."""

from __future__ import annotations

from enum import StrEnum

from .enums import OrderStatus as S


class Stage(StrEnum):
    ACCEPTED = "accepted"
    AT_WORKSHOP = "at_workshop"
    DIAGNOSTICS = "diagnostics"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_PARTS = "awaiting_parts"
    IN_REPAIR = "in_repair"
    RETURNING = "returning"
    READY = "ready"
    COLLECTED = "collected"
    CANCELLED = "cancelled"


STAGE_OF = {
    S.RECEIVED: Stage.ACCEPTED,
    S.TO_WORKSHOP: Stage.AT_WORKSHOP,
    S.DIAGNOSING: Stage.DIAGNOSTICS,
    S.AWAITING_APPROVAL: Stage.AWAITING_APPROVAL,
    S.AWAITING_PARTS: Stage.AWAITING_PARTS,
    S.IN_REPAIR: Stage.IN_REPAIR,
    S.REPAIRED: Stage.RETURNING,
    S.TO_OFFICE: Stage.RETURNING,
    S.READY: Stage.READY,
    S.COLLECTED: Stage.COLLECTED,
    S.CANCELLED: Stage.CANCELLED,
}


def public_timeline(statuses: list[tuple[S, object]]) -> list[tuple[Stage, object]]:
    """Collapse a status history into customer stages: consecutive repeats of a stage become one."""
    timeline: list[tuple[Stage, object]] = []
    for status, when in statuses:
        stage = STAGE_OF[status]
        if not timeline or timeline[-1][0] is not stage:
            timeline.append((stage, when))
    return timeline
