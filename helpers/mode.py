"""Quick and full mode: one environment variable picks the size of every experiment.

Full mode (the default) is what a learner gets: minutes per notebook on a laptop. Quick mode,
``COURSE_MODE=quick``, is what the test suite runs: fewer epochs, seeds and samples, the same
code. Only sizes change between the modes, never code paths.

Introduced in notebook 00 (setup check); every notebook's setup cell uses it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeVar

MODE_VARIABLE = "COURSE_MODE"
MODES = ("full", "quick")
T = TypeVar("T")


def course_mode() -> str:
    """The current mode, ``"full"`` (default) or ``"quick"``, read from ``COURSE_MODE``.
    Not used by a notebook; for your own experiments.

    Example:
        >>> import os
        >>> os.environ["COURSE_MODE"] = "quick"
        >>> course_mode()
        'quick'
    """
    mode = os.environ.get(MODE_VARIABLE, "full").strip().lower() or "full"
    if mode not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE}={os.environ[MODE_VARIABLE]!r} is not a course mode; "
            f"set it to 'full' (the default) or 'quick', or unset it."
        )
    return mode


def by_mode(full: T, quick: T) -> T:
    """Returns ``full`` in full mode and ``quick`` in quick mode.
    Introduced in notebook 01.

    Example:
        >>> epochs = by_mode(full=60, quick=4)
    """
    return full if course_mode() == "full" else quick


@dataclass(frozen=True)
class Sizes:
    """The sizes an experiment uses in the current mode."""

    mode: str
    epochs: int
    seeds: tuple[int, ...]
    n_samples: int
    batch_size: int = 32


def course_sizes(
    full_epochs: int = 40,
    quick_epochs: int = 3,
    full_seeds: int = 5,
    quick_seeds: int = 2,
    full_samples: int = 200,
    quick_samples: int = 80,
) -> Sizes:
    """Epochs, seeds and sample counts for the current mode (defaults suit a small experiment).
    Introduced in notebook 00.

    Example:
        >>> sizes = course_sizes(full_epochs=60)
        >>> sizes.epochs == (60 if sizes.mode == "full" else 3)
        True
    """
    n_seeds = by_mode(full_seeds, quick_seeds)
    return Sizes(
        mode=course_mode(),
        epochs=by_mode(full_epochs, quick_epochs),
        seeds=tuple(range(n_seeds)),
        n_samples=by_mode(full_samples, quick_samples),
    )


def full_mode_only(check: str, needs: str) -> bool:
    """Whether to run a statistical self-check: True in full mode; in quick mode, False after
    printing one line that names the check and why it is skipped.
    Introduced in notebook 01.

    Quick mode is a smoke test at the smallest sizes that run every code path; a check that
    needs more seeds or epochs than that (an interval over five seeds, a plateau that needs
    hundreds of epochs) would fail there for lack of data, not for a wrong claim. The committed
    full-mode outputs carry every such check; in full mode this prints nothing.

    Example:
        >>> import os
        >>> os.environ["COURSE_MODE"] = "quick"
        >>> if full_mode_only("(b) starts worst", needs="5 seeds"):
        ...     assert False  # not run in quick mode
        quick mode: skipped the self-check '(b) starts worst' (it needs 5 seeds; full mode runs it)
    """
    if course_mode() == "full":
        return True
    print(f"quick mode: skipped the self-check {check!r} (it needs {needs}; full mode runs it)")
    return False
