"""终结执行, 销案, 不予执行 and 驳回申请 only once nothing is moving (issue 14, item 4; docs/rules.md §5):
refused, at the proposal and again at the approval, while a control is in effect or a disposal open
(查扣冻规定 2020 art. 28); 终本 and 执行完毕 keep their own conditions."""

from __future__ import annotations

import pytest

from services.intake.domain import commands as c
from shared.errors import DomainError
from tests.intake.helpers import decide, registered, run, who
from tests.intake.test_lifecycle_rules import JUDGE, POLICY

pytestmark = pytest.mark.unit
MOVING = c.ClosureFacts(active_controls=("ctl-1",), open_disposals=("d-1",))


@pytest.mark.parametrize("kind", ["终结执行", "销案", "不予执行", "驳回申请"])
def test_an_ending_closure_is_refused_while_a_control_is_in_effect_or_a_disposal_open(kind: str) -> None:
    with pytest.raises(DomainError) as err:
        decide(c.ProposeClosure(who(JUDGE), kind, "申请人撤回", MOVING, POLICY), registered())
    assert err.value.rule == f"结案条件-{kind}" and err.value.code == "closure_conditions_unmet"
    assert [e["field"] for e in err.value.errors] == ["controls_released", "disposals_concluded"]
    assert "ctl-1" in str(err.value) and "d-1" in str(err.value)
    assert decide(c.ProposeClosure(who(JUDGE), kind, "申请人撤回", c.ClosureFacts(), POLICY), registered())


def test_the_approval_checks_again_what_moved_since_the_proposal() -> None:
    proposed = run(registered(), c.ProposeClosure(who(JUDGE), "终结执行", "申请人撤回", c.ClosureFacts(), POLICY))
    with pytest.raises(DomainError) as err:
        decide(c.ApproveClosure(who("chief-1"), c.ClosureFacts(active_controls=("ctl-2",)), POLICY), proposed)
    assert [e["field"] for e in err.value.errors] == ["controls_released"]
    [closed] = decide(c.ApproveClosure(who("chief-1"), c.ClosureFacts(), POLICY), proposed)
    assert closed.closure_type == "终结执行"


def test_a_paid_closure_is_not_held_by_controls_still_to_be_released() -> None:
    assert decide(c.ProposeClosure(who(JUDGE), "执行完毕", "已付", c.ClosureFacts(
        paid_in_full=True, active_controls=("ctl-1",)), POLICY), registered())
