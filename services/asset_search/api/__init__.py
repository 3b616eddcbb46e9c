"""asset_search's HTTP surface: court staff (bearer tokens), agency operations, and the agencies' own
signed API."""

from services.asset_search.api import agencies, agency, exit_restrictions, imports, staff, worklist

ROUTERS = [staff.router, exit_restrictions.router, agencies.router, agency.router, worklist.router,
           imports.router]

__all__ = ["ROUTERS"]
