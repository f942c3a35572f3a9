"""Treatments' pages, one module per family: cocktails, course plans, sessions, the lot recall."""
