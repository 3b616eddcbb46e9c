"""Supervision: 监管 / 执行指挥中心 — the audit trail and the checks that read it."""
