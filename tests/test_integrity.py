"""Grading that cannot be fooled: a class of adversarial and broken submissions, each with the
score and status it must get. Every attack ships a wrong He initialization (worth 2 of the 4
points) and tries to have it pass anyway; the other two functions are correct."""

import json
import os
import socket

import pytest

import submissions
from autograder.course import course_root
from autograder.grading import grade_class
from autograder.running import Limits
from autograder.sandbox import availability

ASSIGNMENT = "initialization"
HE = "initialize_parameters_he"
WRONG_HE = ('parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))\n'
            'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))')
ROOT = course_root()
SECRET = ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.py"


def with_he(prefix="", body=WRONG_HE):
    """Replace the He solution region with ``prefix`` (module-level mischief placed in the
    function body) and ``body``."""
    return {HE: prefix + body}


ATTACKS = {
    # monkeypatching what the in-kernel checks use
    "patch_allclose": with_he("globals()['check_initialize_parameters_he'] = lambda f: None\n"
                              "np.allclose = lambda *a, **k: True\n"),
    "patch_checks": with_he(
        "import autograder.hidden\n"
        "autograder.hidden.hidden_test = lambda *a, **k: None\n"
        "globals()['check_initialize_parameters_he'] = lambda f: None\n"),
    "patch_builtins": with_he("import builtins\nbuiltins.isinstance = lambda *a: True\n"),
    # returning something that claims to equal everything
    "always_equal": {HE: "class Anything(dict):\n"
                         "    def __eq__(self, other):\n        return True\n"
                         "    def __ne__(self, other):\n        return False\n"
                         "return Anything()"},
    # reading the reference solution from source/
    "read_source": {HE: f"text = open({str(SECRET)!r}).read()\n"
                        "raise RuntimeError('read the source: ' + text[:20])"},
    # limits
    "memory_blowup": {HE: "hog = [np.empty(10**8) for _ in range(1000)]"},
    "output_flood": {HE: "while True:\n    print('spam ' * 1000)"},
    "exit_process": {HE: "import os\nos._exit(3)"},
}


def edited_test_cell(notebook):
    cell = submissions.cell_with(notebook, f"test_{HE}")
    cell["source"] = "try:\n    check_initialize_parameters_he(initialize_parameters_he)\n" \
                     "except AssertionError:\n    pass\n"
    return notebook


def deleted_test_cell(notebook):
    notebook["cells"] = [c for c in notebook["cells"]
                         if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != f"test_{HE}"]
    return notebook


def duplicated_solution(notebook):
    cell = submissions.cell_with(notebook, HE)
    notebook["cells"].insert(notebook["cells"].index(cell), json.loads(json.dumps(cell)))
    return notebook


