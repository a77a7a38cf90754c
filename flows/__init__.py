"""Prefect flows and tasks: orchestration and its I/O."""
