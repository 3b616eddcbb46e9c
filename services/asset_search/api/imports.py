"""HTTP: import the search and controls of a court's existing cases (docs/import.md §4).

An imported 终本 case's re-search schedule needs nothing from here: the reaction to its closure counts
round 1 as the old system's search, whether this import has come yet or not (consumer.py).
"""

from __future__ import annotations

from services.asset_search.import_projection import project_imported
from services.asset_search.importing import plan
from shared.import_route import import_router
from shared.import_sections import CaseView

router = import_router(
    producer="asset_search", tag="旧案导入 import", what="网络查控和控制措施",
    summary="导入旧案的网络查控和控制措施（逐条报告）",
    description="导入记录（与立案服务的 POST /admin/imports 同一文件）中的 search（旧系统网络查控）与 controls"
                "（冻结、查封、扣押、扣划及其续行、解除），记为与在线办理相同的事件，发生时间为原业务日期 09:00"
                "（北京时间），操作人为导入人员（角色 importer）。不向任何协助单位发送请求。没有这两部分的记录报告为"
                " unchanged；有错误的记录不导入任何内容；重复导入不作改动。",
    record_model=CaseView, plan=plan, project_of=lambda rt: project_imported,
)
