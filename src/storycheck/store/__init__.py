"""Persistence: the embedded store (SQLite) that later runs build on."""

from storycheck.store.sqlite import Store, default_db_path

__all__ = ["Store", "default_db_path"]
