"""A class round trip through nbgrader's own tools: the exchange (release, fetch, submit,
collect), `course grade`, formgrader (its pages, Manual Grading, the Autograde button) over
HTTP on loopback, `course feedback`, `nbgrader release_feedback` and each student's
`fetch_feedback`, and `course export` in its three formats, with a due date, extensions and a
late student."""

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import classroom_course as cc
from autograder.execution import ipc_options
from test_browser import CHROMIUM, CHROMIUM_ARGS, _missing as _no_browser

ASSIGNMENT = cc.ASSIGNMENT
pytestmark = pytest.mark.slow  # a whole class through the exchange: a few minutes

HE = "test_initialize_parameters_he"
ZEROS = "test_initialize_parameters_zeros"
POLICY = {"kind": "per_day", "penalty": 10, "cap": 50}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, root):
    """alice (right) and bob (the untouched stub) have a 48-hour extension; carol (He scaled
    like Xavier) is about 30 hours late, which the per-day policy makes 2 started days: 20%
    of 4 points; dave's notebook was damaged before he submitted it."""
    base = tmp_path_factory.mktemp("classroom")
    course_dir, exchange = cc.run_class(base, root, {
        "alice": {}, "bob": None,
        "carol": {"initialize_parameters_he": cc.mutant(HE, "scale_xavier")},
        "dave": {}})
    damaged = course_dir / "submitted" / "dave" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    os.chmod(damaged, 0o644)
    damaged.write_text(damaged.read_text()[:500])  # cut short while saving
    cc.deadlines(course_dir, cc.hours_ago(30), POLICY, {"alice": 48, "bob": 48})
    done = cc.course("grade", ASSIGNMENT, "--quiet", "--workers", "2", course_dir=course_dir)
    return {"base": base, "course": course_dir, "exchange": exchange, "grade": done,
            "report": cc.report(course_dir)}


def formgrader_api(course_dir, exchange):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    config.Exchange.root = str(exchange)
    return NbGraderAPI(config=config)


def test_grading_prints_no_sqlalchemy_warnings(graded):
    assert "SAWarning" not in graded["grade"].stderr
    assert "Traceback" not in graded["grade"].stderr


def test_formgrader_lists_every_student_as_autograded_with_scores(graded):
    report = graded["report"]
    api = formgrader_api(graded["course"], graded["exchange"])
    submissions = {s["student"]: s for s in api.get_submissions(ASSIGNMENT)}
    assert sorted(submissions) == ["alice", "bob", "carol", "dave"]
    for student, submission in submissions.items():
        assert submission["autograded"], student
        assert not submission["needs_manual_grade"], student
        assert submission["timestamp"] is not None, student
        assert submission["score"] == report[student]["score"], student
    notebooks = api.get_notebook_submissions(ASSIGNMENT, ASSIGNMENT)
    assert sorted(n["student"] for n in notebooks) == ["alice", "bob", "carol", "dave"]


def test_report_records_submission_times_and_lateness(graded):
    report = graded["report"]
    carol = report["carol"]
    assert carol["score"] == 2 and carol["late_penalty"] == pytest.approx(0.8)
    assert carol["final_score"] == pytest.approx(1.2)
    assert 29 * 3600 < carol["seconds_late"] < 32 * 3600
    assert "20%" in carol["late_message"]
    for student in ("alice", "bob"):  # their extension covers the submission
        assert report[student]["late_penalty"] == 0 and report[student]["seconds_late"] == 0
        assert report[student]["submitted_at"] and report[student]["due"] > carol["due"]
    assert report["dave"]["status"] == "not_json"


