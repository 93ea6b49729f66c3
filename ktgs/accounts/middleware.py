from django.utils.functional import SimpleLazyObject

from ktgs.accounts.access import visible_to


class AccessMiddleware:
    """Puts the user's `Scope` on `request.scope`, computed once per request when first used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: visible_to(request.user))
        return self.get_response(request)
