"""A run's parameters, typed: built once from the input serializer (the API's and the start form's), stored on
the run as JSON and read back from it. Nothing else reads `MatchRun.params` key by key.

Runs stored before a field existed read back with the field's default (an older run has no `lead`: the
engine's default lead; `stages` absent or None: every stage after the lead; `wishes` absent: None, the run was
started before the option 「希望を考慮する」 existed).

`stages` holds the coordinator's choice among the stages after the lead other than the preference stage; `wishes`
alone decides the preference stage (`engine_stages` is what the engine is given).
"""

from dataclasses import dataclass, field

from matching import ALLOWED_LEADS, DEFAULT_LEAD, DEFAULT_TIME_LIMIT_S, LATER_STAGES, PREFERENCE_STAGE

MAX_TIME_LIMIT_S = 600
DEFAULT_WORKERS = 2
MAX_WORKERS = 8


def _stages(stages) -> tuple[str, ...] | None:
    """The stages after the lead to apply, in the engine's fixed order (None: all of them)."""
    if stages is None:
        return None
    chosen = set(stages)
    return tuple(name for name in LATER_STAGES if name in chosen and name != PREFERENCE_STAGE)


# The stages a coordinator chooses among on the start form and the API (the preference stage is the `wishes` option).
CHOSEN_STAGES: tuple[str, ...] = tuple(name for name in LATER_STAGES if name != PREFERENCE_STAGE)


def _lead(lead) -> tuple[str, ...]:
    """The lead asked for, if the engine allows it; else the engine's default."""
    lead = tuple(lead or ())
    return lead if lead in ALLOWED_LEADS else DEFAULT_LEAD


@dataclass(frozen=True)
class RunParams:
    """How a run solves: the time limit, the seed and worker count (reproducible solves), the stages after the
    lead (None: all) and the lead itself (what comes first: the priority sum, or one expert for every
    municipality that asked, then priority), and whether both sides' wishes count (the preference stage; None:
    not decided yet — the service decides when it queues the run — or a run from before the option)."""

    time_limit_s: int = DEFAULT_TIME_LIMIT_S
    seed: int = 0
    workers: int = DEFAULT_WORKERS
    stages: tuple[str, ...] | None = None
    lead: tuple[str, ...] = field(default=DEFAULT_LEAD)
    wishes: bool | None = None

    def __post_init__(self):
        object.__setattr__(self, "time_limit_s", min(MAX_TIME_LIMIT_S, max(1, int(self.time_limit_s))))
        object.__setattr__(self, "seed", int(self.seed))
        object.__setattr__(self, "workers", min(MAX_WORKERS, max(1, int(self.workers))))
        object.__setattr__(self, "stages", _stages(self.stages))
        object.__setattr__(self, "lead", _lead(self.lead))
        object.__setattr__(self, "wishes", None if self.wishes is None else bool(self.wishes))

    def engine_stages(self) -> tuple[str, ...] | None:
        """The stages after the lead the engine applies (None: all): the chosen ones, and the preference stage
        unless wishes do not count."""
        if self.wishes is False:
            return self.stages if self.stages is not None else CHOSEN_STAGES
        if self.stages is None:
            return None
        chosen = set(self.stages) | {PREFERENCE_STAGE}
        return tuple(name for name in LATER_STAGES if name in chosen)

    @classmethod
    def from_input(cls, validated: dict) -> "RunParams":
        """From RunInputSerializer's validated data (absent stages: all; absent lead: the default)."""
        return cls(time_limit_s=validated.get("time_limit_s", DEFAULT_TIME_LIMIT_S), seed=validated.get("seed", 0),
                   stages=validated.get("stages"), lead=validated.get("lead") or DEFAULT_LEAD,
                   wishes=validated.get("wishes"))

    @classmethod
    def from_stored(cls, stored: dict | None) -> "RunParams":
        """From a run's stored JSON, whatever its age; a missing key takes its default."""
        stored = stored or {}
        return cls(time_limit_s=stored.get("time_limit_s") or DEFAULT_TIME_LIMIT_S, seed=stored.get("seed") or 0,
                   workers=stored.get("workers") or DEFAULT_WORKERS, stages=stored.get("stages"),
                   lead=stored.get("lead") or DEFAULT_LEAD, wishes=stored.get("wishes"))

    def as_stored(self) -> dict:
        """The JSON kept on the run (and shown by the API as `params`)."""
        return {"time_limit_s": self.time_limit_s, "seed": self.seed, "workers": self.workers,
                "stages": None if self.stages is None else list(self.stages), "lead": list(self.lead),
                "wishes": self.wishes}
