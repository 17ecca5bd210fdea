"""What the expert's profile shows of commitments elsewhere (他の業務): the declarations and, for the expert
themself, the form's choices and values. Shared by the profile views and the commitment views."""

from backend.accounts.permissions import is_expert_self
from backend.core.choices import CommitmentKind, Weekday
from backend.experts.commitments import commitment_list
from frontend import selectors


def commitments_context(request, expert, *, values=None, errors=None, editing=None) -> dict:
    return {"commitments": list(commitment_list(user=request.user, expert=expert)),
            "commitments_editable": is_expert_self(request.user, expert.pk),
            "commitment_kinds": CommitmentKind.choices, "commitment_weekdays": Weekday.choices,
            "commitment_years": selectors.fiscal_year_choices(user=request.user),
            "commitment_values": values or {"fiscal_year": selectors.default_fiscal_year(user=request.user),
                                            "weekdays": []},
            "commitment_errors": errors, "commitment_editing": editing}