CELL_ATTACKS = {"edited_test_cell": edited_test_cell, "deleted_test_cell": deleted_test_cell,
                "duplicated_solution": duplicated_solution}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("adversarial")
    folder = base / "submitted"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    attacks = dict(ATTACKS)
    attacks["network"] = with_he(
        f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).send(b'x')\n")
    victim = folder / "victim" / ASSIGNMENT
    submissions.write_submission(victim, ASSIGNMENT)
    attacks["vandal"] = with_he(f"import os, glob\n"
                                f"for p in glob.glob({str(folder)!r} + '/*/*/*'):\n"
                                f"    try:\n        os.remove(p)\n    except OSError:\n        pass\n")
    for name, replacements in attacks.items():
        submissions.write_submission(folder / name / ASSIGNMENT, ASSIGNMENT,
                                     {k: v for k, v in replacements.items()})
    for name, change in CELL_ATTACKS.items():
        notebook = change(submissions.replace_solutions(submissions.load(ASSIGNMENT), ASSIGNMENT,
                                                        with_he()))
        submissions.write(folder / name / ASSIGNMENT, notebook, ASSIGNMENT)
    # a correct learner who added a helper cell and an extra data file
    notebook = submissions.load(ASSIGNMENT)
    notebook["cells"].insert(2, submissions.code_cell("def my_helper():\n    return 42\n"))
    submissions.write(folder / "extra_files" / ASSIGNMENT, notebook, ASSIGNMENT)
    (folder / "extra_files" / ASSIGNMENT / "notes.csv").write_text("a,b\n1,2\n")
    # a correct learner whose folder holds a named pipe and a link to the reference solution
    special = folder / "special_files" / ASSIGNMENT
    submissions.write(special, submissions.load(ASSIGNMENT), ASSIGNMENT)
    os.mkfifo(special / "pipe")
    (special / "answers.py").symlink_to(SECRET)
    # broken files
    bad = {"not_json": b'{"cells": [', "empty": b"", "not_utf8": "{\"cells\": [\"caf\xe9\"]}".encode("latin-1"),
           "not_notebook": b"[1, 2, 3]", "wrong_nbformat": b'{"cells": [], "nbformat": 3}'}
    for name, data in bad.items():
        (folder / name / ASSIGNMENT).mkdir(parents=True)
        (folder / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(data)
    renamed = submissions.load(ASSIGNMENT)
    submissions.write(folder / "renamed" / ASSIGNMENT, renamed, "my_copy")
    (folder / "no_notebook" / ASSIGNMENT).mkdir(parents=True)
    (folder / "no_notebook" / ASSIGNMENT / "answers.txt").write_text("I forgot")

    source_before = {p: p.read_bytes() for p in (ROOT / "source").rglob("*") if p.is_file()}
    victim_before = (victim / f"{ASSIGNMENT}.ipynb").read_bytes()
    results = grade_class(ASSIGNMENT, folder, workers=2,
                          limits=Limits(cell_seconds=30, total_seconds=300, memory_mb=2048,
                                        output_chars=50_000))
    listener.settimeout(0.1)
    try:
        listener.accept()
        reached = True
    except OSError:
        reached = False
    listener.close()
    return {"results": {r.student: r for r in results}, "reached": reached,
            "source_intact": source_before == {p: p.read_bytes() for p in source_before},
            "victim_intact": (victim / f"{ASSIGNMENT}.ipynb").read_bytes() == victim_before}


def he_cell(result):
    return next(c for c in result.cells if c.grade_id == f"test_{HE}")


def score(result):
    return result.score


@pytest.mark.parametrize("student", ["patch_allclose", "patch_checks", "patch_builtins",
                                     "always_equal", "edited_test_cell", "deleted_test_cell",
                                     "duplicated_solution", "network", "vandal"])
def test_attack_does_not_earn_the_he_points(graded, student):
    result = graded["results"][student]
    assert he_cell(result).points == 0, he_cell(result)
    assert score(result) == 2, result.cells


@pytest.mark.parametrize("student", ["patch_allclose", "patch_checks"])
def test_monkeypatching_the_kernel_is_flagged_for_review(graded, student):
    result = graded["results"][student]
    assert result.review, result.notes
    assert any("isolated check counts" in note for note in result.notes)


def test_edited_and_deleted_cells_are_reported_and_restored(graded):
    results = graded["results"]
    assert any("was edited; restored" in n for n in results["edited_test_cell"].notes)
    assert any("was deleted; restored" in n for n in results["deleted_test_cell"].notes)
    assert any("appears more than once" in n for n in results["duplicated_solution"].notes)


def test_object_with_clever_eq_is_rejected_by_type(graded):
    assert "Anything" in he_cell(graded["results"]["always_equal"]).message or \
        he_cell(graded["results"]["always_equal"]).mistake in ("unsupported", "type")


@pytest.mark.parametrize("student,status", [("memory_blowup", "memory"),
                                            ("output_flood", "output"),
                                            ("exit_process", "crashed")])
def test_limits_give_a_clear_status_and_keep_completed_points(graded, student, status):
    result = graded["results"][student]
    assert result.status == status, (result.status, result.message)
    assert he_cell(result).status == status
    assert score(result) == 2


@pytest.mark.skipif(not availability()[0], reason="no sandbox on this machine")
def test_sandbox_hides_source_and_blocks_network_and_writes(graded):
    results = graded["results"]
    assert "No such file" in he_cell(results["read_source"]).message
    assert not graded["reached"], "a submission reached a server on 127.0.0.1"
    assert graded["source_intact"] and graded["victim_intact"]
    assert results["victim"].score == 4


def test_sandbox_use_is_recorded(graded):
    for result in graded["results"].values():
        if result.status == "graded":
            assert result.sandbox, result.student


@pytest.mark.parametrize("student,status,message", [
    ("not_json", "not_json", "not valid JSON"),
    ("empty", "empty", "the file is empty"),
    ("not_utf8", "not_utf8", "not UTF-8"),
    ("not_notebook", "not_notebook", "not a notebook"),
    ("wrong_nbformat", "wrong_nbformat", "nbformat 3"),
    ("no_notebook", "missing_notebook", "not found"),
])
def test_bad_files_get_a_status_and_a_message_naming_the_file(graded, student, status, message):
    result = graded["results"][student]
    assert (result.status, result.score) == (status, 0)
    assert message in result.message and ASSIGNMENT in result.message
    assert [c.status for c in result.cells] == ["not_run"] * 3


def test_renamed_notebook_and_extra_files_are_still_graded(graded):
    renamed, extra = graded["results"]["renamed"], graded["results"]["extra_files"]
    assert renamed.score == 4 and any("renamed to my_copy.ipynb" in n for n in renamed.notes)
    assert extra.score == 4 and extra.status == "graded" and not extra.review


def test_special_files_are_skipped_not_fatal(graded):
    result = graded["results"]["special_files"]
    assert (result.status, result.score) == ("graded", 4)
    assert any("not copied for grading" in note and "pipe" in note and "answers.py" in note
               for note in result.notes), result.notes


def test_every_student_is_in_the_results(graded):
    assert len(graded["results"]) == len(ATTACKS) + len(CELL_ATTACKS) + 12
