"""The course on JupyterHub, end to end, on loopback, with real Unix accounts made for the run.

deploy/jupyterhub/jupyterhub_config.py runs as it would on a machine (PAM logins,
LocalProcessSpawner, configurable-http-proxy, nbgrader's exchange): the instructor releases an
assignment from formgrader; three students log in with their passwords, list and fetch it through
the Assignments tab's REST API (the first in the tab itself, in Chromium, where it is here), work
on it (one right, one with a catalogued mistake, one after the due date) and submit; the
instructor collects, grades with `course grade`, changes a score and adds a comment in formgrader
and releases feedback; each student fetches feedback and finds their own page; a regrade keeps
the change; `course export --format canvas` shows the late penalty and the manual change.

Needs root (it runs `useradd`) and the environments of `deploy/jupyterhub/install` (default
/opt/improving-deep-nets-hub, or COURSE_HUB_PREFIX); skipped, with the reason, otherwise.
"""

import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "jupyterhub"
PREFIX = Path(os.environ.get("COURSE_HUB_PREFIX", "/opt/improving-deep-nets-hub"))
COURSE_ID = "improving-deep-nets"  # as in the course's nbgrader_config.py
ASSIGNMENT = "initialization"
HTTP_SECONDS = 120  # any one request (fetch, submit and formgrader pages do real work)
START_SECONDS = 120  # the hub, or a user's server, to answer
COMMAND_SECONDS = 600  # any one command an instructor runs (grading included)


def _why_not():
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "creates Unix accounts: run as root (CI does)"
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        return "needs useradd and runuser (Debian's passwd and util-linux)"
    for path in ("hub/bin/jupyterhub", "student/bin/jupyterhub-singleuser",
                 "instructor/bin/course", "proxy/node_modules/.bin/configurable-http-proxy"):
        if not (PREFIX / path).exists():
            return (f"{PREFIX / path} is missing: run `deploy/jupyterhub/install {PREFIX}` "
                    "first")
    return None


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(_why_not() is not None, reason=str(_why_not()))]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command, timeout=COMMAND_SECONDS, check=True, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


# ---------------------------------------------------------------------------------------------
# Accounts and the hub

class Accounts:
    """Unix accounts made for the run, removed with everything they started."""

    def __init__(self, homes):
        self.homes = homes
        self.names = []
        self.passwords = {}

    def add(self, name):
        home = self.homes / name
        run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
             "--user-group", name], timeout=60)
        self.names.append(name)
        password = secrets.token_urlsafe(16)
        run(["chpasswd"], input=f"{name}:{password}\n", timeout=60)
        self.passwords[name] = password
        return name

    def processes(self):
        uids = {int(run(["id", "-u", name], check=False).stdout or -1) for name in self.names}
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid in uids:
                        found.append(int(entry.name))
                except FileNotFoundError:
                    pass
        return found

    def remove(self):
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for name in self.names:
            run(["userdel", "--remove", "--force", name], check=False, timeout=60)


class Hub:
    def __init__(self, base, instructor, students, course_dir):
        self.base = base
        self.state = base / "state"
        self.exchange = base / "exchange"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = base / "jupyterhub.log"
        self.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base),
            "COURSE_HUB_PREFIX": str(PREFIX), "COURSE_ID": COURSE_ID,
            "COURSE_EXCHANGE": str(self.exchange), "COURSE_HUB_STATE": str(self.state),
            "COURSE_INSTRUCTOR": instructor, "COURSE_DIR": str(course_dir),
            "COURSE_STUDENTS": ",".join(students), "COURSE_HUB_URL": self.url,
            "COURSE_HUB_API_PORT": str(free_port()), "COURSE_PROXY_API_PORT": str(free_port()),
        }
        self.process = None

    def start(self):
        import requests
        self.state.mkdir()
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [str(PREFIX / "hub/bin/jupyterhub"), "-f", str(DEPLOY / "jupyterhub_config.py")],
                cwd=self.state, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"jupyterhub exited {self.process.returncode}:\n"
                                     f"{self.tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"jupyterhub did not answer within {START_SECONDS} s:\n{self.tail()}")

    def tail(self, lines=60):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the hub stops the users' servers
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


