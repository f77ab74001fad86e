"""The repository stands alone: CI runs a clone with nothing beside it, so no tracked file may name the
shared folder by a relative path that leaves the clone; what the suite needs from it is copied into
``tests/fixtures`` with its provenance (``tests/fixtures/shared/README.md``)."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "../" + "shared"  # (split, so this file does not name it either)


def test_no_tracked_file_points_outside_the_clone():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    naming = []
    for name in filter(None, tracked.decode("utf-8").split("\0")):
        path = ROOT / name
        if path.is_file() and OUTSIDE.encode() in path.read_bytes():
            naming.append(name)
    assert naming == []
