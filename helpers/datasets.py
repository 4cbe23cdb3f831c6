"""Loaders for the course's datasets (files under datasets/ at the repository root).

Every loader returns (X_train, Y_train, X_test, Y_test) with examples as columns:
X (n_x, m) float64 and Y (1, m) int64 labels. A loader checks what it reads and fails with a
message that names the file and says how to regenerate it; it never plots or prints.
"""

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np


def _datasets_dir():
    """datasets/ beside the helpers package (the course folder, or a student edition); for a
    regular install, whose helpers live in site-packages, that of $COURSE_ROOT."""
    beside = Path(__file__).resolve().parent.parent / "datasets"
    if beside.is_dir() or not os.environ.get("COURSE_ROOT"):
        return beside
    return Path(os.environ["COURSE_ROOT"]) / "datasets"


DATASETS_DIR = _datasets_dir()
REGENERATE = "regenerate it with `python datasets/make_datasets.py {name}` from the course folder"


class DatasetError(RuntimeError):
    """A dataset file is missing, corrupt or not what the loader expects."""


def _problem(path, what):
    name = path.stem
    return DatasetError(f"{path}: {what}; {REGENERATE.format(name=name)}.")


def _checksum_ok(path, directory):
    checksums_path = directory / "checksums.json"
    try:
        expected = json.loads(checksums_path.read_text())[path.name]
    except (OSError, ValueError, KeyError):
        return True  # no recorded checksum: structure checks below still apply
    return hashlib.sha256(path.read_bytes()).hexdigest() == expected


def load_dataset(name, directory=None, n_features=2, labels=(0, 1)):
    """Load ``datasets/<name>.npz`` and check it.

    Returns X_train (n_features, m_train), Y_train (1, m_train), X_test (n_features, m_test),
    Y_test (1, m_test). Labels must lie in ``labels``.
    Raises DatasetError naming the file when it is missing, unreadable, altered (checksum),
    or has the wrong keys, shapes, dtypes, non-finite values or labels.
    """
    directory = Path(directory) if directory is not None else DATASETS_DIR
    path = directory / f"{name}.npz"
    if not path.is_file():
        raise _problem(path, "file not found")
    if not _checksum_ok(path, directory):
        raise _problem(path, "file is corrupt (its SHA-256 differs from datasets/checksums.json)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise _problem(path, f"file is corrupt and cannot be read ({error})") from None

    expected_keys = {"X_train", "Y_train", "X_test", "Y_test"}
    if set(arrays) != expected_keys:
        raise _problem(path, f"expected arrays {sorted(expected_keys)}, found {sorted(arrays)}")
    for split in ("train", "test"):
        X, Y = arrays[f"X_{split}"], arrays[f"Y_{split}"]
        if X.ndim != 2 or X.shape[0] != n_features:
            raise _problem(path, f"X_{split} has shape {X.shape}; expected ({n_features}, m)")
        if Y.shape != (1, X.shape[1]):
            raise _problem(path, f"Y_{split} has shape {Y.shape}; expected (1, {X.shape[1]}) "
                                 f"to match X_{split}")
        if not np.issubdtype(X.dtype, np.floating) or not np.all(np.isfinite(X)):
            raise _problem(path, f"X_{split} must hold finite floats (dtype {X.dtype})")
        if not np.issubdtype(Y.dtype, np.integer) or not np.isin(Y, labels).all():
            raise _problem(path, f"Y_{split} must hold integer labels in {list(labels)}")
    return (arrays["X_train"].astype(np.float64), arrays["Y_train"].astype(np.int64),
            arrays["X_test"].astype(np.float64), arrays["Y_test"].astype(np.int64))


def load_circles(directory=None):
    """Two noisy concentric circles (Assignment 1): 300 training and 100 test examples,
    X (2, m), Y (1, m) with label 1 on the inner circle."""
    return load_dataset("circles", directory)


def load_football(directory=None):
    """Where a goalkeeper's kicks landed on a football field, and who won the header
    (Assignment 2): 200 training and 200 test examples, X (2, m) with x1 along the field
    (the kicking team's goal at x1 = -1) and x2 across it, Y (1, m) with label 1 where the
    kicking team won the ball. Both sets carry label noise, the training set partly in small
    clusters."""
    return load_dataset("football", directory)


def load_moons(directory=None):
    """Two interleaving noisy half-moons (Assignment 4): 300 training and 100 test examples,
    X (2, m), Y (1, m) with label 1 on the lower moon."""
    return load_dataset("moons", directory)


def load_spirals(directory=None):
    """Three interleaved spiral arms, one class per arm (Assignment 5): 1024 training and 300
    test examples, X (2, m), Y (1, m) with labels 0, 1, 2."""
    return load_dataset("spirals", directory, labels=(0, 1, 2))
