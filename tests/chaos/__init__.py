"""Fault drills (see drill.py): ``make chaos`` runs the full one; ``make test`` a short one."""
