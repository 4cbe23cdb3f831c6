"""`course check`: everything that must hold before a course is handed to learners."""

from autograder.course import assignment_names, course_root, lectures


def self_test(assignment, root, log):
    """Problems of the assignment's hidden tests with its catalogued mutants: each mutant must
    fail its test with the mistake it demonstrates."""
    from autograder.selftest import misdiagnosed, mutant_verdicts
    verdicts = mutant_verdicts(assignment, root)
    problems = misdiagnosed(assignment, verdicts)
    log(f"self-test of {assignment}'s hidden tests: {len(verdicts) - len(problems)} of "
        f"{len(verdicts)} catalogued mistakes caught with their hint")
    return problems


def check_course(root=None, execute=True, log=lambda message: None):
    """A list of problems (empty when the course is sound)."""
    from autograder.grading import grade_submission
    from autograder.release import build_all, leak_problems, release_problems

    root = root or course_root()
    from autograder.release import edited_message
    stale, edited = build_all(root, check=True)
    problems = [f"{path.relative_to(root)} is out of date with its text twin; run `course build`"
                for path in stale]
    problems += [edited_message(path, root) for path in edited]
    log("checking release/ against nbgrader's output and for leaks")
    problems += release_problems(root)
    problems += leak_problems(root)
    for assignment in assignment_names(root):
        log(f"grading source/{assignment} (must earn full marks)")
        result = grade_submission("source", assignment, root / "source" / assignment, root)
        if result.score != result.max_score or result.status != "graded":
            failed = [f"{c.grade_id}: {c.message}" for c in result.cells if c.status != "passed"]
            problems.append(f"source/{assignment} earns {result.score:g}/{result.max_score:g} "
                            f"({result.status}): {'; '.join(failed)}")
        problems += self_test(assignment, root, log)
        log(f"grading release/{assignment} (every graded cell must earn zero)")
        result = grade_submission("release", assignment, root / "release" / assignment, root)
        for cell in result.cells:
            if cell.points:
                problems.append(f"release/{assignment}: the stub earns {cell.points:g} points "
                                f"on {cell.grade_id}")
    if execute:
        from autograder.execution import ExecutionStopped, error_outputs, execute_notebook
        paths = [root / "source" / a / f"{a}.ipynb" for a in assignment_names(root)]
        paths += [root / "notebooks" / f"{entry.name}.ipynb" for entry in lectures(root)]
        for path in paths:
            log(f"executing {path.relative_to(root)}")
            try:
                executed = execute_notebook(path, allow_errors=True)
            except ExecutionStopped as stopped:
                problems.append(str(stopped))
                continue
            for index, error in error_outputs(executed):
                problems.append(f"{path.relative_to(root)} cell {index} fails: {error}")
    return problems
