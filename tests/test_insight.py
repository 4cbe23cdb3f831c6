"""`course report`: a prepared class (tests/class_insight_class.py) is graded for real with
`course grade`, then the report must find exactly what was planted: who made which catalogued
mistake, the statuses, the concept mastery table, who needs help, and the one copied pair above
every independent one. The page is rendered in headless Chromium (screenshot in
test-artifacts/)."""

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import class_insight_class as planted
from autograder.insight import normalized_tokens, own_tokens, similar_pairs

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright never downloads a browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"


def course(*args, env, check=True):
    done = subprocess.run([sys.executable, "-m", "autograder.cli", *args], env=env,
                          capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def graded(tmp_path_factory, root):
    base = tmp_path_factory.mktemp("insight")
    submitted = base / "submitted"
    planted.write_class(submitted)
    env = dict(os.environ, COURSE_ROOT=str(root))
    gradebook = f"sqlite:///{base / 'gradebook.db'}"
    for assignment in (planted.INITIALIZATION, planted.OPTIMIZATION):
        course("grade", assignment, "--submissions", str(submitted), "--report",
               str(base / "reports" / f"{assignment}.json"), "--gradebook", gradebook,
               "--cell-timeout", "3", "--workers", "2", "--quiet", env=env)
    before = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
              for path in [*(base / "reports").iterdir(), base / "gradebook.db"]}
    common = ["--reports", str(base / "reports"), "--gradebook", gradebook,
              "--output", str(base / "out")]
    outputs = {}
    for scope in (planted.INITIALIZATION, None):
        for anonymous in (False, True):
            args = ["report", *([scope] if scope else []), *common,
                    *(["--anonymous"] if anonymous else [])]
            done = course(*args, env=env)
            stem = f"class-{scope}" if scope else "class"
            stem += "-anonymous" if anonymous else ""
            assert f"{stem}.html" in done.stdout
            outputs[(scope, anonymous)] = (
                json.loads((base / "out" / f"{stem}.json").read_text()),
                (base / "out" / f"{stem}.html").read_text())
    after = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
             for path in [*(base / "reports").iterdir(), base / "gradebook.db"]}
    return {"base": base, "env": env, "outputs": outputs, "before": before, "after": after,
            "gradebook": gradebook}


def facts(graded, assignment=planted.INITIALIZATION, scope=None):
    insight, _ = graded["outputs"][(scope, False)]
    return next(a for a in insight["assignments"] if a["name"] == assignment)


def mistake_row(graded, grade_id, name):
    test = next(t for t in facts(graded)["tests"] if t["grade_id"] == grade_id)
    return test, next((row for row in test["mistakes"] if row["name"] == name), None)



@pytest.mark.slow
def test_each_mistake_counts_exactly_who_made_it(graded):
    test, xavier = mistake_row(graded, "test_initialize_parameters_he", "scale_xavier")
    assert xavier["students"] == planted.SCALE_XAVIER and xavier["count"] == 3
    assert xavier["points_lost"] == 3 * test["points"]
    assert "Xavier" in xavier["hint"] and xavier["concept"].startswith("He initialization")
    # The most costly row comes first; the pass rate counts the five correct He cells.
    assert test["mistakes"][0]["name"] == "scale_xavier"
    assert (test["passed"], test["attempted"]) == (5, 11)
    _, seed = mistake_row(graded, "test_initialize_parameters_random", "seed_ignored")
    assert seed["students"] == ["dov"] and seed["concept"] == planted.SEED_CONCEPT
    # Clicking a mistake shows the cells that made it.
    assert set(xavier["code"]) == set(planted.SCALE_XAVIER)
    assert "np.sqrt(1.0 / layers_dims[l - 1])" in xavier["code"]["cai"]


@pytest.mark.slow
def test_statuses_name_the_students(graded):
    initialization = facts(graded)
    assert initialization["status_students"]["not_submitted"] == ["hal"]
    assert initialization["status_students"]["not_json"] == ["lee"]
    assert initialization["statuses"]["graded"] == 10
    assert (initialization["submitted"], initialization["students"]) == (11, 12)
    optimization = facts(graded, planted.OPTIMIZATION, scope=None)
    assert optimization["status_students"]["timeout"] == ["kai"]


@pytest.mark.slow
def test_mastery_table_and_who_needs_help(graded):
    insight, _ = graded["outputs"][(None, False)]
    concepts = {c["concept"]: c for c in insight["concepts"]}
    he = next(c for c in concepts if c.startswith("He initialization"))
    assert concepts[he]["students_missed"] == 3
    assert concepts[planted.SEED_CONCEPT]["assignments"] == ["initialization", "optimization"]
    table = insight["students"]
    for student in planted.SCALE_XAVIER:
        assert [w["mistake"] for w in table[student][he]["missed"]] == ["scale_xavier"]
    for student in ["ana", "eve", "fay", "ivy", "jon"]:
        assert table[student][he]["missed"] == [] and table[student][he]["shown"] >= 1
    assert he not in table["gus"]  # a stub shows nothing and misses no catalogued concept
    assert [w["assignment"] for w in table["dov"][planted.SEED_CONCEPT]["missed"]] == \
        ["initialization", "optimization"]
    help_ = {row["student"]: row["reasons"] for row in insight["needs_help"]}
    assert any(planted.SEED_CONCEPT in reason for reason in help_["dov"])
    # Below half marks in both: the Xavier three, the stub, the absent, the timeout, the broken.
    assert sorted(help_) == ["ben", "cai", "dov", "gus", "hal", "kai", "lee"]
    assert all("below half marks in initialization and optimization" in help_[s]
               for s in help_)


