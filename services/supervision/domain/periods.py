"""Counting a legal period (民诉法 art. 85), shared by every service: see shared/periods.py."""

from shared.periods import Pause, Period, add_months, count_period, merge

__all__ = ["Pause", "Period", "add_months", "count_period", "merge"]
