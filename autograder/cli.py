"""`course`: the instructor's command line.

    course build                 regenerate the .ipynb notebooks from their text twins
    course release               regenerate release/ from source/ with nbgrader
    course grade ASSIGNMENT      grade submitted/<student>/ASSIGNMENT/, write gradebook + report
    course feedback ASSIGNMENT   write feedback/<student>/ASSIGNMENT/*.html from the report
    course export                write every student's scores as CSV
    course check                 prove the course is sound (see `course check --help`)
    course report [ASSIGNMENT]   what the class got wrong: reports/class-ASSIGNMENT.html + .json
    course bundle DIR            write the student edition (no solutions) into DIR
"""

import argparse
import csv
import os
import sys
from pathlib import Path

from autograder.course import assignment_names, find_course_root
from autograder.running import Limits


def _report_path(args, root):
    from autograder.report import default_report_path
    return Path(args.report) if args.report else default_report_path(root, args.assignment)


def _known_assignment(name, root):
    names = assignment_names(root)
    if name not in names:
        raise SystemExit(f"course: unknown assignment {name!r}; the course has: "
                         f"{', '.join(names)} (see course.toml)")


def cmd_build(args, root):
    from autograder.release import build_all, edited_message
    stale, edited = build_all(root, check=args.check, force=args.force)
    for path in edited:
        print(f"course: {edited_message(path, root)}", file=sys.stderr)
    if args.check and stale:
        for path in stale:
            print(f"out of date: {path.relative_to(root)} (run `course build`)")
        return 1
    if not args.quiet:
        print("\n".join(f"built {p.relative_to(root)}" for p in stale) if stale else
              "notebooks are up to date" if not edited else "no notebook was built")
    return 1 if edited else 0


def cmd_release(args, root):
    from autograder.release import build_all, edited_message, generate_release
    for name in args.assignments:
        _known_assignment(name, root)
    _, edited = build_all(root)
    if edited:
        for path in edited:
            print(f"course: {edited_message(path, root)}", file=sys.stderr)
        print("course: release/ was not regenerated; settle the edited notebooks first.",
              file=sys.stderr)
        return 1
    try:
        generate_release(root, args.assignments or None)
    except RuntimeError as error:
        raise SystemExit(f"course release: {error}") from None
    print(f"release/ regenerated for {', '.join(args.assignments or assignment_names(root))}")
    return 0


def _progress(total, quiet):
    from tqdm import tqdm
    return tqdm(total=total, desc="grading", unit="submission", disable=quiet, file=sys.stderr)


BOUND_LIMITS = {"processes": "processes", "disk": "disk_mb", "memory": "memory_mb",
                "cpu": "cpu_seconds", "cores": "cpus"}  # bound -> its field of Limits


def _bounds_on_this_host(sandboxed, how):
    """bound -> (enforced, how or why not); prints a loud warning for each one that does not
    hold here."""
    from autograder.confine import enforcement
    from autograder.sandbox import processes_bound, runs_as_root
    bounds = enforcement(None if sandboxed else how, processes_bound())
    if sandboxed and runs_as_root():
        print(f"WARNING: the sandbox runs as root: {runs_as_root()}. Make the Python "
              "installation and the course readable by that user.", file=sys.stderr)
    for name, (enforced, text) in bounds.items():
        if not enforced:
            print(f"WARNING: the {name} bound does not hold on this host: {text}. One "
                  "submission can take that from the whole class's grading.", file=sys.stderr)
    return bounds


def _sandbox_starter():
    """Which host user starts the sandbox: the grader user, this user, or root and why."""
    from autograder.confine import grader_user
    from autograder.sandbox import runs_as_root
    if runs_as_root():
        return f"root ({runs_as_root()})"
    user = grader_user()
    return user[2] if user else "this user"


