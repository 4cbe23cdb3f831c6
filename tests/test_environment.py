"""The two ways to install agree, and the quick start is what the README promises."""

import re
import tomllib

import pytest


def pyproject_pins(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pins = {}
    for requirement in project["dependencies"]:
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", requirement).groups()
        pins[name.lower()] = version
    return pins


def conda_pins(root):
    pins = {}
    for line in (root / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s+- ([A-Za-z0-9_.-]+)=([^=\s]+)", line)
        if match and match.group(1) != "python":
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_environment_yml_lists_the_same_pins_as_pyproject(root):
    assert conda_pins(root) == pyproject_pins(root)


def test_every_dependency_is_pinned_exactly_and_constrained(root):
    constraints = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            constraints[name.lower().replace("_", "-")] = version
    for name, version in pyproject_pins(root).items():
        assert constraints.get(name.replace("_", "-")) == version, name


def test_installed_versions_are_the_pinned_ones(root):
    from importlib.metadata import version
    for name, pinned in pyproject_pins(root).items():
        assert version(name) == pinned, name


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
