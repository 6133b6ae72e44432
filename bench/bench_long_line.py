"""Import a transcript that is one long line (prints time and peak memory, asserts nothing).

Issue 11, class 20: a 6 MB single-line transcript used to stop with spaCy's E088;
long lines now go through spaCy in pieces (``qualcode.corpus.lemmas.pieces``).

    .venv/bin/python bench/bench_long_line.py [--mb 6]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = "wij gingen naar huis en toen zeiden ze dat het goed was maar niet altijd".split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=6.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = int(args.mb * 1024 * 1024)
        words, n, i = [], 0, 0
        while n < size:
            words.append(WORDS[i % len(WORDS)])
            n += len(words[-1]) + 1
            i += 1
        (folder / "long.txt").write_text("R1: " + " ".join(words) + "\n", encoding="utf-8")
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "qualcode", "import", "long.txt"], cwd=folder, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(result.stdout.strip() or result.stderr.strip())
        print(f"{args.mb:.1f} MB on one line: {seconds:.1f} s, peak {peak:.0f} MB (exit {result.returncode})")


if __name__ == "__main__":
    main()
