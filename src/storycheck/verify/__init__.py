"""Stage 4, verify: cross-check every claim of a story against the other sources."""

from storycheck.verify.crosscheck import VerifyOptions, cross_check

__all__ = ["VerifyOptions", "cross_check"]