class Browser:
    """One person's session on the hub: logged in with their password, as in the login form."""

    def __init__(self, hub, name, password):
        import requests
        self.hub, self.name = hub, name
        self.session = requests.Session()
        page = self.session.get(f"{hub.url}/hub/login", timeout=HTTP_SECONDS)
        form_xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        answer = self.session.post(
            f"{hub.url}/hub/login", allow_redirects=False, timeout=HTTP_SECONDS,
            data={"username": name, "password": password,
                  "_xsrf": form_xsrf.group(1) if form_xsrf else ""})
        assert answer.status_code == 302, (
            f"{name} could not log in (HTTP {answer.status_code}):\n{hub.tail()}")

    def start_server(self):
        """Start this user's server through the hub (as the spawn page does) and open
        JupyterLab, which also signs the session in to the server."""
        self.session.get(f"{self.hub.url}/hub/spawn/{self.name}", timeout=HTTP_SECONDS)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            lab = self.session.get(f"{self.hub.url}/user/{self.name}/lab", timeout=HTTP_SECONDS)
            if lab.status_code == 200 and "jupyter-config-data" in lab.text:
                self.page_config = json.loads(re.search(
                    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                    lab.text, re.S).group(1))
                return self
            time.sleep(1)
        raise AssertionError(f"{self.name}'s server did not start within {START_SECONDS} s:\n"
                             f"{self.hub.tail()}")

    def request(self, method, path, **kwargs):
        """A request to this user's server, with the XSRF header JupyterLab sends."""
        xsrf = next((cookie.value for cookie in self.session.cookies
                     if cookie.name == "_xsrf" and cookie.path.startswith(f"/user/{self.name}")),
                    None)
        headers = {"X-XSRFToken": xsrf} if xsrf else {}
        answer = self.session.request(method, f"{self.hub.url}/user/{self.name}/{path}",
                                      headers=headers, timeout=HTTP_SECONDS, **kwargs)
        return answer

    def json(self, method, path, **kwargs):
        answer = self.request(method, path, **kwargs)
        assert answer.status_code in (200, 201), (
            f"{method} /user/{self.name}/{path}: HTTP {answer.status_code}: {answer.text[:2000]}")
        return answer.json()

    # The Assignments tab's calls (nbgrader's assignment_list server extension)
    def assignments(self):
        listing = self.json("GET", "assignments", params={"course_id": COURSE_ID})
        assert listing["success"], listing.get("value")
        return listing["value"]

    def assignment_action(self, action):
        listing = self.json("POST", f"assignments/{action}",
                            data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert listing.get("success", True), f"{action} for {self.name}: {listing.get('value')}"
        return listing.get("value")

    def read_notebook(self, path):
        return self.json("GET", f"api/contents/{path}", params={"content": "1"})["content"]

    def save_notebook(self, path, notebook):
        self.json("PUT", f"api/contents/{path}",
                  json={"type": "notebook", "format": "json", "content": notebook})


# ---------------------------------------------------------------------------------------------
# The Assignments tab itself, in Debian's Chromium (where it and Playwright are installed)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "test-artifacts" / "jupyterhub"


def browser_missing():
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def fetch_in_the_tab(hub, name, password):
    """Log in on the hub's page, open Nbgrader > Assignment List in JupyterLab and press the
    assignment's Fetch button, as a student does; screenshots of the tab before and after."""
    from playwright.sync_api import sync_playwright
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(HTTP_SECONDS * 1000)
            page.goto(f"{hub.url}/hub/login")
            page.fill("#username_input", name)
            page.fill("#password_input", password)
            page.click("#login_submit")
            page.goto(f"{hub.url}/user/{name}/lab")
            page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
            page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
            released = page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
            released.wait_for()
            page.screenshot(path=str(SCREENSHOTS / "assignments-tab-released.png"))
            released.get_by_role("button", name="Fetch").click()
            # Fetched: the assignment moves to the list with its Submit button.
            page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first \
                .get_by_role("button", name="Submit").wait_for()
            page.screenshot(path=str(SCREENSHOTS / "assignments-tab-fetched.png"))
        finally:
            chromium.close()


# ---------------------------------------------------------------------------------------------
# The students' work

def worked(notebook, mistake=None):
    """The fetched notebook with every solution cell answered by the reference solution; with
    ``mistake`` (grade_id, mutant), that cell carries the catalogued mistake instead."""
    from autograder.notebooks import grade_id_of, read_notebook, role_of
    from autograder.selftest import mutate
    from autograder.course import source_notebook

    reference = {grade_id_of(cell): "".join(cell["source"])
                 for cell in read_notebook(source_notebook(ASSIGNMENT, ROOT))["cells"]
                 if role_of(cell) == "solution"}
    for cell in notebook["cells"]:
        grade_id = grade_id_of(cell)
        if grade_id in reference and cell["cell_type"] == "code":
            cell["source"] = reference[grade_id]
            if mistake and grade_id == mistake[0]:
                cell["source"] = mutate(reference[grade_id], mistake[1])
    return notebook


def a_catalogued_mistake():
    """(solution grade_id, test grade_id, mistake, its mutant) of the assignment's first
    mutant."""
    from autograder.suite import load_suite
    for test in load_suite(ASSIGNMENT).tests.values():
        for name, mutant in test.mutants.items():
            return test.solution_id, test.grade_id, test.mistake(name), mutant
    raise AssertionError(f"{ASSIGNMENT} has no catalogued mutant")


# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def classroom():
    base = Path(tempfile.mkdtemp(prefix="course-hub-", dir="/tmp"))
    base.chmod(0o755)
    (base / "homes").mkdir(mode=0o755)
    tag = secrets.token_hex(2)
    accounts = Accounts(base / "homes")
    hub = None
    try:
        instructor = accounts.add(f"ins{tag}")
        students = [accounts.add(f"{who}{tag}") for who in ("ada", "bob", "cyd")]
        # The instructor's course directory: this checkout's files, owned by the instructor.
        course_dir = base / "homes" / instructor / COURSE_ID
        files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                    cwd=ROOT).stdout.split("\0")
        for name in files:
            if name and (ROOT / name).is_file():
                (course_dir / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, course_dir / name)
        run(["chown", "-R", f"{instructor}:{instructor}", str(course_dir)], timeout=60)
        hub = Hub(base, instructor, students, course_dir)
        hub.start()
        yield {"hub": hub, "accounts": accounts, "instructor": instructor,
               "students": students, "course_dir": course_dir, "base": base}
    finally:
        if hub is not None:
            hub.stop()
        accounts.remove()
        shutil.rmtree(base, ignore_errors=True)


