"""Policies from scores to decisions: health score and segments."""
