"""Regenerate every dataset of the course, deterministically.

    python datasets/make_datasets.py            # rewrite all files and checksums.json
    python datasets/make_datasets.py circles    # only the named ones

Each dataset is an .npz file with X_train (n_x, m_train), Y_train (1, m_train), X_test and
Y_test (examples are columns). checksums.json records each file's SHA-256; the loaders in
helpers.datasets refuse a file whose checksum differs. README.md says how each set was made.
"""

import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def two_circles(m, rng, noise=0.05, factor=0.8):
    """Two concentric noisy circles: label 0 on the unit circle, 1 on the circle of radius
    ``factor``. Returns X (2, m) and Y (1, m)."""
    labels = np.arange(m) % 2
    angles = rng.uniform(0.0, 2.0 * np.pi, size=m)
    radii = np.where(labels == 1, factor, 1.0)
    X = np.stack([radii * np.cos(angles), radii * np.sin(angles)])
    X += rng.normal(0.0, noise, size=X.shape)
    order = rng.permutation(m)
    return X[:, order], labels[order].reshape(1, m).astype(np.int64)


def make_circles():
    rng = np.random.default_rng(2017)
    X_train, Y_train = two_circles(300, rng)
    X_test, Y_test = two_circles(100, rng)
    return dict(X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test)


def spirals(m, rng, n_classes=3, turns=1.0, noise=0.25):
    """``n_classes`` interleaved spiral arms from the origin, one class per arm, each making
    ``turns`` turns. A point's radius t is uniform in [0.1, 1] and its angle is the arm's start
    plus 2 pi turns t, with Gaussian angle noise of standard deviation ``noise`` (radians).
    Labels cycle 0, 1, ..., C - 1 so the classes are balanced. Returns X (2, m), Y (1, m)."""
    labels = np.arange(m) % n_classes
    radii = rng.uniform(0.1, 1.0, size=m)
    angles = (2.0 * np.pi * labels / n_classes + 2.0 * np.pi * turns * radii
              + rng.normal(0.0, noise, size=m))
    X = np.stack([radii * np.cos(angles), radii * np.sin(angles)])
    order = rng.permutation(m)
    return X[:, order], labels[order].reshape(1, m).astype(np.int64)


def make_spirals():
    rng = np.random.default_rng(2005)
    X_train, Y_train = spirals(1024, rng)
    X_test, Y_test = spirals(300, rng)
    return dict(X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test)


def two_moons(m, rng, noise=0.2):
    """Two interleaving half-moons: label 0 on the upper arc (cos a, sin a), label 1 on the
    lower arc (1 - cos a, 0.5 - sin a), with a uniform in [0, pi] and Gaussian noise of standard
    deviation ``noise`` added to both coordinates. Labels alternate so the classes are
    balanced. Returns X (2, m) and Y (1, m)."""
    labels = np.arange(m) % 2
    angles = rng.uniform(0.0, np.pi, size=m)
    X = np.stack([np.where(labels == 0, np.cos(angles), 1.0 - np.cos(angles)),
                  np.where(labels == 0, np.sin(angles), 0.5 - np.sin(angles))])
    X += rng.normal(0.0, noise, size=X.shape)
    order = rng.permutation(m)
    return X[:, order], labels[order].reshape(1, m).astype(np.int64)


def make_moons():
    rng = np.random.default_rng(2017)
    X_train, Y_train = two_moons(300, rng)
    X_test, Y_test = two_moons(100, rng)
    return dict(X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test)


def kicking_team_wins(X):
    """The noise-free label of a landing point X (2, m) on the football field: 1 where the
    kicking team (goal at x1 = -1) wins the header, the region x1 < -0.15 + 0.9 x2^2 that
    reaches further upfield along the wings (|x2| large); 0 where the opponents win it."""
    return (X[0] < -0.15 + 0.9 * X[1] ** 2).astype(np.int64)


def football_landings(m, rng, pockets=(), pocket_radius=0.08, flip_rate=0.05):
    """``m`` points uniform on the field [-1, 1] x [-0.75, 0.75] with their noise-free labels,
    then label noise: every label inside a pocket (a disc of ``pocket_radius`` around each
    centre in ``pockets``) is flipped, and each other one with probability ``flip_rate``.
    Returns X (2, m) and Y (1, m)."""
    X = np.stack([rng.uniform(-1.0, 1.0, size=m), rng.uniform(-0.75, 0.75, size=m)])
    noisy = rng.random(m) < flip_rate
    for centre_x1, centre_x2 in pockets:
        noisy |= np.hypot(X[0] - centre_x1, X[1] - centre_x2) < pocket_radius
    Y = kicking_team_wins(X)
    return X, np.where(noisy, 1 - Y, Y).reshape(1, m)


def make_football():
    rng = np.random.default_rng(7)
    pockets = np.stack([rng.uniform(-0.9, 0.9, size=4), rng.uniform(-0.7, 0.7, size=4)]).T
    X_train, Y_train = football_landings(200, rng, pockets, flip_rate=0.07)
    X_test, Y_test = football_landings(200, rng, flip_rate=0.05)
    return dict(X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test)


DATASETS = {
    "circles": make_circles,
    "football": make_football,
    "moons": make_moons,
    "spirals": make_spirals,
}


def npz_bytes(arrays):
    """The .npz archive for ``arrays`` with fixed zip timestamps, so the bytes (and the
    checksum) depend only on the data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]),
                                      allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def main(names):
    unknown = sorted(set(names) - set(DATASETS))
    if unknown:
        sys.exit(f"unknown dataset(s) {unknown}; known: {sorted(DATASETS)}")
    checksums_path = HERE / "checksums.json"
    checksums = json.loads(checksums_path.read_text()) if checksums_path.exists() else {}
    for name in names or sorted(DATASETS):
        data = npz_bytes(DATASETS[name]())
        path = HERE / f"{name}.npz"
        path.write_bytes(data)
        checksums[path.name] = hashlib.sha256(data).hexdigest()
        print(f"wrote {path.relative_to(HERE.parent)} ({len(data)} bytes)")
    checksums_path.write_text(json.dumps(dict(sorted(checksums.items())), indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
