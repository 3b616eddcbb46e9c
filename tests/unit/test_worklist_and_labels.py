"""Pure tests of the worklist shape (shared/worklist.py) and the label table (shared/labels.py)."""

from __future__ import annotations

from datetime import date

from shared.auth import Principal
from shared.labels import all_tables, label, roles, yuan
from shared.worklist import Work, status_of, worklist

TODAY = date(2026, 5, 20)
JUDGE = Principal(officer_id="j1", name="法官甲", roles=frozenset({"judge", "team_lead"}), court="黔01")


def work(number: str, due: date | None, kind: str = "case_close") -> Work:
    return Work(kind, "judge", f"case-{number}", f"（2026）黔01执{number}号", "办结", due, "POST", "/x", "提请结案")


def test_items_are_sorted_by_due_date_undated_last_then_by_case_number_and_paged() -> None:
    items = [work("3", None), work("2", date(2026, 6, 1)), work("1", date(2026, 6, 1)), work("4", date(2026, 5, 1))]
    page = worklist(JUDGE, "intake", items, TODAY, limit=3, offset=0)
    assert [i.case_number for i in page.items] == ["（2026）黔01执4号", "（2026）黔01执1号", "（2026）黔01执2号"]
    assert page.total == 4 and page.roles == ["judge", "team_lead"] and page.role_names == "承办法官、团队长"
    rest = worklist(JUDGE, "intake", items, TODAY, limit=3, offset=3)
    assert [i.case_number for i in rest.items] == ["（2026）黔01执3号"] and rest.items[0].status == "no_limit"
    first = page.items[0]
    assert (first.status, first.days_left, first.action.service) == ("overdue", -19, "intake")


def test_the_status_of_a_due_date_at_its_boundaries() -> None:
    assert status_of(date(2026, 5, 19), TODAY) == "overdue"
    assert status_of(TODAY, TODAY) == "due_today"
    assert status_of(date(2026, 5, 21), TODAY) == "upcoming"
    assert status_of(None, TODAY) == "no_limit"


def test_labels_name_every_code_in_chinese_and_fall_back_to_the_code() -> None:
    assert label("agency_kind", "bank_deposit") == "银行存款"
    assert label("node", "verify_lead:L-1") == "核查财产线索"  # a node key is labelled by its node
    assert label("measure", "freeze") == "冻结" and label("closure_type", "终本") == "终结本次执行程序"
    assert label("role", "not-a-role") == "not-a-role" and label("role", None) == "—"
    assert roles(["judge", "finance_officer"]) == "承办法官、执行款管理人员"
    assert yuan(12_345_600) == "123,456.00 元" and yuan(None) == "？"
    tables = all_tables()
    assert {"role", "track", "agency_kind", "measure", "closure_type", "node"} <= set(tables)
    assert all(v and all(isinstance(x, str) and x for x in v.values()) for v in tables.values())
