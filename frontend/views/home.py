"""Sign-in, the role's start page, and the coordinator's dashboard."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from backend.accounts.lockout import lockout_minutes
from backend.accounts.models import UserRole
from frontend import charts, selectors
from frontend.views.access import COORDINATOR, role_required

# django-axes watches this login through the form's authenticate(request, ...): five failures in a row
# lock the account and its middleware answers with the 429 page instead of this view.
login_view = auth_views.LoginView.as_view(
    template_name="frontend/login.html", redirect_authenticated_user=True,
    extra_context={"lockout_failures": settings.AXES_FAILURE_LIMIT, "lockout_minutes": lockout_minutes()},
)
logout_view = auth_views.LogoutView.as_view()

START_PAGES = {
    UserRole.COORDINATOR: "frontend:dashboard",
    UserRole.MUNICIPAL: "frontend:needs",
    UserRole.EXPERT: "frontend:me",
}


@login_required
def home(request):
    return redirect(START_PAGES.get(request.user.role, "frontend:dashboard"))


def fiscal_year_param(request) -> int:
    value = request.GET.get("fy", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else selectors.default_fiscal_year(
        user=request.user)


@role_required(*COORDINATOR)
def dashboard(request):
    user = request.user
    fiscal_year = fiscal_year_param(request)
    loads = selectors.expert_loads(user=user, fiscal_year=fiscal_year)
    coverage = selectors.coverage_by_municipality(user=user, fiscal_year=fiscal_year)
    return render(request, "frontend/dashboard.html", {
        "fiscal_year": fiscal_year,
        "fiscal_years": selectors.fiscal_year_choices(user=user),
        "needs_by_status": selectors.needs_by_status(user=user, fiscal_year=fiscal_year),
        "load_bars": charts.load_bars(loads),
        "load_height": len(loads) * 22 + 4,
        "coverage": [c for c in coverage if c.needs],
        "map_points": charts.coverage_map(coverage),
        "replacements": selectors.open_replacements(user=user),
        "latest_run": selectors.latest_run(user=user),
    })
