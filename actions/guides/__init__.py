"""Sourced reference data the actions explain: laws per country and platform safety guides."""