def as_instructor(classroom, *command, check=True, input=None):
    """A command in the instructor's terminal: their account, their environment, the course
    directory (as the hub sets it for their server)."""
    hub, name = classroom["hub"], classroom["instructor"]
    environment = {"PATH": f"{PREFIX}/instructor/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                   "HOME": str(classroom["course_dir"].parent),
                   "COURSE_ROOT": str(classroom["course_dir"]),
                   "PYTHONPATH": str(classroom["course_dir"]),
                   "NBGRADER_COURSE_ID": COURSE_ID, "NBGRADER_EXCHANGE": str(hub.exchange),
                   "COURSE_PROGRESS": "0"}
    return run(["runuser", "-u", name, "--", "env", "-i",
                *[f"{key}={value}" for key, value in environment.items()], *command],
               cwd=classroom["course_dir"], check=check, input=input)


def test_a_class_round_on_jupyterhub(classroom):
    hub, students = classroom["hub"], classroom["students"]
    correct, mistaken, late = students
    course_dir = classroom["course_dir"]
    passwords = classroom["accounts"].passwords

    # The instructor's server: the instructor's environment, formgrader shown.
    teacher = Browser(hub, classroom["instructor"], passwords[classroom["instructor"]])
    teacher.start_server()
    disabled = teacher.page_config.get("disabledExtensions", [])
    assert "@jupyter/nbgrader:formgrader" not in disabled, disabled
    assert teacher.request("GET", "formgrader").status_code == 200

    # Release from formgrader, as its Release button does.
    released = teacher.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")
    assert released["success"], released.get("log") or released
    solution_id, test_id, mistake, mutant = a_catalogued_mistake()
    people = {}
    for name in students:
        person = people[name] = Browser(hub, name, passwords[name]).start_server()
        # The Assignments tab is there for students; the instructor's panels are not.
        disabled = person.page_config.get("disabledExtensions", [])
        assert "@jupyter/nbgrader:assignment-list" not in disabled, disabled
        assert "@jupyter/nbgrader:formgrader" in disabled, disabled
        extensions = [extension["name"] for extension in
                      person.page_config.get("federated_extensions", [])]
        assert "@jupyter/nbgrader" in extensions, extensions
        assert person.request("GET", "formgrader").status_code == 404
        # Listed, then fetched, through the tab's REST API.
        listed = person.assignments()
        assert [(entry["assignment_id"], entry["status"]) for entry in listed] == [
            (ASSIGNMENT, "released")], listed
        if name == correct and browser_missing() is None:
            fetch_in_the_tab(hub, name, passwords[name])  # the tab itself, in a browser
            listing = person.assignments()
        else:
            listing = person.assignment_action("fetch")
        fetched = next(entry for entry in listing if entry["status"] == "fetched")
        path = fetched["notebooks"][0]["path"]
        notebook = person.read_notebook(path)
        person.save_notebook(path, worked(notebook, (solution_id, mutant)
                                          if name == mistaken else None))
        if name == late:
            # Due now: the first two students submitted before, the third submits after. The
            # course's late policy (deadlines.toml in the course directory): 10% per started
            # hour.
            due = (datetime.now(timezone.utc) + timedelta(seconds=1)).replace(microsecond=0)
            as_instructor(classroom, "tee", str(course_dir / "deadlines.toml"), input=(
                '[policy]\nkind = "per_hour"\npenalty = 10\ncap = 50\n\n'
                f'[due]\n{ASSIGNMENT} = "{due.isoformat()}"\n'))
            time.sleep(max(0.0, (due - datetime.now(timezone.utc)).total_seconds() + 2))
        person.assignment_action("submit")
        statuses = [entry["status"] for entry in person.assignments()]
        assert "submitted" in statuses, statuses

    # The students' environment has no grader in it.
    def imports(module):
        return run(["runuser", "-u", correct, "--", str(PREFIX / "student/bin/python"), "-c",
                    f"import {module}"], check=False, cwd="/").returncode == 0
    assert imports("helpers.network") and not imports("autograder")

    # Collect and grade.
    as_instructor(classroom, "nbgrader", "collect", ASSIGNMENT)
    for name in students:
        assert (course_dir / "submitted" / name / ASSIGNMENT / "timestamp.txt").is_file()
    graded = as_instructor(classroom, "course", "grade", ASSIGNMENT, "--workers", "2",
                           "--quiet")
    report = json.loads((course_dir / "reports" / f"{ASSIGNMENT}.json").read_text())
    results = {entry["student"]: entry for entry in report["students"]}
    assert set(results) == set(students), graded.stdout
    assert results[correct]["score"] == results[correct]["max_score"] > 0, results[correct]
    failed = {cell["grade_id"]: cell for cell in results[mistaken]["cells"]}[test_id]
    assert failed["status"] != "passed" and failed["points"] < failed["max_points"], failed
    assert mistake.hint in failed["message"], failed
    late_entry = results[late]
    full = results[correct]["max_score"]
    assert results[correct].get("seconds_late", 0) == 0, results[correct]
    # Lateness from deadlines.toml and the exchange's timestamp: one started hour, 10%.
    assert late_entry["seconds_late"] > 0, late_entry
    assert late_entry["late_penalty"] == pytest.approx(0.1 * full), late_entry


    # Formgrader shows the scores; the instructor gives back the mistaken test's points.
    manage = teacher.request("GET", f"formgrader/manage_submissions/{ASSIGNMENT}")
    assert manage.status_code == 200, manage.text[:500]
    notebooks = teacher.json("GET", f"formgrader/api/submitted_notebooks/{ASSIGNMENT}/"
                                    f"{ASSIGNMENT}")
    by_student = {entry["student"]: entry for entry in notebooks}
    assert set(by_student) == set(students), notebooks
    assert not any(entry["needs_manual_grade"] for entry in notebooks), notebooks
    page = teacher.request("GET", f"formgrader/submissions/{by_student[mistaken]['id']}/")
    assert page.status_code == 200 and test_id in page.text, (
        f"formgrader's page of a submission: HTTP {page.status_code}")
    grades = teacher.json("GET", "formgrader/api/grades",
                          params={"submission_id": by_student[mistaken]["id"]})
    grade = next(entry for entry in grades if entry["name"] == test_id)
    changed = teacher.json("PUT", f"formgrader/api/grade/{grade['id']}",
                           data=json.dumps({"manual_score": grade["max_score"]}))
    assert changed["manual_score"] == grade["max_score"], changed
    comment = next(entry for entry in teacher.json(
        "GET", "formgrader/api/comments", params={"submission_id": by_student[mistaken]["id"]}))
    teacher.json("PUT", f"formgrader/api/comment/{comment['id']}",
                 data=json.dumps({"manual_comment": "Full marks: you explained it in class."}))

    # Feedback, released with nbgrader's own command, fetched by each student.
    as_instructor(classroom, "course", "feedback", ASSIGNMENT)
    as_instructor(classroom, "nbgrader", "release_feedback", ASSIGNMENT)
    for name, person in people.items():
        person.assignment_action("fetch_feedback")
        submissions = [submission for entry in person.assignments()
                       if entry["status"] == "submitted" for submission in entry["submissions"]]
        folders = [submission["local_feedback_path"] for submission in submissions
                   if submission.get("local_feedback_path")]
        assert folders, f"{name} has no feedback after fetching it: {submissions}"
        # The page as the student opens it from the file browser.
        page = person.request("GET", f"files/{folders[-1]}/{ASSIGNMENT}.html")
        assert page.status_code == 200, f"{name}'s feedback page: HTTP {page.status_code}"
        html = page.text
        assert name in html and all(other not in html for other in students
                                    if other != name), name
        if name == mistaken:
            assert "you explained it in class" in html, "the grader's comment"
            heading = re.search(r"<h1>(.*?)</h1>", html, re.S)
            assert heading and f"{full:g} / {full:g}" in heading.group(1), (
                f"the grader's change of score: {heading and heading.group(1)}")
        if name == late:
            # The report's sentence on lateness (capitalised on the page).
            assert late_entry["late_message"], late_entry
            assert escape(late_entry["late_message"][1:]) in html, "the lateness"

    # A regrade keeps the grader's change.
    as_instructor(classroom, "course", "grade", ASSIGNMENT, "--workers", "2", "--quiet")
    regraded = json.loads((course_dir / "reports" / f"{ASSIGNMENT}.json").read_text())
    counted = {entry["student"]: entry.get("final_score") for entry in regraded["students"]}
    assert counted[mistaken] == full and counted[late] == pytest.approx(0.9 * full), counted

    # Grades for the LMS: Canvas's import columns, the hub login as SIS Login ID, one column
    # per assignment titled as in course.toml.
    from autograder.course import assignments
    title = next(entry.title for entry in assignments(ROOT) if entry.name == ASSIGNMENT)
    exported = as_instructor(classroom, "course", "export", "--format", "canvas").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {"Student", "ID", "SIS User ID", "SIS Login ID", "Section", title} <= set(
        rows[0]), exported
    scores = {row["SIS Login ID"]: float(row[title]) for row in rows
              if row["SIS Login ID"] in students}
    assert scores[correct] == full, exported
    assert scores[mistaken] == full, exported  # the grader's change
    assert scores[late] == pytest.approx(0.9 * full, abs=1e-4), exported  # an hour late: 10%
