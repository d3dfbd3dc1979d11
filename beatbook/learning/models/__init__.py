"""The learning app's models, one module per subject: training (courses and completions),
programmes (the Level 4 programme, units, criteria, phases, enrolments, milestones, reviews),
portfolio (evidence and judgements) and development (CPD and PDR)."""

from .development import (
    BehaviouralIndicator,
    CpdEntry,
    CpdKind,
    ForceFramework,
    Framework,
    FrameworkItem,
    FrameworkLevel,
    ItemKind,
    ObjectiveStatus,
    Pdr,
    PdrObjective,
    PdrRating,
    PdrStatus,
    RatingOption,
)
from .training import Course, CourseKind, TrainingRecord, TrainingResult

__all__ = [
    "BehaviouralIndicator",
    "Course",
    "CourseKind",
    "CpdEntry",
    "CpdKind",
    "ForceFramework",
    "Framework",
    "FrameworkItem",
    "FrameworkLevel",
    "ItemKind",
    "ObjectiveStatus",
    "Pdr",
    "PdrObjective",
    "PdrRating",
    "PdrStatus",
    "RatingOption",
    "TrainingRecord",
    "TrainingResult",
]
