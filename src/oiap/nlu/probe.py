"""Calibration probes trained in a child interpreter (``python -m oiap.nlu.probe``).

liblinear keeps one random generator per process, so two fits running at once in threads
interleave their draws and the model depends on timing. A child process has a generator of
its own: the probes train there while the final heads train in the parent, and training
stays both parallel and repeatable. The child is a fresh interpreter started explicitly
(not multiprocessing), so it never re-runs the caller's main module.

Only the parent's own arrays and module-level functions cross the pipe, pickled; nothing
from a user is ever unpickled.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger("oiap.nlu")

Scores = list[npt.NDArray[np.float32]]


def probe_in_subprocess(probe: tuple[Any, ...]) -> Scores | None:
    """Held-out scores computed by a child interpreter; ``None`` if it could not run (the
    caller then trains the probes itself)."""
    payload = pickle.dumps(probe, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "oiap.nlu.probe"],
            input=payload,
            capture_output=True,
            check=False,
        )
    except OSError:
        log.warning("no child process for the calibration probes; training them here")
        return None
    if done.returncode != 0:
        log.warning("calibration probe process failed: %s", done.stderr.decode()[-2000:])
        return None
    scores: Scores = pickle.loads(done.stdout)
    return scores


def main() -> None:
    from oiap.nlu.training import probe_scores

    fits, fit_inputs, y_fit, held_inputs = pickle.load(sys.stdin.buffer)
    scores = probe_scores(fits, fit_inputs, y_fit, held_inputs)
    pickle.dump(scores, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
