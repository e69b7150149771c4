"""Stage 3, claims: what each article states — quantities, dates, and (next) claims,
quotes and entities with roles."""

from storycheck.claims.dates import find_dates
from storycheck.claims.numbers import find_quantities, words_to_number

__all__ = ["find_dates", "find_quantities", "words_to_number"]
