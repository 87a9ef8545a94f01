from django.contrib.auth.models import User
from django.db.models.expressions import RawSQL


def by_username(username: str):
    # ruleid: python-django-raw-sql-format
    return User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{username}'")


def annotate(qs, field: str):
    # ruleid: python-django-raw-sql-format
    return qs.annotate(val=RawSQL("SELECT %s FROM app_item" % field, ()))  # noqa: UP031


def legacy_extra(qs, status: str):
    # ruleid: python-django-raw-sql-format
    return qs.extra(where=["status = '" + status + "'"])


def by_username_safe(username: str):
    # ok: python-django-raw-sql-format
    return User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [username])


def annotate_safe(qs, item_id: int):
    # ok: python-django-raw-sql-format
    return qs.annotate(val=RawSQL("SELECT price FROM app_item WHERE id = %s", (item_id,)))
