"""Sign-in, the role's start page, and the coordinator's dashboard."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property

from backend.accounts.lockout import lockout_minutes
from backend.accounts.models import UserRole
from backend.core.fiscal import current_fiscal_year
from backend.core.reuse import reuse_page
from frontend import charts, forms, selectors
from frontend.todo import todo_list
from frontend.views.access import COORDINATOR, post_acts, role_required

# django-axes watches this login through the form's authenticate(request, ...): five failures in a row
# lock the account and its middleware answers with the 429 page instead of this view.
login_view = auth_views.LoginView.as_view(
    template_name="frontend/login.html", redirect_authenticated_user=True,
    extra_context={"lockout_failures": settings.AXES_FAILURE_LIMIT, "lockout_minutes": lockout_minutes()},
)
logout_view = post_acts("frontend:home")(auth_views.LogoutView.as_view())  # a GET signs no one out

START_PAGES = {
    UserRole.COORDINATOR: "frontend:dashboard",
    UserRole.MUNICIPAL: "frontend:needs",
    UserRole.EXPERT: "frontend:me",
}


@login_required
def home(request):
    return redirect(START_PAGES.get(request.user.role, "frontend:dashboard"))


def fiscal_year_param(request) -> int:
    """The year a page shows: the one asked (`fy`), else the user's default (selectors.default_fiscal_year)."""
    value = request.GET.get("fy", "")
    return int(value) if forms.whole(value) and 2000 <= int(value) <= 2100 else selectors.default_fiscal_year(
        user=request.user)


def working_year_param(request) -> int:
    """The year a page of the working year shows (visits, activity, payments, evaluations): the one asked (`fy`),
    else the fiscal year under way by today's date, not the season being matched."""
    value = request.GET.get("fy", "")
    return int(value) if forms.whole(value) and 2000 <= int(value) <= 2100 else current_fiscal_year()


class DashboardFigures:
    """The dashboard's figures, computed on first use: the template caches the parts that show them (per
    scope, year and language, KENMU_DASHBOARD_CACHE_S seconds), so a cached page computes none of them."""

    LOAD_BARS = 20  # the most loaded experts; the experts page lists everyone

    def __init__(self, *, user, fiscal_year: int):
        self.user, self.fiscal_year = user, fiscal_year

    @cached_property
    def fiscal_years(self) -> list[int]:
        return selectors.fiscal_year_choices(user=self.user)

    @cached_property
    def needs_by_status(self):
        return selectors.needs_by_status(user=self.user, fiscal_year=self.fiscal_year)

    @cached_property
    def load_bars(self):
        return charts.load_bars(selectors.expert_loads(user=self.user, fiscal_year=self.fiscal_year,
                                                       limit=self.LOAD_BARS))

    @property
    def load_height(self) -> int:
        return len(self.load_bars) * 22 + 4

    @cached_property
    def experts(self) -> int:
        return selectors.active_expert_count(user=self.user)

    @cached_property
    def _coverage(self):
        return selectors.coverage_by_municipality(user=self.user, fiscal_year=self.fiscal_year)

    @property
    def coverage(self):
        return [c for c in self._coverage if c.needs]

    @property
    def map_points(self):
        return charts.coverage_map(self._coverage)


@role_required(*COORDINATOR)
@reuse_page
def dashboard(request):
    user = request.user
    scope = selectors.dashboard_scope(user=user)
    fiscal_year = fiscal_year_param(request)  # the prefecture's season, or the coming year from October
    return render(request, "frontend/dashboard.html", {
        "fiscal_year": fiscal_year,
        "figures": DashboardFigures(user=user, fiscal_year=fiscal_year),
        "figures_scope": scope,
        "figures_cache_s": settings.KENMU_DASHBOARD_CACHE_S,
        "replacements": selectors.open_replacements(user=user),
        "latest_run": selectors.latest_run(user=user),
        "todo": todo_list(user=user),
        "shown_at": timezone.now(),
    })
