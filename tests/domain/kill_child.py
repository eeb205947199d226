"""Child process for the kill -9 test: atomic_write all-A / all-B over one file, forever.

Usage: python kill_child.py <root> <size> [naive]. Prints ``ready`` once the first version is on
disk. ``naive`` writes in place with ``open(..., "wb")``: the control that shows the harness
can see a torn file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.safe_write import atomic_write, current_sha256, sha256_bytes


def main() -> None:
    root, size = Path(sys.argv[1]), int(sys.argv[2])
    versions = (b"A" * size, b"B" * size)
    hashes = (sha256_bytes(versions[0]), sha256_bytes(versions[1]))
    atomic_write(root, "f.txt", versions[0], expected_sha256=current_sha256(root, "f.txt"))
    print("ready", flush=True)
    i = 0
    if len(sys.argv) > 3 and sys.argv[3] == "naive":
        while True:
            with open(root / "f.txt", "wb") as fh:
                fh.write(versions[1 - i])
            i = 1 - i
    while True:
        atomic_write(root, "f.txt", versions[1 - i], expected_sha256=hashes[i])
        i = 1 - i


if __name__ == "__main__":
    main()
