"""Feedback pages a student can read: no path of the grading machine, statuses in plain words
with the next step, formulas as Unicode maths, and each test's hint beside the cells it
concerns."""

import json
import re

import submissions
from autograder.course import source_notebook
from autograder.feedback import readable_maths, render, without_paths
from autograder.notebooks import read_notebook

ASSIGNMENT = "initialization"
TESTS = [("test_initialize_parameters_zeros", 1.0), ("test_initialize_parameters_random", 1.0),
         ("test_initialize_parameters_he", 2.0)]


def entry(status="graded", message="", cells=None):
    cells = cells or [{"grade_id": g, "points": p, "max_points": p, "status": "passed",
                       "message": "passed", "mistake": None} for g, p in TESTS]
    return {"student": "dave", "assignment": ASSIGNMENT, "status": status, "message": message,
            "score": sum(c["points"] for c in cells), "max_score": 4.0, "cells": cells,
            "notes": []}


def test_an_unreadable_notebook_in_plain_words_without_server_paths():
    path = "/srv/course/submitted/dave/initialization/initialization.ipynb"
    cells = [{"grade_id": g, "points": 0.0, "max_points": p, "status": "not_run",
              "message": f"{path}: not valid JSON (Expecting ',' delimiter: line 1 column 501)",
              "mistake": None} for g, p in TESTS]
    page = render(entry("not_json", f"{path}: not valid JSON (Expecting value)", cells),
                  source=read_notebook(source_notebook(ASSIGNMENT)), title="Weight initialization")
    text = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    assert "/srv" not in text and "submitted/" not in text
    assert not re.search(r"(?<![<\w])/[a-z]+/", re.sub(r"</\w+", "", text))
    assert "not_json" not in text and "not_run" not in text
    assert "Your notebook could not be read: it is not valid JSON" in text
    assert "Download the assignment again from the Assignments tab" in text
    assert "the file you submitted is kept" in text
    assert "Expecting" not in text  # the JSON parser's words help no one
    assert "not found in your notebook" not in text


def test_statuses_in_plain_words():
    page = render(entry("timeout", "took longer than 60 s", [
        {"grade_id": "test_initialize_parameters_he", "points": 0.0, "max_points": 2.0,
         "status": "timeout", "message": "initialize_parameters_he: took longer than 60 s",
         "mistake": None}]))
    assert "took too long" in page and "a loop that never ends" in page
    assert ">timeout<" not in page


def test_formulas_read_as_maths():
    assert readable_maths("z_norm = (z - mu) / sqrt(var + epsilon)") == \
        "z_norm = (z - μ) / √(var + ε)"
    assert readable_maths("beta = 1 - 10 ** r, close to 1") == "β = 1 - 10ʳ, close to 1"
    assert readable_maths("sigma^2 depends on every z") == "σ² depends on every z"
    assert readable_maths("gamma * (z - running_mean)") == "γ · (z - running_mean)"
    assert readable_maths("beta1 and lambd_max stay names") == "beta1 and lambd_max stay names"


def test_paths_become_file_names():
    assert without_paths("/tmp/grading-x1/initialization.ipynb: empty") == \
        "initialization.ipynb: empty"
    assert without_paths("np.sqrt(2 / layers_dims[l - 1])") == "np.sqrt(2 / layers_dims[l - 1])"


def test_each_hint_sits_beside_the_cells_it_concerns(tmp_path):
    notebook = submissions.write_submission(tmp_path / ASSIGNMENT, ASSIGNMENT, {
        "initialize_parameters_he": "parameters = {}  # MY HE ATTEMPT\nreturn parameters"})
    cells = [{"grade_id": g, "points": p, "max_points": p, "status": "passed",
              "message": "passed", "mistake": None} for g, p in TESTS]
    cells[2] = dict(cells[2], points=0.0, status="failed", mistake="scale_xavier",
                    message="Your weights are scaled by sqrt(1 / n_prev). Revisit: He "
                            "initialization uses sqrt(2 / n_prev).")
    page = render(entry(cells=cells), notebook, read_notebook(source_notebook(ASSIGNMENT)))
    sections = page.split("<div class='test'>")[1:]
    assert len(sections) == 3
    he = sections[2]
    assert "MY HE ATTEMPT" in he and "√(2 / n_prev)" in he
    assert he.index("MY HE ATTEMPT") < he.index("√(2 / n_prev)")
    assert "MY HE ATTEMPT" not in "".join(sections[:2])
    assert "not yet right" in he and "0 / 2 points" in he


def test_grader_comments_and_changes_are_shown():
    cells = [{"grade_id": g, "points": 0.0, "max_points": p, "status": "failed",
              "message": "wrong shape", "mistake": None, "manual_points": None}
             for g, p in TESTS]
    cells[0]["manual_points"] = 0.5
    data = dict(entry(cells=cells), final_score=0.5,
                comments={"initialize_parameters_zeros": "Close: b is (n_l, 1)."})
    page = render(json.loads(json.dumps(data)), source=read_notebook(source_notebook(ASSIGNMENT)))
    assert "0.5 / 4" in page and "changed by your grader from 0" in page
    assert "Close: b is (n_l, 1)." in page
