"""Writing a file of sitegen's cache: whole, or not at all.

Every file in `.sitegen-cache/` only saves time (or, for the settings of the last build, stands in
for a sitegen.yaml that cannot be read), so a file that cannot be written (a read-only folder, a
full disk) is no error: the next build makes its contents again. A file is written
under a temporary name of this process's own and then renamed, so another build or a preview
reading it at the same moment sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(target: Path, data: bytes) -> bool:
    """Write `data` to `target` in one step; False (and nothing left behind) when it cannot be."""
    temp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        temp.replace(target)
        return True
    except OSError:
        try:
            temp.unlink()
        except OSError:
            pass
        return False
