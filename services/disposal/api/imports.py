"""HTTP: import the money and disposals of a court's existing cases (docs/import.md §4)."""

from __future__ import annotations

from services.disposal.importing import plan
from services.disposal.projections import project
from shared.import_route import import_router
from shared.import_sections import CaseView

router = import_router(
    producer="disposal", tag="旧案导入 import", what="执行款和财产处置",
    summary="导入旧案的执行款到账、发放和财产处置（逐条报告）",
    description="导入记录（与立案服务的 POST /admin/imports 同一文件）中的 receipts（执行款到账）与 payouts"
                "（执行款发放），记为与在线办理相同的一案一账号事件；disposals（财产处置：决定、参考价、拍卖、变卖、"
                "以物抵债、解除、成交裁定），每项处置记为与在线办理相同的处置事件。发生时间为原业务日期 09:00"
                "（北京时间；竞价起止为当日 10:00），操作人为导入人员（角色 importer）。没有这些部分的记录报告为 "
                "unchanged；有错误的记录不导入任何内容；重复导入不作改动。",
    record_model=CaseView, plan=plan, project_of=lambda rt: project,
)
