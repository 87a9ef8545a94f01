import os

# ruleid: python-django-debug-enabled
DEBUG = True

if os.environ.get("CI"):
    # ruleid: python-django-debug-enabled
    DEBUG = True

# ok: python-django-debug-enabled
DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() == "true"

# ok: python-django-debug-enabled
DEBUG = False


class DevSettings:
    # ok: python-django-debug-enabled
    DEBUG = True


def enable_debug_for_tests(settings) -> None:
    # ok: python-django-debug-enabled
    DEBUG = True  # noqa: F841
    settings.DEBUG = False
