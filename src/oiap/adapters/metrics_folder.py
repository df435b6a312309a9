"""The folder where the workers of one ``oiap serve --workers N`` share their metrics.

prometheus-client's multiprocess mode keeps each worker's values in files under
``PROMETHEUS_MULTIPROC_DIR``, read when the variable is seen at import: so the serve command
sets it before the workers start. The folder is one per server (user and port), emptied at
every start (files of a previous run would be added to this one's) and removed at exit. This
module imports nothing of prometheus-client, so the serve process itself stays single-process.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics(port: int) -> Path | None:
    """Prepare the folder for this server's workers; None when the operator set their own
    (then emptying it between runs is theirs to do, as with any other server)."""
    if os.environ.get(VARIABLE):
        return None
    folder = Path(tempfile.gettempdir()) / f"oiap-metrics-{os.getuid()}-{port}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    os.environ[VARIABLE] = str(folder)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
