"""The second round's run (二次調整): the coordinator of a round's prefecture matches the needs the round
published that are still open, against what each expert has left once every approved engagement (and every
commitment elsewhere) took its days and weekdays. The run is an ordinary run of kind second_round with its
`round` set: its report, proposals and approval are those of any run; its instance is narrowed by
backend.placement.instance.run_instance.
"""

from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates
from backend.core.errors import ForbiddenError
from backend.placement.services import run_enqueue
from backend.runs.models import MatchRun
from backend.runs.params import RunParams
from backend.wishes.models import Round
from backend.wishes.round_errors import RoundErrorCode


def round_run(*, actor: User, round: Round, params: RunParams | None = None) -> MatchRun:  # noqa: A002
    """Queue the second-round run of `round` for its prefecture (the run's own transaction and audit row are
    run_enqueue's)."""
    if not coordinates(actor, round.prefecture_id):
        raise ForbiddenError.single("round", RoundErrorCode.NOT_YOURS, _("この都道府県の二次調整を実行する権限がありません。"))
    return run_enqueue(actor=actor, fiscal_year=round.fiscal_year, scope=[round.prefecture_id], params=params,
                       round=round)
