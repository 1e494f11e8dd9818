from servicecenter.domain.enums import OrderStatus


def test_factory_walks_an_order_to_collected(make):
    order = make.order(OrderStatus.COLLECTED)
    assert order.status is OrderStatus.COLLECTED
    assert order.number == f"AAA-{order.year}-000001"
