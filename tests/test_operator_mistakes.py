"""An operator's mistakes get one sentence saying what is wrong and what to do: no traceback,
a non-zero exit when nothing was graded, and no file left behind. Also where `course` looks
for its course directory."""

import os
import shutil
import subprocess
import sys

import pytest

import submissions

ASSIGNMENT = "initialization"


def course(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


def one_clear_sentence(done):
    assert done.returncode != 0, done.stdout + done.stderr
    message = done.stderr.strip()
    assert "Traceback" not in done.stderr and "\n" not in message, done.stderr
    return message


@pytest.fixture
def folder(tmp_path):
    """A submissions folder with one correct submission, and where reports would go."""
    submitted = tmp_path / "submitted"
    submissions.write_submission(submitted / "alice" / ASSIGNMENT, ASSIGNMENT)
    return tmp_path


def grade(folder, root, *extra, env=None):
    return course("--course", str(root), "grade", ASSIGNMENT, "--submissions",
                  str(folder / "submitted"), "--report", str(folder / "report.json"),
                  "--quiet", *extra, cwd=folder, env=env)


def nothing_left_behind(folder):
    left = sorted(p.name for p in folder.iterdir() if p.name != "submitted")
    assert left == [], left


@pytest.mark.parametrize("url, expected", [
    ("nonsense", "is not a database URL"),
    ("foo://bar", "'foo' is not a database SQLAlchemy knows"),
    ("postgresql://grader@127.0.0.1:1/gradebook", "cannot open the gradebook"),
    ("sqlite:////no/such/folder/gradebook.db", "cannot open the gradebook"),
])
def test_bad_or_unreachable_gradebook(folder, root, url, expected):
    message = one_clear_sentence(grade(folder, root, "--gradebook", url))
    assert expected in message and message.startswith("course grade: --gradebook")
    nothing_left_behind(folder)


def test_unreachable_scheduler_is_a_bounded_wait(folder, root):
    done = grade(folder, root, "--scheduler", "tcp://127.0.0.1:1", "--scheduler-timeout", "1",
                 "--gradebook", f"sqlite:///{folder / 'gradebook.db'}")
    message = one_clear_sentence(done)
    assert "no Dask scheduler answered within 1 s" in message and "dask scheduler" in message
    nothing_left_behind(folder)


def test_empty_submissions_folder(tmp_path, root):
    (tmp_path / "submitted").mkdir()
    done = course("--course", str(root), "grade", ASSIGNMENT, "--submissions",
                  str(tmp_path / "submitted"), cwd=tmp_path)
    message = one_clear_sentence(done)
    assert "no submissions of initialization" in message and "nbgrader collect" in message
    (tmp_path / "submitted" / "bob").mkdir()  # a student folder without the assignment
    message = one_clear_sentence(course("--course", str(root), "grade", ASSIGNMENT,
                                        "--submissions", str(tmp_path / "submitted"),
                                        cwd=tmp_path))
    assert "1 student folder(s), none with initialization/" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submitted"]


def test_missing_sandbox_refuses_unless_told(folder, root):
    off = {"COURSE_SANDBOX": "off"}
    gradebook = f"sqlite:///{folder / 'gradebook.db'}"
    message = one_clear_sentence(grade(folder, root, "--gradebook", gradebook, env=off))
    assert "refusing to grade without the sandbox" in message
    assert "apt-get install bubblewrap" in message and "--no-sandbox" in message
    nothing_left_behind(folder)

    done = grade(folder, root, "--gradebook", gradebook, "--no-sandbox", env=off)
    assert done.returncode == 0, done.stderr
    assert "NO SANDBOX" in done.stderr and "alice                    4/4" in done.stdout


def test_an_unreadable_deadlines_file_is_named(tmp_path, root):
    course_dir = tmp_path / "course"
    course_dir.mkdir()
    for name in ("course.toml", "nbgrader_config.py"):
        shutil.copy(root / name, course_dir / name)
    (course_dir / "deadlines.toml").write_text('[policy]\nkind = "weekly"\n')
    submissions.write_submission(course_dir / "submitted" / "alice" / ASSIGNMENT, ASSIGNMENT)
    message = one_clear_sentence(course("grade", ASSIGNMENT, cwd=course_dir))
    assert "deadlines.toml: [policy] kind must be one of none, per_hour, per_day, zero_after" \
        in message


def test_run_outside_a_course_directory_says_so(tmp_path):
    message = one_clear_sentence(course("grade", ASSIGNMENT, cwd=tmp_path))
    assert f"{tmp_path} is not inside a course directory" in message
    assert "--course DIR" in message
    message = one_clear_sentence(course("--course", str(tmp_path), "export", cwd=tmp_path))
    assert "is not a course directory (no course.toml there)" in message


def test_the_course_directory_is_found_from_a_subfolder(root, tmp_path):
    course_dir = tmp_path / "course"
    (course_dir / "source" / "deep").mkdir(parents=True)
    for name in ("course.toml", "nbgrader_config.py"):
        shutil.copy(root / name, course_dir / name)
    env = {"COURSE_ROOT": ""}
    done = course("export", cwd=course_dir / "source" / "deep", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["student,assignment,score,max_score"]
    assert (course_dir / "gradebook.db").is_file()  # this course's gradebook, not the checkout's
