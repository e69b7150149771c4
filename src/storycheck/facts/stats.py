"""Work done by the facts stage in this process, for ``analyze -v`` and the benchmarks."""

from __future__ import annotations

#: seconds spent reading facts and building tables, and facts read
STATS: dict[str, float] = {"seconds": 0.0, "facts": 0.0}
