"""Stage 5, brief: a neutral story brief in which every sentence cites its sources.

The default writer is extractive and fully local (:mod:`storycheck.brief.writer`); an
optional LLM writer (:mod:`storycheck.brief.llm`) rewrites the verified claims through any
OpenAI-compatible endpoint and keeps only the sentences the cited sources support.
"""

from storycheck.brief.writer import BriefOptions, BriefWriter, compress, write_brief

__all__ = ["BriefOptions", "BriefWriter", "compress", "write_brief"]
