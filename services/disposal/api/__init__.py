"""disposal's HTTP surface: the disposal flow and the case account (一案一账号)."""

from services.disposal.api import disposals, imports, ledger, worklist

ROUTERS = [disposals.router, ledger.router, worklist.router, imports.router]

__all__ = ["ROUTERS"]
