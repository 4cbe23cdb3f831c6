"""The two ways to install agree, and the quick start is what the README promises."""

import re
import tomllib

import pytest


def pyproject_pins(root, groups=("dependencies", "instructor", "dev")):
    """name -> version of every pin in ``groups``: the learner's dependencies and the extras
    (the course's own name, as in improving-deep-nets[instructor], is not a pin)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    pins = {}
    for group in groups:
        for requirement in project["dependencies"] if group == "dependencies" else extras[group]:
            if requirement.startswith(project["name"]):
                continue
            name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)(;.*)?",
                                         requirement).groups()[:2]
            pins[name.lower()] = version
    return pins


def conda_pins(root):
    pins = {}
    for line in (root / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s+- ([A-Za-z0-9_.-]+)==?([^=\s]+)", line)
        if match and match.group(1) != "python":
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_environment_yml_lists_the_same_pins_as_pyproject(root):
    assert conda_pins(root) == pyproject_pins(root)


def test_every_dependency_is_pinned_exactly_and_constrained(root):
    constraints = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#") and ";" not in line:
            name, version = line.split("==")
            constraints[name.lower().replace("_", "-")] = version
    for name, version in pyproject_pins(root).items():
        assert constraints.get(name.replace("_", "-")) == version, name


def test_installed_versions_are_the_pinned_ones(root):
    from importlib.metadata import version
    for name, pinned in pyproject_pins(root).items():
        assert version(name).split("+")[0] == pinned, name  # torch's CPU build is 2.13.0+cpu


def test_readme_quick_start_is_two_commands(root):
    readme = (root / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", quick, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert [c.split("#")[0].strip() for c in commands] == ["scripts/start", "scripts/test"]
    ci = (root / ".ci" / "run").read_text()
    assert "scripts/test" in ci


@pytest.mark.parametrize("script", ["scripts/setup", "scripts/start", "scripts/test", ".ci/run"])
def test_scripts_are_executable(root, script):
    import os
    assert os.access(root / script, os.X_OK)


def test_the_learners_install_holds_no_instructor_or_test_tools(root):
    learner = set(pyproject_pins(root, ("dependencies",)))
    assert {"numpy", "matplotlib", "jupyterlab", "ipywidgets", "tqdm", "ipykernel",
            "nbgrader"} <= learner
    assert learner.isdisjoint({"pytest", "playwright", "dask", "distributed", "jupytext",
                               "psycopg2-binary"})
    assert {"jupytext", "dask", "psycopg2-binary"} <= set(pyproject_pins(root, ("instructor",)))


def test_python_versions_agree(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
    assert "  - python>=3.11,<3.14" in (root / "environment.yml").read_text().splitlines()
    setup = (root / "scripts" / "setup").read_text()
    assert "(3, 11) <= sys.version_info[:2] <= (3, 13)" in setup


def test_version_specific_constraints_cover_every_supported_python(root):
    """A pin that needs a newer patch release (soupsieve 4 needs 3.11.5) has an alternative
    for the older ones, so Debian 12's Python 3.11.2 installs the same set otherwise."""
    marked = [line for line in (root / "constraints.txt").read_text().splitlines()
              if ";" in line]
    by_name = {}
    for line in marked:
        by_name.setdefault(line.split("==")[0], []).append(line.split(";", 1)[1].strip())
    for name, markers in by_name.items():
        assert len(markers) == 2, (name, markers)
