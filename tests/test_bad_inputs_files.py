"""Bad input must never delete files or mislead (issue 14): one table of refused calls.

Every row is ``(case id, call, exception type, phrase of the message)``. Each call runs against a
fresh fake repository in ``tmp_path``::

    tmp_path/
        repo/       pyproject.toml, README.md, helpers/__init__.py,
                    outputs/03/old.keras, outputs/escape -> ../../sibling (a symlink out)
        linked/     pyproject.toml, outputs -> ../sibling (outputs/ itself a symlink elsewhere)
        sibling/    keep.txt (a folder next to the repository)
        csv/        the small CSV files of :data:`CSVS`

and the test checks, besides the error, that nothing under ``tmp_path`` changed: every path,
every file's bytes, every symlink's target and every modification time (a file created and
deleted again still changes its folder's time). The positive tests at the end check that the
good paths still work and change only what they should.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.csv_data import load_csv_dataset
from helpers.introspection import weights_equal
from helpers.reproducibility import set_seed
from helpers.saving import outputs_dir, save_and_reload
from helpers.scaling import scale_to_angles

import keras
import numpy as np
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend


@dataclass(frozen=True)
class FakeRepo:
    tmp: Path
    repo: Path
    linked: Path
    sibling: Path

    def csv(self, name: str) -> Path:
        return self.tmp / "csv" / f"{name}.csv"


def rows(n: int = 12) -> str:
    """``n`` valid rows for columns x1,x2,label, alternating the label."""
    return "".join(f"{i * 0.5},{i % 3},{i % 2}\n" for i in range(n))


def ordered(n: int = 12) -> str:
    """Rows ``index,x1,label`` of a file sorted by label: the index alone predicts it."""
    return "".join(f"{i},{(i * 7) % n * 0.1:.1f},{int(i >= n // 2)}\n" for i in range(n))


CSVS: dict[str, str] = {
    "good": "x1,x2,label\n" + rows(),
    "empty": "",
    "header_only": "x1,x2,label\n",
    "malformed": "x1,x2,label\n" + rows(5) + "1,2,3,4\n" + rows(5),
    "longer_rows": "x1,x2,label\n" + "".join(f"{i},{i},{i % 2},7\n" for i in range(12)),
    "target": "x1,x2,target\n" + rows(),
    "empty_cell": "x1,x2,label\n" + rows(6) + "3.0,,1\n" + rows(6),
    "non_numeric": "x1,x2,label\n" + rows(3) + "1.5,abc,0\n" + rows(9),
    "infinite": "x1,x2,label\n" + rows(3) + "inf,1.0,0\n" + rows(9),
    "label_2": "x1,x2,label\n" + rows(4) + "1.0,2.0,2\n" + rows(8),
    "text_labels": "x1,label\n" + "".join(f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(12)),
    "one_positive": "x1,label\n" + "".join(f"{i},0\n" for i in range(11)) + "11,1\n",
    "one_class": "x1,x2,label\n" + "".join(f"{i},{i * 2},1\n" for i in range(12)),
    "label_twice": "x1,label,label\n" + "".join(f"{i * 0.5},{i % 2},{i % 2}\n" for i in range(12)),
    "label_twice_spaced": "x1,label,label \n"
    + "".join(f"{i * 0.5},{i % 2},{i % 2}\n" for i in range(12)),
    "feature_twice": "x1,x1,label\n" + rows(),
    "index": ",x1,label\n" + ordered(),
    "index_written_back": "Unnamed: 0,x1,label\n" + ordered(),
    "unnamed_last": "x1,label,\n" + "".join(f"{i * 0.5},{i % 2},{i}\n" for i in range(12)),
    "huge": "x1,x2,label\n" + "".join(f"{(-1) ** i * 1e308},{i % 3},{i % 2}\n" for i in range(20)),
}


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRepo:
    repo, linked, sibling = tmp_path / "repo", tmp_path / "linked", tmp_path / "sibling"
    (repo / "helpers").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'fake-course'\n")
    (repo / "README.md").write_text("a fake repository\n")
    (repo / "helpers" / "__init__.py").write_text("# must survive every refused call\n")
    (repo / "outputs" / "03").mkdir(parents=True)
    (repo / "outputs" / "03" / "old.keras").write_text("an earlier run")
    sibling.mkdir()
    (sibling / "keep.txt").write_text("next to the repository")
    (repo / "outputs" / "escape").symlink_to(sibling, target_is_directory=True)
    linked.mkdir()
    (linked / "pyproject.toml").write_text("[project]\nname = 'linked'\n")
    (linked / "outputs").symlink_to(sibling, target_is_directory=True)
    (tmp_path / "csv").mkdir()
    for name, text in CSVS.items():
        (tmp_path / "csv" / f"{name}.csv").write_text(text)
    monkeypatch.chdir(repo)  # relative paths below are relative to the repository
    return FakeRepo(tmp_path, repo, linked, sibling)


def snapshot(folder: Path) -> dict[str, tuple[str, int, bytes | str | None]]:
    """Every path below ``folder`` (symlinks not followed): kind, mtime, contents or target."""
    state = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        info = path.lstat()
        if path.is_symlink():
            state[str(path)] = ("link", info.st_mtime_ns, os.readlink(path))
        elif path.is_dir():
            state[str(path)] = ("dir", info.st_mtime_ns, None)
        else:
            state[str(path)] = ("file", info.st_mtime_ns, path.read_bytes())
    return state


def tiny_model() -> keras.Model:
    """A small classical Dense model: saving it takes milliseconds."""
    set_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


@dataclass(frozen=True)
class At:
    """A path below ``tmp_path``, filled in when the row runs (``text=True``: as a str)."""

    path: str
    text: bool = False


def fill(value: object, f: FakeRepo) -> object:
    if isinstance(value, At):
        path = f.tmp / value.path
        return str(path) if value.text else path
    return value


def od(*parts: object, **kwargs: object) -> Callable[[FakeRepo], object]:
    """``outputs_dir(*parts, root=<fake repo>, **kwargs)``."""
    return lambda f: outputs_dir(
        *(fill(p, f) for p in parts),
        **{"root": f.repo} | {k: fill(v, f) for k, v in kwargs.items()},
    )


def save(name: object = "clf", **kwargs: object) -> Callable[[FakeRepo], object]:
    """``save_and_reload(<tiny model>, name, root=<fake repo>, **kwargs)``."""
    return lambda f: save_and_reload(
        tiny_model(), name, **{"root": f.repo} | {k: fill(v, f) for k, v in kwargs.items()}
    )


def csv(name: str, **kwargs: object) -> Callable[[FakeRepo], object]:
    """``load_csv_dataset(<tmp_path>/csv/<name>.csv, **kwargs)``."""
    return lambda f: load_csv_dataset(f.csv(name), **kwargs)


OUT = "outside the outputs folder"
STEM = "plain file stem"
SUFFIX = "without a suffix"
PARTS = "non-empty strings, got"
WHOLE = "name a subfolder"
LINK = "is a symlink to"
NOT_DIR = "not an existing folder"
HUGE = (-1e308, 1e308)
ROWS: list[tuple[str, Callable[[FakeRepo], object], type[Exception], str]] = [
    # --- outputs_dir: nothing outside <root>/outputs/ is created or emptied
    ("outputs_dir_parent_clean_empties_the_repo", od("..", clean=True), ValueError, OUT),
    ("outputs_dir_parent_helpers_clean", od("..", "helpers", clean=True), ValueError, OUT),
    ("outputs_dir_parent_helpers_returned", od("..", "helpers"), ValueError, OUT),
    ("outputs_dir_parent_creates_a_folder", od("..", "new"), ValueError, OUT),
    ("outputs_dir_sibling_clean", od("..", "..", "sibling", clean=True), ValueError, OUT),
    ("outputs_dir_creates_next_to_the_repo", od("..", "..", "elsewhere"), ValueError, OUT),
    ("outputs_dir_dotdot_inside_a_part", od("03/../../helpers", clean=True), ValueError, OUT),
    ("outputs_dir_symlink_out_clean", od("escape", clean=True), ValueError, OUT),
    ("outputs_dir_symlink_out_creates", od("escape", "new"), ValueError, OUT),
    ("outputs_dir_outputs_is_a_symlink", od("x", clean=True, root=At("linked")), ValueError, LINK),
    ("outputs_dir_outputs_is_a_symlink_no_parts", od(root=At("linked")), ValueError, LINK),
    ("outputs_dir_absolute_outside", od(At("repo/helpers", True), clean=True), ValueError,
     "absolute path"),
    ("outputs_dir_absolute_inside", od(At("repo/outputs/03", True)), ValueError, "absolute path"),
    ("outputs_dir_path_part", od(Path("03"), clean=True), ValueError, f"{PARTS} PosixPath"),
    ("outputs_dir_int_part", od(3), ValueError, f"{PARTS} 3"),
    ("outputs_dir_none_part", od(None, clean=True), ValueError, f"{PARTS} None"),
    ("outputs_dir_empty_part", od(""), ValueError, f"{PARTS} ''"),
    ("outputs_dir_empty_part_clean", od("03", "", clean=True), ValueError, f"{PARTS} ''"),
    ("outputs_dir_clean_outputs", od(clean=True), ValueError, WHOLE),
    ("outputs_dir_clean_outputs_dot", od(".", clean=True), ValueError, WHOLE),
    ("outputs_dir_clean_outputs_via_dotdot", od("03", "..", clean=True), ValueError, WHOLE),
    ("outputs_dir_clean_not_a_bool", od("03", clean="yes"), ValueError, "clean must be True or"),
    ("outputs_dir_names_a_file", od("03", "old.keras", clean=True), ValueError, "not a folder"),
    # --- save_and_reload: a plain file stem, written inside the outputs folder only
    ("save_name_empty", save(""), ValueError, STEM),
    ("save_name_dot", save("."), ValueError, STEM),
    ("save_name_dotdot", save(".."), ValueError, STEM),
    ("save_name_parent_path", save("../clf"), ValueError, STEM),
    ("save_name_subfolder", save("sub/clf"), ValueError, STEM),
    ("save_name_absolute", save("/tmp/clf"), ValueError, STEM),
    ("save_name_backslash", save("..\\clf"), ValueError, STEM),
    ("save_name_hidden", save(".clf"), ValueError, STEM),
    ("save_name_keras_suffix", save("clf.keras"), ValueError, SUFFIX),
    ("save_name_h5_suffix", save("clf.h5"), ValueError, SUFFIX),
    ("save_name_weights_suffix", save("clf.weights.h5"), ValueError, SUFFIX),
    ("save_name_upper_suffix", save("clf.KERAS"), ValueError, SUFFIX),
    ("save_name_path", save(Path("clf")), ValueError, "name must be a str, got PosixPath"),
    ("save_name_none", save(None), ValueError, "name must be a str, got NoneType"),
    ("save_directory_helpers", save(directory=At("repo/helpers")), ValueError, OUT),
    ("save_directory_repo_root", save(directory=At("repo")), ValueError, OUT),
    ("save_directory_sibling", save(directory=At("sibling")), ValueError, OUT),
    ("save_directory_symlink_out", save(directory=At("repo/outputs/escape")), ValueError, OUT),
    ("save_directory_dotdot", save(directory=At("repo/outputs/..")), ValueError, OUT),
    ("save_directory_relative_str", save(directory="helpers"), ValueError, OUT),
    ("save_directory_default_root", save(directory=At("sibling"), root=None), ValueError, OUT),
    ("save_directory_outputs_is_a_symlink",
     save(directory=At("linked/outputs"), root=At("linked")), ValueError, LINK),
    ("save_directory_missing", save(directory=At("repo/outputs/missing")), ValueError, NOT_DIR),
    ("save_directory_is_a_file", save(directory=At("repo/outputs/03/old.keras")), ValueError,
     NOT_DIR),
    ("save_directory_int", save(directory=3), ValueError, "directory must be a folder path"),
    # --- load_csv_dataset: clear errors, and the label never reaches the features
    ("csv_missing_file", lambda f: load_csv_dataset("moon.csv"), FileNotFoundError,
     r"no CSV file 'moon.csv' found; searched '.*repo' and .*moons.csv, xor_blobs.csv"),
    ("csv_empty", csv("empty"), ValueError, r"empty\.csv' is empty"),
    ("csv_header_only", csv("header_only"), ValueError, "header row but no data rows"),
    ("csv_malformed", csv("malformed"), ValueError,
     r"malformed\.csv' is malformed \(Expected 3 fields in line 7, saw 4"),
    ("csv_rows_longer_than_header", csv("longer_rows"), ValueError, "more fields than the header"),
    ("csv_missing_label_column", csv("target"), ValueError,
     r"no label column 'label'.*\['x1', 'x2', 'target'\]"),
    ("csv_missing_feature_column", csv("good", feature_columns=["x1", "x3"]), ValueError,
     r"no feature column\(s\) \['x3'\].*\['x1', 'x2', 'label'\]"),
    ("csv_empty_cell", csv("empty_cell"), ValueError,
     r"missing value in row 7 \(1-based data row.*column 'x2'"),
    ("csv_non_numeric", csv("non_numeric"), ValueError,
     r"non-numeric feature value 'abc' in row 4 .*column 'x2'"),
    ("csv_infinite", csv("infinite"), ValueError,
     r"infinite feature value inf in row 4 .*column 'x1'"),
    ("csv_label_not_0_or_1", csv("label_2"), ValueError,
     r"only 0 and 1, but row 5 .* has 2 .*map your classes"),
    ("csv_text_labels", csv("text_labels"), ValueError,
     r"row 1 .* has 'no' \(values found: 'no', 'yes'\)"),
    ("csv_one_sample_of_a_class", csv("one_positive"), ValueError,
     "only 1 sample of class 1; a stratified split needs"),
    ("csv_single_class", csv("one_class"), ValueError, r"only class 1 .*add rows labelled 0"),
    ("csv_label_twice", csv("label_twice"), ValueError,
     r"label_twice\.csv' has the label column 'label' 2 times .*feature named 'label\.1'.*Delete"),
    ("csv_label_twice_trailing_space", csv("label_twice_spaced"), ValueError,
     r"the label column 'label' 2 times .*feature named 'label '"),
    ("csv_label_twice_features_listed", csv("label_twice", feature_columns=["x1"]), ValueError,
     "the label column 'label' 2 times"),
    ("csv_feature_twice", csv("feature_twice"), ValueError,
     r"feature_twice\.csv' has the column name 'x1' 2 times .*rename the copy 'x1\.1'"),
    ("csv_index_column", csv("index"), ValueError,
     r"index\.csv': column 1 has no name .*'Unnamed: 0'.*df\.to_csv\(path, index=False\), or "
     r"pass feature_columns=\['x1'\] without it"),
    ("csv_index_column_listed", csv("index", feature_columns=["Unnamed: 0", "x1"]), ValueError,
     r"leave it out of feature_columns, e\.g\. feature_columns=\['x1'\]"),
    ("csv_index_written_back", csv("index_written_back"), ValueError,
     r"column 1 is named 'Unnamed: 0'.*index=False"),
    ("csv_unnamed_last_column", csv("unnamed_last"), ValueError,
     r"column 3 has no name .*feature_columns=\['x1'\]"),
    ("csv_range_overflows", csv("huge"), ValueError,
     r"huge\.csv' column 'x1' runs from -1e\+308 to 1e\+308: its range max - min overflows .*"
     r"divide it by a power of ten"),
    ("scale_to_angles_range_overflows",
     lambda f: scale_to_angles(np.array([[0.0, HUGE[1]], [1.0, HUGE[0]]]), np.zeros((1, 2))),
     ValueError, r"x_train column 1 \(0-based\) has a range max - min that is not finite"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "call", "error", "phrase"), ROWS, ids=[row[0] for row in ROWS])
def test_bad_input_is_a_clear_error_and_changes_no_file(fake, case, call, error, phrase):
    before = snapshot(fake.tmp)
    with pytest.raises(error, match=phrase):
        call(fake)
    assert snapshot(fake.tmp) == before, f"{case} changed files"


def changes(before: dict, after: dict, root: Path) -> tuple[set[str], set[str], set[str]]:
    """(added, removed, changed) paths, relative to ``root``."""

    def rel(paths: set[str]) -> set[str]:
        return {Path(p).relative_to(root).as_posix() for p in paths}

    changed = {p for p in set(before) & set(after) if before[p] != after[p]}
    return rel(set(after) - set(before)), rel(set(before) - set(after)), rel(changed)


def test_outputs_dir_good_paths_change_only_their_subfolder(fake):
    before = snapshot(fake.tmp)
    outputs = fake.repo / "outputs"
    assert outputs_dir("05", "models", root=fake.repo) == outputs / "05" / "models"
    assert outputs_dir("05/../06", root=fake.repo) == outputs / "06"  # '..' that stays inside
    assert list(outputs_dir("03", clean=True, root=fake.repo).iterdir()) == []
    added, removed, changed = changes(before, snapshot(fake.tmp), fake.tmp)
    assert added == {"repo/outputs/05", "repo/outputs/05/models", "repo/outputs/06"}
    assert removed == {"repo/outputs/03/old.keras"}
    assert changed <= {"repo/outputs", "repo/outputs/03"}  # folder times


def test_save_and_reload_round_trips_into_outputs_as_notebook_03_does(fake):
    model = tiny_model()
    model.fit(np.zeros((4, 2)), np.ones(4), epochs=1, verbose=0)  # builds the optimizer state
    before = snapshot(fake.tmp)
    out = outputs_dir("03_pretraining_saving_freezing", clean=True, root=fake.repo)
    from_keras, from_weights = save_and_reload(model, "hybrid_c", directory=out, root=fake.repo)
    assert weights_equal(from_keras, model)
    assert weights_equal(from_weights, model)
    added, removed, changed = changes(before, snapshot(fake.tmp), fake.tmp)
    folder = "repo/outputs/03_pretraining_saving_freezing"
    assert added == {folder, f"{folder}/hybrid_c.keras", f"{folder}/hybrid_c.weights.h5"}
    assert removed == set()
    assert changed <= {"repo/outputs"}


def test_csv_with_an_index_column_loads_when_feature_columns_leaves_it_out(fake):
    dataset = load_csv_dataset(fake.csv("index"), feature_columns=["x1"])
    assert dataset.feature_names == ("x1",)
    assert len(dataset.y_train) + len(dataset.y_test) == 12


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_saving_refuses_a_file_link_that_leads_out_and_overwrites_nothing(fake, suffix):
    (fake.repo / "outputs" / "03" / f"clf{suffix}").symlink_to(fake.sibling / "keep.txt")
    before = snapshot(fake.tmp)
    with pytest.raises(ValueError, match=r"is a symlink to .* outside the outputs .*Delete the"):
        save("clf", directory=At("repo/outputs/03"))(fake)
    assert snapshot(fake.tmp) == before
    assert (fake.sibling / "keep.txt").read_text() == "next to the repository"


@pytest.mark.parametrize("failing", ["save", "save_weights"])
def test_a_failed_save_leaves_the_previous_files_intact(fake, monkeypatch, failing):
    out = fake.repo / "outputs" / "03"
    model = tiny_model()
    save_and_reload(model, "clf", directory=out, root=fake.repo)
    files_before = {p: v for p, v in snapshot(fake.tmp).items() if v[0] == "file"}

    def half_written(self: keras.Model, path: str, *args: object, **kwargs: object) -> None:
        Path(path).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, failing, half_written)
    with pytest.raises(OSError, match="disk full"):
        save_and_reload(model, "clf", directory=out, root=fake.repo)
    files_after = {p: v for p, v in snapshot(fake.tmp).items() if v[0] == "file"}
    assert set(files_after) == set(files_before)  # no temporary file left behind
    weights = str(out / "clf.weights.h5")
    assert files_after[weights] == files_before[weights]  # never half-written
    if failing == "save":
        assert files_after == files_before
