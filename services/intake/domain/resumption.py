"""Resumption after a breached settlement (执行和解): when the applicant may have the original
enforcement resumed. Pure.

- 民诉法解释 (2022) art. 465: a party who does not perform, or not fully, a settlement reached in
  enforcement — the other party may apply to enforce the original ruling and the court resumes it
  (what was performed is deducted); a settlement performed in full is not resumed.
- 执行和解规定 (2018) art. 9: the applicant may apply to resume when the respondent does not perform;
  art. 10: the application is subject to the limitation period of 民诉法 (2023) art. 250 (two
  years), counted from the last day of the performance period the settlement set; art. 11: not
  resumed after full performance (1), nor before the performance period has come (2).
- The two years are the respondent's defence, as for a first application (民诉法解释 art. 481: a late
  application is accepted; the respondent may object): a late application is not refused, the
  resumption records the limitation's last day and that it had passed (docs/rules.md §3, §5).

A case closed by settlement is one closed as 终结执行 (the applicant withdrew upon the settlement,
民诉法解释 art. 464) with a settlement recorded and not performed in full; a performed settlement
closes the case as 执行完毕 and is never resumed.
"""

from __future__ import annotations

from datetime import date

from services.intake.domain.filing import CALENDAR
from shared.errors import DomainError, FieldError
from shared.periods import count_period

LIMITATION_MONTHS = 24  # 民诉法 (2023) art. 250: 申请执行的期间为二年


def limitation_ends(settlement_due_on: date) -> date:
    """Last day to apply: two years from the settlement's last day of performance (the start day not
    counted; a last day on a rest day moves to the next working day, 民法典 arts. 201, 203)."""
    due = count_period(settlement_due_on, months=LIMITATION_MONTHS, calendar=CALENDAR).due
    assert due is not None  # no pauses: the period always ends
    return due


def _refuse(rule: str, field: str, message: str, code: str) -> DomainError:
    return DomainError(message, code=code, rule=rule, errors=[FieldError(field, message, code)])


def check_settlement_resumption(
    *, closure_type: str | None, settlement_recorded: bool, settlement_performed: bool,
    settlement_due_on: date | None, applied_on: date, breach: str | None,
) -> date:
    """The applicant's application to resume after the respondent broke the settlement; the last day of
    its limitation period (passed or not: the respondent's defence, not a ground to refuse)."""
    if settlement_performed:
        raise _refuse("执行和解规定-11", "ground", "执行和解协议已履行完毕，不予恢复执行", "settlement_performed")
    if closure_type != "终结执行" or not settlement_recorded:
        raise _refuse("执行和解规定-9", "ground",
                      "只有因执行和解而结案（终结执行且记录了执行和解）的案件，才能以不履行和解协议为由恢复执行",
                      "not_closed_by_settlement")
    if not breach or not breach.strip():
        raise _refuse("执行和解规定-9", "breach", "应写明被执行人不履行或不完全履行和解协议的情况",
                      "breach_required")
    if settlement_due_on is None:
        raise _refuse("执行和解规定-10", "settlement_due_on",
                      "应填写和解协议约定的履行期限最后一日（申请期间自该日起算）", "settlement_due_on_required")
    if applied_on <= settlement_due_on:
        raise _refuse("执行和解规定-11", "settlement_due_on",
                      f"和解协议约定的履行期限至 {settlement_due_on.isoformat()} 尚未届满，不予恢复执行",
                      "performance_not_due")
    return limitation_ends(settlement_due_on)