def cmd_grade(args, root):
    import threading

    from autograder import preflight
    from autograder.classroom import apply_lateness, write_autograded
    from autograder.course import source_notebook
    from autograder.gradebook import merge_grader_changes, record, sync_assignment
    from autograder.grading import grade_class, submissions_in
    from autograder.judging import ReferenceFailure
    from autograder.late import DeadlineError, load_deadlines
    from autograder.notebooks import read_notebook
    from autograder.report import Journal, ReportError, previous_results, with_results, \
        write_report
    from autograder.sandbox import availability

    _known_assignment(args.assignment, root)
    for option, value, least in (("--processes", args.processes, 4),
                                 ("--disk-mb", args.disk_mb, 1),
                                 ("--cpu-seconds", args.cpu_seconds, 1),
                                 ("--cpus", args.cpus, 0.1)):
        if value < least:
            raise SystemExit(f"course grade: {option} must be at least {least:g} (got {value:g})")
    submissions = Path(args.submissions) if args.submissions else root / "submitted"
    try:
        work = submissions_in(submissions, args.assignment)
        if args.student:
            work = [(student, folder) for student, folder in work if student == args.student]
            if not work:
                raise preflight.OperatorError(f"no folder {submissions / args.student}; "
                                              "--student names a folder under the submissions")
        preflight.submissions_present(submissions, args.assignment, work)
        deadlines = load_deadlines(root)
        sandboxed, how = availability()
        preflight.sandbox_allowed(sandboxed, how, args.no_sandbox)
        if args.scheduler:
            preflight.scheduler_reachable(args.scheduler, args.scheduler_timeout)
        gradebook = preflight.open_gradebook_or_explain(args.gradebook, root)
    except FileNotFoundError as error:
        raise SystemExit(f"course grade: {error}")
    except (preflight.OperatorError, DeadlineError) as error:
        raise SystemExit(f"course grade: {error}")
    total = len(work)
    folders = dict(work)
    asked = Limits(cell_seconds=args.cell_timeout, total_seconds=args.total_timeout,
                   memory_mb=args.memory_mb, output_chars=args.output_chars,
                   processes=args.processes, disk_mb=args.disk_mb,
                   cpu_seconds=args.cpu_seconds, cpus=args.cpus)
    limits = asked.for_suite(args.assignment)
    if limits.memory_mb != asked.memory_mb:
        print(f"WARNING: assignment {args.assignment} needs {limits.memory_mb} MB of address "
              f"space per process (its workers import a framework): they get "
              f"{limits.memory_mb} MB, not --memory-mb {args.memory_mb}.", file=sys.stderr)
    bounds = _bounds_on_this_host(sandboxed, how)
    if not sandboxed:
        print(f"WARNING: NO SANDBOX: {how}. Submissions run unconfined: they can read source/ "
              "(the reference solutions), other submissions and the gradebook, and write "
              "wherever this user can. Do not grade untrusted submissions like this.",
              file=sys.stderr)
    path = _report_path(args, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        previous = previous_results(path, args.assignment) if args.resume else {}
    except ReportError as error:
        raise SystemExit(f"course grade --resume: {error}")
    source = read_notebook(source_notebook(args.assignment, root))
    sync_assignment(gradebook, args.assignment, source)
    gradebook_due = gradebook.find_assignment(args.assignment).duedate
    if args.assignment in deadlines.due:  # nbgrader's tools (collect, formgrader) see it too
        gradebook.update_or_create_assignment(args.assignment,
                                              duedate=deadlines.due[args.assignment])
    bar = _progress(total, args.quiet)
    lock = threading.Lock()
    journal = Journal(path, resume=args.resume)

    def on_result(result):  # this process is the gradebook's only writer, one result at a time
        with lock:
            submitted = apply_lateness(result, folders.get(result.student), deadlines,
                                       gradebook_due)
            record(gradebook, result, submitted)
            merge_grader_changes(gradebook, result)
            write_autograded(submissions.parent / "autograded", result, source,
                             folders.get(result.student))
            journal.write(result)
            bar.update(1)

    try:
        results = grade_class(args.assignment, submissions, root, workers=args.workers,
                              limits=limits, full=args.full, on_result=on_result,
                              scheduler=args.scheduler, previous=previous,
                              students=args.student and [args.student])
    except ReferenceFailure as error:
        raise SystemExit(f"course grade: the course is broken, nothing was graded: {error}")
    finally:
        bar.close()
        gradebook.close()
        journal.close()
    graded_now = results
    if args.student:  # one student regraded: the others keep their earlier entries
        try:
            earlier = previous_results(path, args.assignment, with_journal=False)
        except ReportError as error:
            raise SystemExit(f"course grade --student: {error}; this run's results are in "
                             f"{journal.path}")
        earlier.update({result.student: result for result in results})
        results = sorted(earlier.values(), key=lambda result: result.student)
    report = {"assignment": args.assignment, "submissions": str(submissions),
              "sandbox": how if sandboxed else f"NONE: {how}",
              "bounds": {name: {"limit": getattr(limits, key), "enforced": bounds[name][0],
                                "how": bounds[name][1]} for name, key in BOUND_LIMITS.items()},
              "sandbox_started_by": _sandbox_starter() if sandboxed else None,
              "late_policy": deadlines.policy.describe(),
              "gradebook": preflight.reusable_url(args.gradebook)}
    write_report(path, with_results(report, results))
    journal.discard()
    for result in graded_now:
        flag = "" if result.status == "graded" else f"  [{result.status}] {result.message}"
        flag += "  [REVIEW]" if result.review else ""
        flag += f"  [late: -{result.late_penalty:g}]" if result.late_penalty else ""
        print(f"{result.student:24} {result.counted_score:g}/{result.max_score:g}{flag}")
    print(f"report: {path}")
    return 0


def cmd_feedback(args, root):
    from autograder.course import source_notebook, title_of
    from autograder.feedback import write_feedback
    from autograder.notebooks import read_notebook
    from autograder.report import ReportError, read_report
    _known_assignment(args.assignment, root)
    path = _report_path(args, root)
    try:
        report = read_report(path, args.assignment)
    except ReportError as error:
        raise SystemExit(f"course feedback: {error}")
    report = _with_grader_changes(args, root, path, report)
    submissions = Path(args.submissions or report.get("submissions") or root / "submitted")
    output = Path(args.output) if args.output else root / "feedback"
    written, local = write_feedback(report, submissions, output,
                                    read_notebook(source_notebook(args.assignment, root)),
                                    title_of(args.assignment, root))
    print(f"wrote {len(written)} feedback page(s) under {output}")
    if local and len(local) == len(written):
        print("none came through nbgrader's exchange (no submission_secret.txt), so "
              "`nbgrader release_feedback` cannot deliver them: hand the pages over another way")
    elif local:  # release_feedback would stop at the first of them: it leaves them out
        print(f"not submitted through the exchange, so `nbgrader release_feedback` cannot "
              f"deliver their page (hand it over another way): {', '.join(local)}")
        print(f"deliver the others with `nbgrader release_feedback {args.assignment} "
              f"--CourseDirectory.student_id_exclude={','.join(local)}`")
    else:
        print(f"deliver them with `nbgrader release_feedback {args.assignment}`")
    return 0


def _with_grader_changes(args, root, path, report):
    """``report`` with what graders changed in formgrader since `course grade` (scores,
    comments), also rewritten at ``path``; as it was without a gradebook."""
    from autograder import preflight
    from autograder.gradebook import default_url, merge_grader_changes
    from autograder.report import results_of, with_results, write_report
    url = args.gradebook or report.get("gradebook")  # the one `course grade` wrote to
    if url is None and not (root / "gradebook.db").is_file():
        return report
    try:
        gradebook = preflight.open_gradebook_or_explain(url or default_url(root), root)
    except preflight.OperatorError as error:
        raise SystemExit(f"course {args.command}: {error}")
    try:
        results = [merge_grader_changes(gradebook, result) for result in results_of(report)]
    finally:
        gradebook.close()
    report = with_results(report, results)
    write_report(path, report)
    return report


def cmd_export(args, root):
    from autograder import preflight
    from autograder.course import assignments
    from autograder.export import export
    try:
        gradebook = preflight.open_gradebook_or_explain(args.gradebook, root)
    except preflight.OperatorError as error:
        raise SystemExit(f"course export: {error}")
    try:
        header, rows = export(gradebook, args.format, section=args.section,
                              titles={entry.name: entry.title for entry in assignments(root)},
                              reports_dir=Path(args.reports) if args.reports else root / "reports")
    finally:
        gradebook.close()
    if args.output:  # written whole, then moved into place: never a half-written file
        target = Path(args.output)
        partial = target.with_name(target.name + ".partial")
        with open(partial, "w", newline="", encoding="utf-8") as output:
            writer = csv.writer(output)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(partial, target)
        print(f"wrote {len(rows)} row(s) to {args.output}", file=sys.stderr)
    else:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
    return 0


def cmd_check(args, root):
    from autograder.soundness import check_course
    problems = check_course(root, execute=not args.no_execute, log=print)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("course check: " + ("all good" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


def cmd_bundle(args, root):
    from autograder.edition import EditionError, bundle
    try:
        written, removed = bundle(root, args.directory)
    except EditionError as error:
        raise SystemExit(f"course bundle: {error}") from None
    print(f"student edition written to {args.directory}: {len(written)} files"
          + (f", {len(removed)} files of the earlier edition removed" if removed else "")
          + f"; students start it with {Path(args.directory) / 'setup'}")
    return 0


def cmd_report(args, root):
    from autograder.insight import InsightError, build_insight, write_insight
    if args.assignment:
        _known_assignment(args.assignment, root)
    try:
        insight = build_insight(root, args.assignment, args.reports, args.gradebook,
                                args.submissions, anonymous=args.anonymous)
    except InsightError as error:
        raise SystemExit(f"course report: {error}")
    stem = f"class-{args.assignment}" if args.assignment else "class"
    stem += "-anonymous" if args.anonymous else ""
    paths = write_insight(insight, Path(args.output) if args.output else root / "reports", stem)
    for path in paths:
        print(f"wrote {path}")
    return 0


def parser():
    top = argparse.ArgumentParser(
        prog="course", description="Build, release, grade and check the course. Run from the "
        "course folder (the one with nbgrader_config.py), or set COURSE_ROOT.")
    top.add_argument("--course", metavar="DIR", help="the course directory (default: "
                     "$COURSE_ROOT, else the current folder or its nearest parent that holds "
                     "course.toml)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="regenerate .ipynb notebooks from their .py "
                                "text twins (the authored sources)")
    build.add_argument("--check", action="store_true", help="change nothing; exit 1 if any "
                       "notebook is out of date")
    build.add_argument("--force", action="store_true", help="also replace notebooks that were "
                       "edited since they were last built (their edits are lost)")
    build.add_argument("--quiet", action="store_true")
    build.set_defaults(run=cmd_build)

    release = commands.add_parser("release", help="regenerate release/ (student notebooks) "
                                  "from source/ with nbgrader generate_assignment")
    release.add_argument("assignments", nargs="*", help="default: every assignment")
    release.set_defaults(run=cmd_release)

    grade = commands.add_parser(
        "grade", help="autograde every submission of an assignment",
        description="Grade every submitted/<student>/ASSIGNMENT/ against the reference "
        "solution, each submission in its own worker process with time, memory and output "
        "limits, sandboxed with bubblewrap where available (a loud warning says when not). "
        "Writes every student's per-cell points to the gradebook and a JSON report (per "
        "student: status, score, max score, review flag, notes, and per test cell the points, "
        "status and message). A broken submission is recorded with its status and the run "
        "goes on.")
    grade.add_argument("assignment")
    grade.add_argument("--submissions", metavar="DIR", help="folder laid out as "
                       "DIR/<student>/ASSIGNMENT/ (default: submitted/)")
    grade.add_argument("--report", metavar="FILE", help="where the JSON report goes "
                       "(default: reports/ASSIGNMENT.json)")
    grade.add_argument("--gradebook", metavar="URL", help="SQLAlchemy URL of the gradebook "
                       "(default: sqlite:///gradebook.db in the course folder)")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="submissions graded at once (default: one per core)")
    grade.add_argument("--scheduler", metavar="ADDRESS", help="grade on a Dask distributed "
                       "cluster (e.g. tcp://10.0.0.5:8786) whose workers see this course folder "
                       "and the submissions at the same paths; this process still writes the "
                       "gradebook and the report")
    grade.add_argument("--resume", action="store_true", help="reuse the results of an earlier "
                       "or interrupted run (its report and journal) for every submission whose "
                       "notebook has not changed")
    grade.add_argument("--full", action="store_true", help="also re-execute experiment cells "
                       "(training runs, plots); slower, same scores")
    limits = Limits()  # the options' defaults
    for option, key, kind, metavar, text in (
            ("--cell-timeout", "cell_seconds", float, "SECONDS",
             "time limit per cell and per graded test"),
            ("--total-timeout", "total_seconds", float, "SECONDS", "time limit per submission"),
            ("--memory-mb", "memory_mb", int, "MB", "memory per submission: each process's "
             "address space, and its processes and files in /tmp together"),
            ("--processes", "processes", int, "N",
             "processes and threads a submission may have at once"),
            ("--disk-mb", "disk_mb", int, "MB",
             "bytes a submission may write, its working folder and /tmp together"),
            ("--cpu-seconds", "cpu_seconds", float, "SECONDS",
             "CPU time per submission, all its processes together"),
            ("--cpus", "cpus", float, "N", "cores' worth of time a submission may use at once, "
             "where cgroups allow"),
            ("--output-chars", "output_chars", int, "N", "characters a submission may print")):
        default = getattr(limits, key)
        grade.add_argument(option, type=kind, default=default, metavar=metavar,
                           help=f"{text} (default: {default:g})")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--student", metavar="ID", help="grade only this student's submission "
                       "(the report keeps the others' entries)")
    grade.add_argument("--no-sandbox", action="store_true", help="grade even when the "
                       "bubblewrap sandbox is unavailable (trusted submissions only); without "
                       "it, `course grade` refuses and says how to install bubblewrap")
    grade.add_argument("--scheduler-timeout", type=float, default=10.0, metavar="SECONDS",
                       help="how long to wait for --scheduler to answer (default: 10)")
    grade.set_defaults(run=cmd_grade)

    feedback = commands.add_parser("feedback", help="write an HTML feedback page per student "
                                   "from the grading report")
    feedback.add_argument("assignment")
    feedback.add_argument("--report", metavar="FILE", help="default: reports/ASSIGNMENT.json")
    feedback.add_argument("--submissions", metavar="DIR", help="default: the report's folder")
    feedback.add_argument("--output", metavar="DIR", help="default: feedback/")
    feedback.add_argument("--gradebook", metavar="URL", help="where graders' changes are read "
                          "from (default: sqlite:///gradebook.db in the course folder)")
    feedback.set_defaults(run=cmd_feedback)

    export = commands.add_parser("export", help="write the gradebook's scores as CSV "
                                 "(student, assignment, score, max_score)")
    export.add_argument("--gradebook", metavar="URL", help="default: sqlite:///gradebook.db")
    export.add_argument("--output", metavar="FILE", help="default: standard output")
    export.add_argument("--format", choices=("plain", "canvas", "long"), default="plain",
                        help="plain (default): student, assignment, score, max_score; canvas: "
                        "a CSV for Canvas's gradebook import, one column per assignment; long: "
                        "one row per student, assignment and test cell with status, manual "
                        "adjustment and late penalty")
    export.add_argument("--section", default="", help="the Section column of --format canvas")
    export.add_argument("--reports", metavar="DIR", help="where --format long reads each "
                        "test's status (default: reports/)")
    export.set_defaults(run=cmd_export)

    check = commands.add_parser(
        "check", help="prove the course is sound",
        description="Checks that the .ipynb files match their text twins; every source "
        "notebook runs top to bottom and earns full marks when graded as a submission; the "
        "self-test: every catalogued mutant fails its hidden test with its own mistake; every "
        "release notebook earns zero; release/ is what nbgrader generates from source/ now; "
        "and nothing under release/ leaks solutions or hidden tests.")
    check.add_argument("--no-execute", action="store_true", help="skip running the notebooks "
                       "top to bottom in a kernel")
    check.set_defaults(run=cmd_check)

    report = commands.add_parser(
        "report", help="what the class got wrong: an HTML page and JSON for the instructor",
        description="Reads what `course grade` wrote (the JSON reports and the gradebook; "
        "nothing is regraded) and writes reports/class-ASSIGNMENT.html and .json (the whole "
        "course without ASSIGNMENT: reports/class.html): the score distribution and statuses, "
        "per test the pass rate and each catalogued mistake with who made it, a student x "
        "concept mastery table, the students who need help, and pairs of submissions whose "
        "graded cells are nearly identical.")
    report.add_argument("assignment", nargs="?", help="default: the whole course")
    report.add_argument("--output", metavar="DIR", help="default: reports/")
    report.add_argument("--reports", metavar="DIR", help="where the grading reports are "
                        "(default: reports/)")
    report.add_argument("--submissions", metavar="DIR", help="default: each report's folder")
    report.add_argument("--gradebook", metavar="URL", help="default: sqlite:///gradebook.db "
                        "when it exists")
    report.add_argument("--anonymous", action="store_true", help="no names and no code, to "
                        "show the class (written as class-ASSIGNMENT-anonymous.*)")
    report.set_defaults(run=cmd_report)

    edition = commands.add_parser(
        "bundle", help="write the student edition into DIR: release and lecture notebooks, "
                       "datasets, helpers and a set-up, without solutions or hidden tests; an "
                       "earlier edition in DIR is updated, the students' work/ left alone")
    edition.add_argument("directory", metavar="DIR")
    edition.set_defaults(run=cmd_bundle)
    return top


# What the instructor extra of pyproject.toml adds to a learner's install.
INSTRUCTOR_MODULES = {"jupytext", "dask", "distributed", "psycopg2"}

PATH_OPTIONS = ("submissions", "report", "output", "reports", "directory")


def _chosen_root(args):
    """The course directory: --course, else $COURSE_ROOT, else the current folder or its
    nearest parent holding course.toml. Exits with one sentence when there is none."""
    if args.course or os.environ.get("COURSE_ROOT"):
        given, how = (args.course, "--course") if args.course else \
            (os.environ["COURSE_ROOT"], "COURSE_ROOT")
        root = Path(given).expanduser().resolve()
        if not (root / "course.toml").is_file():
            raise SystemExit(f"course: {how} {given} is not a course directory (no course.toml "
                             "there); name the folder that holds course.toml and "
                             "nbgrader_config.py")
    else:
        root = find_course_root(Path.cwd())
        if root is None:
            raise SystemExit(f"course: {Path.cwd()} is not inside a course directory (no "
                             "course.toml here or in a parent folder); run `course` from the "
                             "course directory, or pass --course DIR or set COURSE_ROOT")
    if not (root / "nbgrader_config.py").is_file():
        raise SystemExit(f"course: {root} has course.toml but no nbgrader_config.py; nbgrader "
                         "needs it to find the course (copy it from the course template)")
    return root


def main(argv=None):
    args = parser().parse_args(argv)
    root = _chosen_root(args)
    os.environ["COURSE_ROOT"] = str(root)  # workers and library calls see the same course
    # Grading workers import the course's `helpers` (and `autograder`, when the course holds
    # it) from the course directory, which the sandbox shows them, whatever the install.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(root)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    for name in PATH_OPTIONS:  # paths the user typed are relative to where they typed them
        if getattr(args, name, None):
            setattr(args, name, str(Path(getattr(args, name)).expanduser().resolve()))
    if getattr(args, "gradebook", None) and args.gradebook.startswith("sqlite:///") and \
            not args.gradebook.startswith("sqlite:////"):
        args.gradebook = "sqlite:///" + str(Path(args.gradebook[10:]).resolve())
    os.chdir(root)
    try:
        return args.run(args, root)
    except ModuleNotFoundError as error:
        if error.name not in INSTRUCTOR_MODULES:
            raise
        raise SystemExit(f"course: this command needs {error.name}, one of the instructor tools, "
                         "which this install does not have; add them with `scripts/setup "
                         "instructor` (or pip install -e '.[instructor]')") from None


if __name__ == "__main__":
    sys.exit(main())
