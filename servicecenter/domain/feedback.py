"""The customer's voice: the answer to a quote and the ratings after collection, with the rule
that a low rating needs the office's attention."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import N_, DomainError


class Decision(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


CSAT_RANGE = range(1, 6)  # "how satisfied are you", 1 (very unhappy) to 5 (very happy)
NPS_RANGE = range(0, 11)  # "how likely are you to recommend us", 0 to 10
EFFORT_RANGE = range(1, 6)  # "how easy was it", 1 (very hard) to 5 (very easy)
MAX_COMMENT = 2000
MAX_DECLINE_COMMENT = 500
# A rating at or below these asks for a follow-up: an unhappy customer, or an NPS detractor.
LOW_CSAT = 2
LOW_NPS = 6


@dataclass(frozen=True)
class Scores:
    csat: int
    nps: int
    effort: int
    comment: str = ""

    @property
    def is_low(self) -> bool:
        """Whether the office should get back to the customer."""
        return self.csat <= LOW_CSAT or self.nps <= LOW_NPS


def check_scores(scores: Scores) -> Scores:
    """The scores with the comment trimmed. Raises DomainError on the field out of range."""
    for name, allowed in (("csat", CSAT_RANGE), ("nps", NPS_RANGE), ("effort", EFFORT_RANGE)):
        value = getattr(scores, name)
        if not isinstance(value, int) or value not in allowed:
            raise DomainError(
                N_("Choose a score from %(low)s to %(high)s."),
                field=name,
                low=allowed.start,
                high=allowed.stop - 1,
            )
    comment = (scores.comment or "").strip().replace("\r\n", "\n")
    if len(comment) > MAX_COMMENT:
        raise DomainError(
            N_("The comment is too long: %(max)s characters at most."),
            field="comment",
            max=MAX_COMMENT,
        )
    return Scores(scores.csat, scores.nps, scores.effort, comment)
