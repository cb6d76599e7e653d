"""Unit tests for helpers.mode (quick and full mode)."""

from __future__ import annotations

from helpers.mode import by_mode, course_mode, course_sizes, full_mode_only

import pytest


def test_full_is_the_default(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    assert course_mode() == "full"
    assert by_mode(full=60, quick=4) == 60
    assert course_sizes().seeds == (0, 1, 2, 3, 4)


def test_quick_mode_shrinks_sizes_only(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", " Quick ")
    assert course_mode() == "quick"
    sizes = course_sizes(full_epochs=50, quick_epochs=2, quick_seeds=3)
    assert (sizes.mode, sizes.epochs, sizes.seeds) == ("quick", 2, (0, 1, 2))


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match=r"COURSE_MODE='fast' is not a course mode.*'quick'"):
        course_mode()


def test_the_suite_runs_in_quick_mode():
    assert course_mode() == "quick"  # set by conftest.py for the notebooks' kernels too


def test_full_mode_only_runs_checks_in_full_mode_and_says_what_quick_mode_skipped(
    monkeypatch, capsys
):
    monkeypatch.setenv("COURSE_MODE", "full")
    assert full_mode_only("interval excludes 0", needs="5 seeds") is True
    assert capsys.readouterr().out == ""  # the committed full-mode outputs stay as they are
    monkeypatch.setenv("COURSE_MODE", "quick")
    assert full_mode_only("interval excludes 0", needs="5 seeds") is False
    assert capsys.readouterr().out.splitlines() == [
        "quick mode: skipped the self-check 'interval excludes 0' (it needs 5 seeds; full mode "
        "runs it)"
    ]
