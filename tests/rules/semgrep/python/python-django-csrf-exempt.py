from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST


# ruleid: python-django-csrf-exempt
@csrf_exempt
def update_profile(request):
    return JsonResponse({"ok": True})


# ruleid: python-django-csrf-exempt
@method_decorator(csrf_exempt, name="dispatch")
class PaymentView(View):
    def post(self, request):
        return JsonResponse({"ok": True})


def legacy(request):
    return JsonResponse({})


urlpatterns = [
    # ruleid: python-django-csrf-exempt
    path("legacy/", csrf_exempt(legacy)),
    # ok: python-django-csrf-exempt
    path("profile/", update_profile),
]


# ok: python-django-csrf-exempt
@require_POST
def update_settings(request):
    return JsonResponse({"ok": True})


# ok: python-django-csrf-exempt
@csrf_protect
def change_email(request):
    return JsonResponse({"ok": True})