@pytest.mark.slow
def test_the_copied_pair_is_flagged_and_no_independent_pair_above_it(graded):
    pairs = facts(graded)["similar_pairs"]
    assert pairs and pairs[0]["students"] == planted.COPIED_PAIR
    assert [pair["students"] for pair in pairs] == [planted.COPIED_PAIR]
    cell = pairs[0]["cells"][0]
    assert cell["grade_id"] == "initialize_parameters_he" and cell["similarity"] == 1.0
    assert "sigma = var**0.5" in cell["code"][0] and "std = variance ** 0.5" in cell["code"][1]


@pytest.mark.slow
def test_the_report_reads_and_never_regrades(graded):
    assert graded["before"] == graded["after"]


@pytest.mark.slow
def test_anonymous_version_has_no_name_and_no_code(graded):
    for scope in (planted.INITIALIZATION, None):
        insight, html = graded["outputs"][(scope, True)]
        text = json.dumps(insight) + html
        for student in planted.CLASS:
            assert not re.search(rf"\b{student}\b", text), f"{student} appears in {scope}"
        assert "sigma = var" not in text
        assert insight["students_needing_help"] == 7
        he = next(t for a in insight["assignments"] for t in a["tests"]
                  if t["grade_id"] == "test_initialize_parameters_he")
        assert next(r for r in he["mistakes"] if r["name"] == "scale_xavier")["count"] == 3


@pytest.mark.slow
def test_page_has_figures_and_links_to_the_submissions(graded):
    _, html = graded["outputs"][(planted.INITIALIZATION, False)]
    assert html.count("<svg") == 3
    assert "score distribution" in html and "pass rate per test" in html
    assert "submitted/cai/initialization/initialization.ipynb" in html


