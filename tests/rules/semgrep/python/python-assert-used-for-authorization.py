class PermissionDenied(Exception):
    pass


def delete_order(user, order) -> None:
    # ruleid: python-assert-used-for-authorization
    assert user.is_authenticated
    # ruleid: python-assert-used-for-authorization
    assert user.has_perm("orders.delete"), "not allowed"
    order.delete()


def admin_only(request) -> None:
    # ruleid: python-assert-used-for-authorization
    assert request.user.is_staff or request.user.is_superuser
    request.handle()


def delete_order_safe(user, order) -> None:
    # ok: python-assert-used-for-authorization
    if not user.has_perm("orders.delete"):
        raise PermissionDenied
    order.delete()


def check_invariants(order) -> None:
    # ok: python-assert-used-for-authorization
    assert order.total >= 0
    # ok: python-assert-used-for-authorization
    assert isinstance(order.items, list), "items must be a list"
