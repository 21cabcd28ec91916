"""Run the benchmarks: every bench/bench_*.py module's main(), in name order (make bench).

`python -m bench` runs them all; `python -m bench 835` only those whose name contains "835".
Each benchmark measures its baseline in the same run and prints ratios, never absolute targets
alone, so figures from different machines stay comparable.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(path.stem for path in Path(__file__).parent.glob("bench_*.py"))
    chosen = [name for name in names if not argv or any(word in name for word in argv)]
    if not chosen:
        print(f"no benchmark matches {' '.join(argv)}; there are: {', '.join(names)}")
        return 1
    for name in chosen:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
