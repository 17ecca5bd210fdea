import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from backend.core.errors import ErrorCode
from backend.core.filters import code, fiscal_year, key
from backend.core.validators import validate_municipality_code
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


# A code that no prefecture or municipality can have is a 400 naming the filter (an unknown but well-formed code
# finds nothing), so that a typo is not mistaken for "no proposals there".
PREFECTURE_CODE = RegexValidator(r"^(0[1-9]|[1-3][0-9]|4[0-7])$", _("都道府県コードは01〜47の2桁で指定してください。"),
                                 code=ErrorCode.INVALID_FILTER)


class RunProposalFilter(django_filters.FilterSet):
    """A run's proposals by the place of their need (a national run has a thousand)."""

    # Empty means every place (the page's 「すべて」 sends it), so the schema's patterns admit it.
    prefecture = extend_schema_field({"type": "string", "pattern": r"^(|0[1-9]|[1-3][0-9]|4[0-7])$"})(
        code("need__municipality__prefecture_id", validators=[PREFECTURE_CODE],
             help_text="prefecture code of the need (01–47)"))
    municipality = extend_schema_field({"type": "string", "pattern": r"^([0-9]{6})?$"})(
        code("need__municipality_id", validators=[validate_municipality_code],
             help_text="団体コード of the need's municipality (6 digits with the check digit)"))

    class Meta:
        model = Proposal
        fields = []


class ProposalFilter(RunProposalFilter):
    run = key("run_id")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    need = key("need_id")

    class Meta:
        model = Proposal
        fields = []
