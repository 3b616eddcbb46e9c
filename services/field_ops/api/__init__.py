"""field_ops's HTTP surface: instructions and their tasks (commands), queues and histories (reads)."""

from services.field_ops.api import instructions, tasks

ROUTERS = [instructions.router, tasks.router]

__all__ = ["ROUTERS"]
