"""field_ops's HTTP surface: instructions and their tasks (commands), queues and histories (reads)."""

from services.field_ops.api import detention, instructions, tasks, worklist

ROUTERS = [instructions.router, tasks.router, worklist.router, detention.router]

__all__ = ["ROUTERS"]