@pytest.mark.slow
@pytest.mark.browser
def test_page_in_headless_chromium(graded):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (Debian: apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    page_path = graded["base"] / "out" / "class-initialization.html"
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_path.as_uri())
            assert page.locator("svg").count() == 3
            who = page.locator("details.who[data-mistake='scale_xavier']")
            assert not who.locator("pre").first.is_visible()
            who.locator("summary").click()
            assert who.locator("pre").first.is_visible()
            assert who.locator("a", has_text="cai").count() == 1
            pair = page.locator("details.similar").first
            pair.locator("summary").click()
            assert pair.locator("pre").count() == 2 and pair.locator("pre").nth(1).is_visible()
            page.screenshot(path=str(ARTIFACTS / "class-insight.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "class-insight.png").stat().st_size > 10_000


@pytest.mark.slow
def test_bad_input_gets_one_sentence(graded, tmp_path):
    env = graded["env"]
    broken = tmp_path / "reports"
    broken.mkdir()
    (broken / "initialization.json").write_text("{not json")
    done = course("report", "initialization", "--reports", str(broken), "--output",
                  str(tmp_path), env=env, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{broken / 'initialization.json'} is not a grading report" in done.stderr
    done = course("report", "no_such_assignment", env=env, check=False)
    assert done.returncode == 1 and "unknown assignment 'no_such_assignment'" in done.stderr
    done = course("report", "--reports", str(graded["base"] / "reports"), "--gradebook",
                  f"sqlite:///{tmp_path / 'missing.db'}", "--output", str(tmp_path), env=env,
                  check=False)
    assert done.returncode == 1 and "no such database file" in done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- small classes, no grading

@pytest.mark.slow
def test_one_student_and_an_assignment_nobody_submitted(graded, tmp_path):
    """One student graded, and an assignment whose report has no submission at all."""
    source = json.loads((graded["base"] / "reports" / "initialization.json").read_text())
    reports = tmp_path / "reports"
    reports.mkdir()
    one = dict(source, students=[e for e in source["students"] if e["student"] == "eve"])
    (reports / "initialization.json").write_text(json.dumps(one))
    nobody = json.loads((graded["base"] / "reports" / "optimization.json").read_text())
    nobody["students"] = [e for e in nobody["students"] if e["student"] == "hal"]
    for entry in nobody["students"]:  # hal's folder is gone: no submission
        entry.update(status="missing_notebook", score=0.0, cells=[
            dict(cell, points=0.0, status="not_run", message="no submission", mistake=None)
            for cell in entry["cells"]])
    (reports / "optimization.json").write_text(json.dumps(nobody))
    course("report", "--reports", str(reports), "--output", str(tmp_path / "out"),
           env=graded["env"])
    insight = json.loads((tmp_path / "out" / "class.json").read_text())
    by_name = {a["name"]: a for a in insight["assignments"]}
    assert by_name["initialization"]["submitted"] == 1
    assert by_name["initialization"]["notes"] == []
    assert by_name["initialization"]["similar_pairs"] == []
    assert by_name["optimization"]["submitted"] == 0
    assert not by_name["regularization"]["graded"]
    html = (tmp_path / "out" / "class.html").read_text()
    assert "Nobody submitted this assignment" in html and "Not graded yet" in html


def test_renaming_spacing_and_comments_do_not_change_the_tokens():
    first = "def f(x, y):\n    total = x * y  # product\n    return total\n"
    second = "def f(a,b):\n\n    # the product\n    result=a*b\n    return result\n"
    assert normalized_tokens(first) == normalized_tokens(second)
    assert normalized_tokens(first) != normalized_tokens(first.replace("*", "+"))
    assert normalized_tokens("x = (1,\n") == ["v0", "=", "(", "1", ","]  # broken code too


def test_short_common_answers_are_not_evidence():
    """Ten learners answer a one-line exercise alike; two share a long passage of their own."""
    stub = "def g(a, b):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    obvious = "def g(a, b):\n    return a / (1 + b)\n"
    long_answer = "def g(a, b):\n" + "".join(
        f"    t{i} = a * {i} + b ** {i} - max(a, {i})\n" for i in range(8)) + "    return t7\n"
    cells = {f"s{i}": {"g": obvious} for i in range(10)}
    cells["s3"] = {"g": long_answer}
    cells["s7"] = {"g": re.sub(r"\bt(\d)", r"u\1", long_answer)}
    pairs = similar_pairs(cells, {"g": stub})
    assert [pair["students"] for pair in pairs] == [["s3", "s7"]]
    assert own_tokens(normalized_tokens(obvious), normalized_tokens(stub))[:1] == ["return"]


@pytest.mark.slow
def test_instructor_notebook_goes_from_a_mistake_to_its_submissions(graded, root, tmp_path):
    """instructor/class_insight.ipynb, run in a kernel on the prepared class: the first mistake
    listed is the costliest, and its view names who made it and shows their cells."""
    from autograder.execution import execute_notebook
    notebook = json.loads((root / "instructor" / "class_insight.ipynb").read_text())
    settings = next(cell for cell in notebook["cells"]
                    if "REPORTS = None" in "".join(cell["source"]))
    settings["source"] = (f"REPORTS = {str(graded['base'] / 'reports')!r}\n"
                          f"GRADEBOOK = {graded['gradebook']!r}\n")
    path = tmp_path / "class_insight.ipynb"
    path.write_text(json.dumps(notebook))
    executed = execute_notebook(path, cwd=tmp_path)
    outputs = []
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            outputs.append(output.get("text", "") + json.dumps(output.get("data", {})))
    text = "\n".join(outputs)
    assert "2 graded assignment(s)" in text
    assert "dov" in text and "missed \u201cuse the seed argument" in text
    view = next(o for o in outputs if "Xavier" in o)
    for student in planted.SCALE_XAVIER:
        assert student in view
    assert "np.sqrt(1.0 / layers_dims[l - 1])" in view
    assert re.search(r"initialization +11 submitted, mean [\d.]+%, 1 similar pair", text)


@pytest.mark.slow
def test_formgrader_scores_late_work_and_review_flags_are_read(graded, tmp_path):
    """A grader's manual score in the gradebook counts; late work and review flags are
    statuses with names."""
    import shutil

    from autograder.gradebook import open_gradebook
    from autograder.insight import build_insight
    shutil.copytree(graded["base"] / "reports", tmp_path / "reports")
    shutil.copy(graded["base"] / "gradebook.db", tmp_path / "gradebook.db")
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    gradebook = open_gradebook(url)
    try:
        grade = gradebook.find_grade("test_initialize_parameters_he", "initialization",
                                     "initialization", "ben")
        grade.manual_score = 1.5  # partial credit for the Xavier scaling
        gradebook.db.commit()
    finally:
        gradebook.close()
    path = tmp_path / "reports" / "initialization.json"
    report = json.loads(path.read_text())
    for entry in report["students"]:
        if entry["student"] == "ivy":
            entry["seconds_late"] = 3600.0
        if entry["student"] == "jon":
            entry["review"] = True
    path.write_text(json.dumps(report))
    insight = build_insight(ROOT, "initialization", tmp_path / "reports", url,
                            submissions=tmp_path / "moved")
    facts = insight["assignments"][0]
    assert facts["notes"] == [f"{tmp_path / 'moved'}: no such submissions folder, so no graded "
                              "cell is shown or compared (pass --submissions DIR)"]
    assert facts["scores"]["ben"]["score"] == 1.5
    assert facts["scores"]["cai"]["score"] == 0.0
    assert facts["status_students"]["late"] == ["ivy"]
    assert facts["status_students"]["flagged_for_review"] == ["jon"]
