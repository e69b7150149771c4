"""Facts: typed slot facts per article and the story's fact table (between claims and verify).

:func:`extract_facts` reads figures, dates, times, ages and speakers off one article's
parse; :func:`build_table` aligns them across articles by slot and compares them by type.
"""

from storycheck.facts.compare import build_table, compatible, interval
from storycheck.facts.extract import extract_facts, story_year
from storycheck.facts.stats import STATS

__all__ = ["STATS", "build_table", "compatible", "extract_facts", "interval", "story_year"]
