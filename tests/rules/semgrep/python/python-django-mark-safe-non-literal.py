from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def greeting(user) -> str:
    # ruleid: python-django-mark-safe-non-literal
    return mark_safe(f"<b>Hello {user.first_name}</b>")


def bio(profile) -> str:
    # ruleid: python-django-mark-safe-non-literal
    return mark_safe(profile.bio_html)


def icon() -> str:
    # ok: python-django-mark-safe-non-literal
    return mark_safe('<svg class="icon"><use href="#check"/></svg>')


def greeting_safe(user) -> str:
    # ok: python-django-mark-safe-non-literal
    return format_html("<b>Hello {}</b>", user.first_name)


def greeting_escaped(user) -> str:
    # ok: python-django-mark-safe-non-literal
    return mark_safe("<b>Hello " + escape(user.first_name) + "</b>")
