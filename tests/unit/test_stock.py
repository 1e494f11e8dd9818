"""Stock arithmetic without the database: what each movement does, and what is refused."""

from __future__ import annotations

import pytest

from servicecenter.domain.stock import (
    Change,
    Level,
    MovementKind,
    StockError,
    adjustment_to,
    change_of,
    reorder_suggestion,
    shortage_message,
    split_serials,
)

K = MovementKind


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        (K.RECEIPT, Change(on_hand=3)),
        (K.TRANSFER_OUT, Change(on_hand=-3)),
        (K.TRANSIT, Change(in_transit=3)),
        (K.TRANSFER_IN, Change(on_hand=3, in_transit=-3)),
        (K.TRANSFER_CANCEL, Change(in_transit=-3)),
        (K.TRANSFER_BACK, Change(on_hand=3)),
        (K.RESERVE, Change(reserved=3)),
        (K.RELEASE, Change(reserved=-3)),
        (K.CONSUME, Change(on_hand=-3, reserved=-3)),
        (K.RETURN, Change(on_hand=3)),
        (K.WRITE_OFF, Change(on_hand=-3)),
    ],
)
def test_what_each_movement_does(kind, change):
    assert change_of(kind, 3) == change


def test_every_kind_but_the_reversal_has_an_effect():
    for kind in K:
        if kind in (K.REVERSAL, K.ADJUSTMENT):
            continue
        assert change_of(kind, 1) != Change()


def test_an_adjustment_is_signed_and_a_reversal_is_the_opposite():
    assert change_of(K.ADJUSTMENT, -2) == Change(on_hand=-2)
    assert -change_of(K.CONSUME, 2) == Change(on_hand=2, reserved=2)
    with pytest.raises(StockError, match="nothing to adjust"):
        change_of(K.ADJUSTMENT, 0)


@pytest.mark.parametrize("quantity", [0, -1, 100_001])
def test_quantities_must_be_sensible(quantity):
    with pytest.raises(StockError):
        change_of(K.RECEIPT, quantity)


def test_available_is_on_hand_less_reserved_and_never_negative_when_valid():
    level = Level(on_hand=5, reserved=2, in_transit=1)
    assert level.available == 3
    assert level.after(change_of(K.RESERVE, 3)).is_valid
    assert not level.after(change_of(K.RESERVE, 4)).is_valid
    assert not level.after(change_of(K.WRITE_OFF, 4)).is_valid  # would take reserved parts
    assert not level.after(change_of(K.TRANSFER_CANCEL, 2)).is_valid
    assert level.after(change_of(K.CONSUME, 2)) == Level(3, 0, 1)


def test_shortage_messages_say_what_is_there():
    level = Level(on_hand=3, reserved=2)
    template, params = shortage_message(level, change_of(K.WRITE_OFF, 2))
    assert "reserved for repair orders" in template and params == {"count": 1, "reserved": 2}
    template, params = shortage_message(Level(on_hand=1), change_of(K.RESERVE, 2))
    assert template.startswith("Only %(count)s") and params == {"count": 1}
    template, params = shortage_message(Level(in_transit=1), change_of(K.TRANSFER_IN, 2))
    assert "in transit" in template


def test_a_count_sets_on_hand_but_never_below_what_is_reserved():
    level = Level(on_hand=5, reserved=2)
    assert adjustment_to(level, 7) == 2
    assert adjustment_to(level, 2) == -3
    with pytest.raises(StockError, match="reserved for repair orders") as error:
        adjustment_to(level, 1)
    assert error.value.field == "counted"
    with pytest.raises(StockError):
        adjustment_to(level, -1)


def test_reorder_suggestion_fills_up_to_twice_the_minimum_counting_transit():
    assert reorder_suggestion(Level(on_hand=1), 4) == 7
    assert reorder_suggestion(Level(on_hand=1, in_transit=3), 4) == 4
    assert reorder_suggestion(Level(on_hand=4), 4) == 0
    assert reorder_suggestion(Level(on_hand=4, reserved=4), 0) == 0


def test_serials_are_split_on_commas_spaces_and_lines():
    assert split_serials("A1, B2\nC3  D4,") == ["A1", "B2", "C3", "D4"]
    assert split_serials("  ") == []