def test_late_penalty_reaches_nbgrader_gradebook(graded):
    from autograder.gradebook import open_gradebook
    gradebook = open_gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}",
                               graded["course"])
    try:
        carol = gradebook.find_submission(ASSIGNMENT, "carol")
        assert carol.late_submission_penalty == pytest.approx(0.8)
        assert carol.total_seconds_late > 29 * 3600
        assert gradebook.find_assignment(ASSIGNMENT).duedate is not None
    finally:
        gradebook.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Formgrader:
    """A Jupyter server with nbgrader's formgrader, on loopback, in the course directory."""

    def __init__(self, course_dir, exchange, scratch):
        self.port, self.token = free_port(), "classroom-test-token"
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "jupyter", "server", "--no-browser",
                   f"--ServerApp.root_dir={course_dir}", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", f"--IdentityProvider.token={self.token}",
                   "--ServerApp.jpserver_extensions="
                   "{'nbgrader.server_extensions.formgrader': True}",
                   f"--Exchange.root={exchange}", *ipc_options(scratch)]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(scratch / "formgrader.log", "w")
        self.process = subprocess.Popen(command, cwd=course_dir, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        while True:  # the server answers, or it exited (then the log says why)
            if self.process.poll() is not None:
                raise RuntimeError((scratch / "formgrader.log").read_text()[-3000:])
            try:
                self.request("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read().decode()

    def json(self, method, path, body=None):
        return json.loads(self.request(method, path, body)[1])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def formgrader(graded):
    server = Formgrader(graded["course"], graded["exchange"], graded["base"])
    yield server
    server.stop()


def submission_ids(formgrader):
    notebooks = formgrader.json("GET", f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/"
                                       f"{ASSIGNMENT}")
    return {n["student"]: n["id"] for n in notebooks}


def test_formgrader_pages_show_our_scores(formgrader, graded):
    listed = formgrader.json("GET", f"/formgrader/api/submissions/{ASSIGNMENT}")
    assert {s["student"]: (s["autograded"], s["score"]) for s in listed} == {
        student: (True, entry["score"]) for student, entry in graded["report"].items()}
    for student, submission_id in submission_ids(formgrader).items():
        status, page = formgrader.request("GET", f"/formgrader/submissions/{submission_id}/")
        assert status == 200, student
        if student == "carol":
            assert "Xavier" in page  # our verdict, shown under the test cell


@pytest.fixture(scope="module")
def hand_graded(formgrader, graded):
    """In Manual Grading, bob's zeros test is given 0.5 points and a comment; then the class
    is graded again, feedback written and released through the exchange."""
    course_dir = graded["course"]
    bob = submission_ids(formgrader)["bob"]
    grades = formgrader.json("GET", f"/formgrader/api/grades?submission_id={bob}")
    grade = next(g for g in grades if g["name"] == ZEROS)
    formgrader.json("PUT", f"/formgrader/api/grade/{grade['id']}", {"manual_score": 0.5})
    comments = formgrader.json("GET", f"/formgrader/api/comments?submission_id={bob}")
    comment = next(c for c in comments if c["name"] == "initialize_parameters_zeros")
    formgrader.json("PUT", f"/formgrader/api/comment/{comment['id']}",
                    {"manual_comment": "Right idea: the biases are zeros of shape (n_l, 1)."})
    regrade = cc.course("grade", ASSIGNMENT, "--quiet", "--workers", "2", course_dir=course_dir)
    feedback = cc.course("feedback", ASSIGNMENT, course_dir=course_dir)
    cc.nbgrader("release_feedback", ASSIGNMENT, cwd=course_dir, exchange=graded["exchange"])
    return {"regrade": regrade, "feedback": feedback, "report": cc.report(course_dir)}


def test_a_manual_change_survives_a_regrade_and_reaches_the_report(hand_graded):
    bob = hand_graded["report"]["bob"]
    cell = next(c for c in bob["cells"] if c["grade_id"] == ZEROS)
    assert (cell["points"], cell["manual_points"]) == (0, 0.5)
    assert bob["final_score"] == 0.5
    assert "biases are zeros" in bob["comments"]["initialize_parameters_zeros"]
    assert "bob                      0.5/4" in hand_graded["regrade"].stdout


def test_feedback_shows_the_manual_change_and_the_late_penalty(hand_graded, graded):
    feedback = graded["course"] / "feedback"
    bob = (feedback / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "0.5 / 4" in bob and "changed by your grader" in bob and "biases are zeros" in bob
    carol = (feedback / "carol" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "1.2 / 4" in carol and "after the due date" in carol and "0.8 points" in carol


def test_formgrader_generate_feedback_writes_our_page(formgrader, hand_graded, graded):
    folder = graded["course"] / "feedback" / "bob" / ASSIGNMENT
    page = folder / f"{ASSIGNMENT}.html"
    page.unlink()
    answer = formgrader.json("POST", f"/formgrader/api/assignment/{ASSIGNMENT}/bob/"
                                     "generate_feedback")
    assert answer["success"], answer
    text = page.read_text()
    assert "Feedback for bob." in text and "changed by your grader" in text
    assert "hidden_test" not in text
    assert (folder / "submission_secret.txt").is_file() and (folder / "timestamp.txt").is_file()


def test_feedback_reaches_each_student_through_the_exchange(hand_graded, graded):
    base, exchange = graded["base"], graded["exchange"]
    for student in ("alice", "bob", "carol", "dave"):
        cc.student_nbgrader(base, student, "fetch_feedback", ASSIGNMENT, exchange=exchange)
        pages = list((cc.student_home(base, student) / ASSIGNMENT / "feedback").rglob("*.html"))
        assert len(pages) == 1, student
        text = pages[0].read_text()
        assert f"Feedback for {student}." in text, student
    assert "could not be read" in pages[0].read_text()  # dave's damaged notebook


def read_csv(text):
    return list(csv.reader(io.StringIO(text)))


def test_export_formats_carry_late_penalty_and_manual_change(hand_graded, graded):
    course_dir = graded["course"]
    plain = {row[0]: row for row in read_csv(cc.course("export", course_dir=course_dir).stdout)}
    assert plain["student"] == ["student", "assignment", "score", "max_score"]
    assert float(plain["bob"][2]) == 0.5 and float(plain["carol"][2]) == pytest.approx(1.2)

    canvas = read_csv(cc.course("export", "--format", "canvas", course_dir=course_dir).stdout)
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         "Weight initialization"]
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "4"
    rows = {row[3]: row for row in canvas[2:]}
    assert (rows["carol"][5], rows["bob"][5], rows["alice"][5]) == ("1.2", "0.5", "4")

    long = read_csv(cc.course("export", "--format", "long", course_dir=course_dir).stdout)
    header, rows = long[0], [dict(zip(long[0], row)) for row in long[1:]]
    assert header[:6] == ["student", "assignment", "grade_id", "points", "max_points", "status"]
    assert len(rows) == 4 * 3
    bob = next(r for r in rows if r["student"] == "bob" and r["grade_id"] == ZEROS)
    assert (bob["points"], bob["auto_points"], bob["manual_adjustment"]) == ("0.5", "0", "0.5")
    carol = next(r for r in rows if r["student"] == "carol" and r["grade_id"] == HE)
    assert (carol["status"], carol["late_penalty"]) == ("failed", "0.8")
    dave = next(r for r in rows if r["student"] == "dave")
    assert dave["status"] == "not_run"


def test_export_to_a_file_is_written_whole(graded, tmp_path):
    output = tmp_path / "canvas.csv"
    cc.course("export", "--format", "canvas", "--output", str(output), course_dir=graded["course"])
    assert read_csv(output.read_text())[0][0] == "Student"
    assert not list(tmp_path.glob("*.partial"))


def test_formgrader_autograde_button_runs_our_grader(formgrader, graded, hand_graded):
    answer = formgrader.json("POST", f"/formgrader/api/submission/{ASSIGNMENT}/carol/autograde")
    assert answer["success"], answer
    assert "GradeWithCourse" in answer["log"] and "carol" in answer["log"]
    report = cc.report(graded["course"])
    assert report["carol"]["score"] == 2 and report["carol"]["sandbox"] == "bubblewrap"
    assert report["bob"]["final_score"] == 0.5  # the others keep their entries
    notebook = json.loads((graded["course"] / "autograded" / "carol" / ASSIGNMENT /
                           f"{ASSIGNMENT}.ipynb").read_text())
    outputs = "".join("".join(o.get("text", "")) for c in notebook["cells"]
                      for o in c.get("outputs", []))
    assert "Xavier" in outputs  # our verdicts, not stock's re-execution
    assert "hidden_test" not in json.dumps(notebook)  # stock Generate Feedback may print it


def test_formgrader_autograde_button_refuses_without_the_sandbox(graded, tmp_path):
    server = None
    env = dict(os.environ)
    os.environ["COURSE_SANDBOX"] = "off"  # the server and the `course grade` it starts
    try:
        server = Formgrader(graded["course"], graded["exchange"], tmp_path)
        answer = server.json("POST", f"/formgrader/api/submission/{ASSIGNMENT}/alice/autograde")
    finally:
        os.environ.clear()
        os.environ.update(env)
        if server is not None:
            server.stop()
    assert not answer["success"]
    said = answer["log"] + answer.get("error", "")
    assert "refusing to grade without the sandbox" in said and "course grade" in said
    report = cc.report(graded["course"])
    assert report["alice"]["final_score"] == 4  # nothing stock was recorded
    cc.course("grade", ASSIGNMENT, "--student", "alice", "--quiet", course_dir=graded["course"])
    api = formgrader_api(graded["course"], graded["exchange"])
    assert all(s["autograded"] for s in api.get_submissions(ASSIGNMENT))


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "classroom"


@pytest.mark.browser
@pytest.mark.skipif(_no_browser() is not None, reason=str(_no_browser()))
def test_screenshots_of_formgrader_and_feedback_pages(formgrader, graded, hand_graded):
    """Formgrader's submission list and Manual Grading list with our scores, and the feedback
    pages of a failed test (carol) and an unreadable notebook (dave), saved under
    test-artifacts/classroom/."""
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    feedback = graded["course"] / "feedback"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(  # formgrader's pages call its API with the token
                viewport={"width": 1280, "height": 800},
                extra_http_headers={"Authorization": f"token {formgrader.token}"})
            page = context.new_page()
            page.goto(f"{formgrader.url}/formgrader/manage_submissions/{ASSIGNMENT}")
            page.wait_for_selector("text=carol", timeout=60_000)
            assert page.locator("text=needs autograding").count() == 0
            page.screenshot(path=str(ARTIFACTS / "formgrader-submissions.png"), full_page=True)
            page.goto(f"{formgrader.url}/formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
            page.wait_for_selector("text=carol", state="attached", timeout=60_000)  # names hidden
            assert page.locator("text=No data available in table").count() == 0
            page.screenshot(path=str(ARTIFACTS / "formgrader-manual-grading.png"),
                            full_page=True)
            page.goto(f"{formgrader.url}/formgrader/submissions/"
                      f"{submission_ids(formgrader)['carol']}/")
            page.wait_for_selector("text=Xavier", timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "formgrader-carol.png"), full_page=True)
            for student, name in (("carol", "feedback-failed-test"),
                                  ("dave", "feedback-unreadable-notebook")):
                page.goto((feedback / student / ASSIGNMENT / f"{ASSIGNMENT}.html").as_uri())
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    for name in ("formgrader-submissions", "formgrader-manual-grading", "formgrader-carol",
                 "feedback-failed-test", "feedback-unreadable-notebook"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000, name
