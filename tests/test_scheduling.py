"""How scripts/test spreads the suite over the cores (tests/conftest.py): every test of a file
runs on one worker, so a module fixture is built once per run, not once per worker."""

import os

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER")


@pytest.fixture(scope="module")
def builds(run_folder):
    """The file in which every build of this fixture, on any worker of the run, is noted."""
    record = run_folder / "module-fixture-builds.txt"
    with open(record, "a") as file:
        file.write(f"{WORKER or 'main'}\n")
    return record


@pytest.mark.parametrize("index", range(4))
def test_a_module_fixture_is_built_once_per_run(builds, index):
    workers = builds.read_text().split()
    assert len(workers) == 1, f"the module fixture was built on {workers}: this file's tests " \
                              "were spread over several workers"
