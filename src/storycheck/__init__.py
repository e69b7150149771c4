"""storycheck: cross-check news reports and write a cited story brief."""

__version__ = "0.1.0"
