"""互相制约-8 at the decision (issue 14): a panel member who acted on the case after the panel was formed
(e.g. recorded a lead as search officer) may not decide the objection; another member may."""

from __future__ import annotations

import pytest

from services.intake.domain import commands as c
from shared.errors import DomainError
from tests.intake.helpers import decide, who
from tests.intake.test_objection_and_service_rules import objected

pytestmark = pytest.mark.unit


def test_a_panel_member_who_acted_on_the_case_since_may_not_decide() -> None:
    state = objected("a-1")
    with pytest.raises(DomainError) as err:
        decide(c.DecideObjection(who("qz-rev-01"), "obj-1", "rejected", "经审查", acted=frozenset({"qz-rev-01"})),
               state)
    assert (err.value.code, err.value.rule) == ("reviewer_handled_case", "互相制约-8")
    assert "qz-rev-01" in str(err.value)


def test_a_member_who_did_not_act_decides_though_another_did() -> None:
    [decided] = decide(c.DecideObjection(who("qz-rev-02"), "obj-1", "rejected", "经审查",
                                         acted=frozenset({"qz-rev-01", "search-1"})), objected("a-1"))
    assert decided.decided_by == "qz-rev-02"
