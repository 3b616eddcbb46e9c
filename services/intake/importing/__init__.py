"""Bringing a court's existing cases in (docs/import.md): records, their checks, and applying a batch."""
