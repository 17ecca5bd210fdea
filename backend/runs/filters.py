import django_filters

from backend.core.filters import code, fiscal_year, key
from backend.runs.models import MatchRun, Proposal, ProposalStatus, RunStatus, ScopeConsent


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    fiscal_year = fiscal_year()

    class Meta:
        model = MatchRun
        fields = []


class ScopeConsentFilter(django_filters.FilterSet):
    fiscal_year = fiscal_year()
    grantor = code("grantor_id")
    grantee = code("grantee_id")

    class Meta:
        model = ScopeConsent
        fields = []


class ProposalFilter(django_filters.FilterSet):
    run = key("run_id")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    need = key("need_id")

    class Meta:
        model = Proposal
        fields = []
