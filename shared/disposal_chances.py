"""Which asset kinds are movables and how many unsold chances each needs — ONE table for intake
(an asset that "could not be disposed of" before 终本) and disposal (an unsold asset released).

拍卖变卖规定 2020 art. 26: a movable unsold at the second auction may be released (two chances);
art. 25 (and 网拍规定 2016 art. 26 with 法明传〔2017〕455号 online): real estate and other property rights
get a third chance — online, the 网络变卖 after two rounds — before release. 网拍规定 art. 12 draws the
same line (动产 / 不动产和其他财产权) for the announcement period.

Reading chosen (docs/rules.md §4): money held in an account — bank deposits, online payment accounts
and the housing fund (住房公积金, 提取/扣划 from the fund centre, never sold) — is counted with the
movables; securities (证券) and equity (股权) are other property rights, like real estate.
"""

from __future__ import annotations

from typing import Literal

AssetClass = Literal["movable", "real_estate_or_rights"]

MOVABLE_KINDS = frozenset({"bank_deposit", "vehicle", "movable", "online_payment", "vessel", "housing_fund"})
CHANCES: dict[AssetClass, int] = {"movable": 2, "real_estate_or_rights": 3}


def asset_class(asset_kind: str) -> AssetClass:
    """Movables versus real estate and other property rights (网拍规定 art. 12); an unknown kind is a
    property right (the stricter count)."""
    return "movable" if asset_kind in MOVABLE_KINDS else "real_estate_or_rights"


def failures_before_release(cls: AssetClass) -> int:
    """Unsold chances before an unsold asset is released (拍卖变卖规定 arts. 25-26)."""
    return CHANCES[cls]


def unsold_chances_needed(asset_kind: str) -> int:
    """Unsold chances (auction rounds and a failed 网络变卖) before an asset of this kind counts as one
    that could not be disposed of."""
    return failures_before_release(asset_class(asset_kind))
