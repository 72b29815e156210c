"""Moderation: per-server usage policy, the admission check, quota maths and the audit trail."""
