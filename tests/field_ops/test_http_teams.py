"""The court's field teams and routing table as its staff read them (GET /teams): the starter table of
黔01 (services/field_ops/domain/routing.py), rules in the order they are matched; a court without a
table is told so."""

from __future__ import annotations

import httpx

from deploy.system import System
from tests.conftest import auth

TEAMS = [
    {"team_id": "fo-t1", "name": "外勤一组（南明、云岩）", "lead_ids": ["fl-1"], "member_ids": ["fo-1a", "fo-1b"]},
    {"team_id": "fo-t2", "name": "外勤二组（其他区县）", "lead_ids": ["fl-2"], "member_ids": ["fo-2a", "fo-2b"]},
    {"team_id": "fo-t3", "name": "外勤三组（送达、传唤）", "lead_ids": ["fl-3"], "member_ids": ["fo-3a", "fo-3b"]},
    {"team_id": "fo-t4", "name": "外勤四组（查封、搜查）", "lead_ids": ["fl-4"], "member_ids": ["fo-4a", "fo-4b"]},
]
RULES = [
    {"team_id": "fo-t4", "region_prefixes": [], "kinds": ["seize_on_site", "search_premises"],
     "description": "事项 现场查封扣押、搜查"},
    {"team_id": "fo-t3", "region_prefixes": [], "kinds": ["serve_documents", "summon"],
     "description": "事项 送达文书、传唤"},
    {"team_id": "fo-t1", "region_prefixes": ["520102", "520103"], "kinds": [], "description": "区划 520102、520103"},
    {"team_id": "fo-t2", "region_prefixes": [], "kinds": [], "description": "兜底规则"},
]


async def test_the_courts_field_teams_and_routing_rules_are_listed_in_matching_order(
    system: System, http: httpx.AsyncClient
) -> None:
    url = f"{system.url('field_ops')}/teams"
    for reader in (auth("fl-1", "field_lead"), auth("judge-t1", "judge"), auth("fo-3b", "field_officer")):
        r = await http.get(url, headers=reader)
        assert r.status_code == 200, r.text
        assert r.json() == {"court": "黔01", "teams": TEAMS, "rules": RULES}
    clerk = await http.get(url, headers=auth("clerk-t1", "intake_clerk"))
    assert clerk.status_code == 403
    elsewhere = await http.get(url, headers=auth("fl-gz", "field_lead", court="赣0502"))
    assert elsewhere.status_code == 409 and elsewhere.json()["code"] == "routing_not_configured"
