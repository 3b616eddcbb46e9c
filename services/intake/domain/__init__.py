"""Intake's rules: pure functions over commands and case state (no I/O)."""

from services.intake.domain.decider import CaseDecider, given
from services.intake.domain.state import CaseState

__all__ = ["CaseDecider", "CaseState", "given"]
