"""Supervision's own reading of other services' events (tolerant reader): a Chinese line each.

Supervision never imports another service's code; it knows event types by name only. Unknown
types are still recorded, with the type as their summary.
"""

SUMMARIES: dict[str, str] = {
    "intake.case_registered": "立案登记，案号 {case_number}，执行标的 {claim_amount_fen} 分",
}
