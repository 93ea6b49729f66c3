from ktgs.audit.context import Actor, current_actor


class AuditContextMiddleware:
    """Makes the signed-in user and their IP available to `audit.record()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = Actor(id=user.pk, name=user.get_username(), ip=request.META.get("REMOTE_ADDR"))
        else:
            actor = Actor(id=None, name="", ip=request.META.get("REMOTE_ADDR"))
        token = current_actor.set(actor)
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
