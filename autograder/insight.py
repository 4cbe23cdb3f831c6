"""Class insight: what a class got wrong, read from what `course grade` wrote.

Every graded test cell in a grading report (reports/<assignment>.json) carries the catalogued
mistake its judge diagnosed; the catalogue (autograder/suites/<assignment>.py) gives each
mistake its hint and the concept to revisit. This module gathers them into one set of facts:

- per assignment: the score distribution and the statuses (limits hit, unreadable files, review
  flags, late work);
- per test: the pass rate and each mistake with how many students made it and who, sorted by
  how many students it cost points;
- across assignments: a student x concept table of mastery and the students who need help;
- pairs of submissions whose graded cells are nearly identical once names, whitespace and
  comments are normalized, ranked by the length and rarity of what they share.

``build_insight`` returns the facts as plain data (what ``course report`` writes as JSON) and
``render_html`` draws them as one self-contained page with figures. Nothing is regraded: the
reports, the gradebook and the submitted notebooks are only read.
"""

import builtins
import io
import json
import keyword
import math
import os
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from autograder import report as report_file
from autograder.course import assignments as course_assignments
from autograder.course import course_root, source_notebook
from autograder.notebooks import (NotebookError, grade_id_of, read_notebook, release_text,
                                  role_of, source_of)

# Overall statuses of a submission that mean its notebook could not be read.
UNREADABLE = ("not_json", "not_utf8", "empty", "not_notebook", "wrong_nbformat", "unreadable")
LIMITS = ("timeout", "memory", "output", "crashed", "grader_error")

# Similar cells: tokens per shingle (a "run"), the similarity (0..1) a cell pair must reach
# and the runs of their own code two cells must share to count (40 runs is about 45 tokens,
# four lines: the whole answer to a two-line exercise is shorter); then the rare runs (ones
# few others wrote) and the evidence (their summed rarity) a pair of submissions must share
# over all its cells: one unusual line in common is a coincidence, twenty runs are not.
SHINGLE = 6
MIN_SIMILARITY = 0.8
MIN_SHARED_RUNS = 40
MIN_RARE_RUNS = 20
MIN_EVIDENCE = 10.0
MAX_PAIRS = 50
# Graded cells shown inline under a mistake; the others are listed by name with a link.
MAX_CODE_SHOWN = 25

_KEEP = set(keyword.kwlist) | set(dir(builtins))

# A test cell's status other than passed or failed, as the page says it.
STATUS_LABELS = {"not_run": "not run: the notebook could not be graded (see the statuses)"}
# Diagnoses the judges share that are not in an assignment's catalogue.
NOT_CATALOGUED = {"not_implemented": "left as the stub (not implemented)",
                  "not_defined": "the function is not defined (cell deleted or renamed)"}


class InsightError(ValueError):
    """A report or gradebook that cannot be read; the message names the file."""


# ---------------------------------------------------------------- reading what grading wrote

def read_report(path):
    """The grading report at ``path`` (a dict with "students"), or None when there is none."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return report_file.read_report(path, path.stem)
    except report_file.ReportError as error:
        raise InsightError(str(error)) from None


# nbgrader's gradebook schema: a submission's score is the sum of its grades' scores (the
# manual score when a grader set one, else the automatic one, plus extra credit); its late
# penalty is the sum of its notebooks'. Read with plain SQL: importing nbgrader costs seconds.
_GRADEBOOK_SCORES = """
SELECT sa.student_id, a.name,
       SUM(COALESCE(g.manual_score, g.auto_score, 0) + COALESCE(g.extra_credit, 0))
FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
GROUP BY sa.student_id, a.name"""
_GRADEBOOK_PENALTIES = """
SELECT sa.student_id, a.name, SUM(COALESCE(sn.late_submission_penalty, 0))
FROM submitted_notebook sn JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
GROUP BY sa.student_id, a.name"""


def read_gradebook(url, root):
    """(student, assignment) -> {"score", "penalty"} from nbgrader's gradebook, or {} when no
    gradebook was given and the default one does not exist. Scores there include any grading
    done in formgrader; the penalty is what late work cost."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from autograder.gradebook import default_url, normalise_url
    if url is None:
        if not (root / "gradebook.db").is_file():
            return {}
        url = default_url(root)
    elif url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        raise InsightError(f"--gradebook {url}: no such database file")
    facts = {}
    try:
        engine = create_engine(normalise_url(url))
        with engine.connect() as connection:
            for student, assignment, score in connection.execute(text(_GRADEBOOK_SCORES)):
                facts[(student, assignment)] = {"score": float(score or 0.0), "penalty": 0.0}
            for student, assignment, penalty in connection.execute(text(_GRADEBOOK_PENALTIES)):
                if (student, assignment) in facts:
                    facts[(student, assignment)]["penalty"] = float(penalty or 0.0)
        engine.dispose()
    except (SQLAlchemyError, ImportError) as error:
        raise InsightError(f"--gradebook {url}: cannot be read as an nbgrader gradebook "
                           f"({type(error).__name__}: {str(error).splitlines()[0]})") from None
    return facts


def _submission_cells(folder, assignment):
    """grade_id -> source of every solution cell in the notebook submitted in ``folder``
    ({} when there is no readable notebook)."""
    from autograder.planning import find_notebook
    try:
        path, _ = find_notebook(Path(folder), assignment)
        notebook = read_notebook(path)
    except (NotebookError, OSError):
        return {}
    cells = {}
    for cell in notebook.get("cells", []):
        grade_id = grade_id_of(cell) if isinstance(cell, dict) else None
        if grade_id and role_of(cell) == "solution":
            cells.setdefault(grade_id, source_of(cell))
    return cells


# ---------------------------------------------------------------- similar submissions

_TOKEN = re.compile(r"""
  (?P<comment>\#[^\n]*)
| (?P<string>[rRbBuUfF]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''
             |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
| (?P<name>[^\W\d]\w*)
| (?P<number>\d[\w.]*|\.\d[\w.]*)
| (?P<newline>\n)
| (?P<space>(?:[ \t\f\r]|\\\n)+)
| (?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%&|^@<>=!]=|\S)
""", re.X)
_OPEN, _CLOSE = "([{", ")]}"


def normalized_tokens(text):
    """The tokens of Python ``text`` with comments, blank lines and spacing dropped, every
    string literal made "S", every name that is not a keyword, a builtin or an attribute
    renamed by order of first use (v0, v1, ...), a ";" at the end of each logical line and
    "{" / "}" where the indentation grows or shrinks: two cells that differ only in naming,
    spacing and comments get the same tokens. One regular expression rather than the tokenize
    module (several times faster), so code that does not parse still gets tokens."""
    names, tokens, indents = {}, [], [0]
    depth, line_start, indent = 0, True, 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "comment":
            continue
        if kind == "newline":
            if depth == 0:
                if not line_start:
                    tokens.append(";")
                line_start, indent = True, 0
            continue
        if kind == "space":
            if line_start:
                indent = len(value.replace("\\\n", "").expandtabs(8))
            continue
        if line_start:  # the first token of a logical line
            line_start = False
            if indent > indents[-1]:
                indents.append(indent)
                tokens.append("{")
            while indent < indents[-1]:
                indents.pop()
                tokens.append("}")
        if kind == "string":
            value = "S"
        elif kind == "name" and value not in _KEEP and (not tokens or tokens[-1] != "."):
            value = names.setdefault(value, f"v{len(names)}")
        elif kind == "op":
            depth = max(0, depth + (value in _OPEN) - (value in _CLOSE))
        tokens.append(value)
    return tokens


def shingles(tokens, size=SHINGLE):
    """The set of runs of ``size`` consecutive tokens (the whole list when it is shorter)."""
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def own_tokens(tokens, given):
    """The tokens of ``tokens`` that are not the ``given`` stub's (the signature, docstring and
    set-up lines every learner received): what the learner wrote."""
    from rapidfuzz.distance import Indel
    if not given:
        return tokens
    own = []
    for kind, _, _, start, end in Indel.opcodes(given, tokens):
        if kind != "equal":
            own.extend(tokens[start:end])
    return own


def similar_pairs(cells_by_student, stubs, max_pairs=MAX_PAIRS):
    """Pairs of students whose graded cells are nearly identical after normalization.

    ``cells_by_student``: student -> {grade_id: cell source}; ``stubs``: grade_id -> the
    release text of that cell (what every learner was given, which is never evidence).

    Only what the learners wrote counts (the stub's tokens are set aside). A run of tokens that
    k students of n share is rare when k is at most sqrt(n), and then weighs log(n / k): what
    much of the class writes (a two-line exercise solved the obvious way) is no evidence, a
    long passage only two students wrote weighs a lot. For each graded cell, a pair counts when
    RapidFuzz's Indel similarity of the two token lists reaches MIN_SIMILARITY and they share
    MIN_SHARED_RUNS runs; its evidence is the weight of the rare runs they share. A pair of
    submissions is returned when, over its cells, it shares MIN_RARE_RUNS rare runs and
    MIN_EVIDENCE evidence, strongest first: [{"students": [a, b], "evidence", "cells":
    [{"grade_id", "similarity", "evidence", "shared_runs", "rare_runs", "code": [text a,
    text b]}]}].
    """
    from rapidfuzz.distance import Indel

    per_cell = defaultdict(dict)  # grade_id -> student -> (own tokens, their runs)
    given = {grade_id: normalized_tokens(text) for grade_id, text in stubs.items()}
    for student, cells in cells_by_student.items():
        for grade_id, text in cells.items():
            tokens = own_tokens(normalized_tokens(text), given.get(grade_id, []))
            runs = shingles(tokens) - shingles(given.get(grade_id, []))
            if runs:
                per_cell[grade_id][student] = (tokens, runs)

    evidence, rare_runs = defaultdict(float), Counter()
    found = defaultdict(list)
    for grade_id, entries in per_cell.items():
        n = len(entries)
        frequency = Counter(run for _, runs in entries.values() for run in runs)
        # A run is rare when at most sqrt(n) students wrote it; a common one weighs nothing.
        rare_limit = max(2, int(math.sqrt(n)))
        weight = {run: math.log(n / count) for run, count in frequency.items()
                  if 1 < count <= rare_limit and count < n}
        holders = defaultdict(list)  # candidates: the pairs that share a rare run
        for student, (_, runs) in entries.items():
            for run in runs:
                if run in weight:
                    holders[run].append(student)
        candidates = set()
        for students in holders.values():
            students.sort()
            for i, first in enumerate(students):
                for second in students[i + 1:]:
                    candidates.add((first, second))
        for first, second in candidates:
            tokens_a, runs_a = entries[first]
            tokens_b, runs_b = entries[second]
            similarity = Indel.normalized_similarity(tokens_a, tokens_b)
            if similarity < MIN_SIMILARITY:
                continue
            shared = runs_a & runs_b
            if len(shared) < MIN_SHARED_RUNS:
                continue
            rare = [run for run in shared if run in weight]
            if not rare:
                continue
            cell_evidence = sum(weight[run] for run in rare)
            evidence[(first, second)] += cell_evidence
            rare_runs[(first, second)] += len(rare)
            found[(first, second)].append({
                "grade_id": grade_id, "similarity": round(similarity, 3),
                "evidence": round(cell_evidence, 2), "shared_runs": len(shared),
                "rare_runs": len(rare),
                "code": [cells_by_student[first][grade_id], cells_by_student[second][grade_id]]})
    pairs = [{"students": list(pair), "evidence": round(total, 2),
              "cells": sorted(found[pair], key=lambda cell: -cell["evidence"])}
             for pair, total in evidence.items()
             if total >= MIN_EVIDENCE and rare_runs[pair] >= MIN_RARE_RUNS]
    pairs.sort(key=lambda pair: (-pair["evidence"], pair["students"]))
    return pairs[:max_pairs]


# ---------------------------------------------------------------- the facts

def _histogram(fractions, bins=10):
    counts = [0] * bins
    for fraction in fractions:
        counts[min(bins - 1, max(0, int(fraction * bins)))] += 1
    return [{"from": round(i / bins * 100), "to": round((i + 1) / bins * 100), "count": count}
            for i, count in enumerate(counts)]


def _median(values):
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _score(entry, book):
    """The points that count: the gradebook's (with any grading done in formgrader) less its
    late penalty, else the report's final score, else its automatic score."""
    if "score" in book:
        return max(0.0, book["score"] - book["penalty"])
    final = entry.get("final_score")
    return float(final if final is not None else entry.get("score") or 0.0)


def _not_submitted(entry):
    """True for the entry `course grade` writes for a student with no folder for the
    assignment (as opposed to a folder whose notebook is missing or broken)."""
    cells = entry.get("cells") or [{}]
    return entry.get("status") == "missing_notebook" and cells[0].get("message") == \
        "no submission"


def _submission_link(student, assignment, root, folder):
    """Where to look at a submission: its feedback page when `course feedback` wrote one,
    else the submitted notebook (absolute paths; the page makes them relative)."""
    page = root / "feedback" / student / assignment / f"{assignment}.html"
    if page.is_file():
        return str(page.resolve())
    notebook = folder / student / assignment / f"{assignment}.ipynb"
    return str(notebook.resolve()) if notebook.is_file() else None


def assignment_facts(name, title, report, root, gradebook, submissions=None):
    """The facts of one assignment from its grading report (None: not graded yet)."""
    facts = {"name": name, "title": title, "graded": report is not None, "students": 0,
             "submitted": 0, "max_score": 0.0, "mean_percent": None, "median_percent": None,
             "histogram": _histogram([]), "statuses": {}, "status_students": {},
             "tests": [], "similar_pairs": [], "submissions": None, "scores": {},
             "notes": []}
    if report is None:
        return facts
    entries = report["students"]
    folder = Path(submissions or report.get("submissions") or root / "submitted")
    present = [entry for entry in entries if not _not_submitted(entry)]
    facts.update(submissions=str(folder), students=len(entries), submitted=len(present))
    facts.update(_score_facts(name, entries, gradebook))

    cells_by_student = {}
    if not folder.is_dir():
        facts["notes"].append(f"{folder}: no such submissions folder, so no graded cell is "
                              "shown or compared (pass --submissions DIR)")
    else:
        for entry in present:
            student_folder = folder / entry["student"] / name
            if student_folder.is_dir():
                cells_by_student[entry["student"]] = _submission_cells(student_folder, name)
    source = read_notebook(source_notebook(name, root))
    facts["tests"] = _test_facts(name, present, source, cells_by_student,
                                 lambda student: _submission_link(student, name, root, folder))
    stubs = {grade_id_of(cell): release_text(source_of(cell))
             for cell in source["cells"] if role_of(cell) == "solution"}
    facts["similar_pairs"] = similar_pairs(cells_by_student, stubs)
    return facts


def _score_facts(name, entries, gradebook):
    """Scores, their distribution and the statuses (with who) of one assignment's entries."""
    statuses = defaultdict(list)
    scores, fractions, top = {}, [], 0.0
    for entry in entries:
        student = entry["student"]
        status = "not_submitted" if _not_submitted(entry) else entry.get("status", "graded")
        statuses[status].append(student)
        if entry.get("review"):
            statuses["flagged_for_review"].append(student)
        book = gradebook.get((student, name), {})
        if float(entry.get("seconds_late") or 0.0) > 0 or book.get("penalty"):
            statuses["late"].append(student)
        score, max_score = _score(entry, book), float(entry.get("max_score") or 0.0)
        top = max(top, max_score)
        scores[student] = {"score": score, "max_score": max_score}
        if status != "not_submitted":
            fractions.append(score / max_score if max_score else 0.0)
    order = ["graded", "not_submitted", *UNREADABLE, "missing_notebook", *LIMITS,
             "flagged_for_review", "late"]
    return {
        "scores": scores, "max_score": top, "histogram": _histogram(fractions),
        "mean_percent": round(100 * sum(fractions) / len(fractions), 1) if fractions else None,
        "median_percent": round(100 * _median(fractions), 1) if fractions else None,
        "statuses": {status: len(statuses[status]) for status in
                     sorted(statuses, key=lambda s: order.index(s) if s in order else 99)},
        "status_students": {status: sorted(students) for status, students in statuses.items()
                            if status != "graded"}}


def _test_facts(name, present, source, cells_by_student, link):
    """Per test cell, in the notebook's order: the pass rate and every way it was failed
    (a catalogued mistake, another diagnosis, an uncatalogued failure, a cell that did not
    finish) with who, the costliest first."""
    from autograder.suite import load_suite
    suite = load_suite(name)
    by_test = defaultdict(list)  # grade_id -> [(student, cell)]
    for entry in present:
        for cell in entry.get("cells", []):
            if isinstance(cell, dict) and isinstance(cell.get("grade_id"), str):
                by_test[cell["grade_id"]].append((entry["student"], cell))
    order = [grade_id_of(c) for c in source["cells"] if role_of(c) == "test"]
    tests = []
    for grade_id in sorted(by_test, key=lambda g: order.index(g) if g in order else len(order)):
        results = by_test[grade_id]
        test = suite.tests.get(grade_id)
        passed = [student for student, cell in results if cell.get("status") == "passed"]
        groups = defaultdict(list)
        for student, cell in results:
            if cell.get("status") == "passed":
                continue
            if cell.get("mistake") and test is not None and test.mistake(cell["mistake"]):
                key = ("mistake", cell["mistake"])
            elif cell.get("mistake"):
                key = ("diagnosed", cell["mistake"])
            elif cell.get("status") == "failed":
                key = ("uncatalogued", cell.get("message", "")[:160])
            else:
                key = ("status", cell.get("status", "not_run"))
            groups[key].append(student)
        points = max((float(cell.get("max_points") or 0) for _, cell in results), default=0.0)
        rows = []
        for (kind, label), students in groups.items():
            mistake = test.mistake(label) if test is not None and kind == "mistake" else None
            code = {}  # the learners' cells, for a diagnosis worth reading them for
            if test is not None and kind in ("mistake", "uncatalogued"):
                for student in students[:MAX_CODE_SHOWN]:
                    text = cells_by_student.get(student, {}).get(test.solution_id)
                    if text is not None:
                        code[student] = text
            rows.append({
                "kind": kind, "name": label,
                "hint": mistake.hint if mistake else "",
                "concept": mistake.concept if mistake else "",
                "count": len(students), "points_lost": len(students) * points,
                "students": sorted(students),
                "links": {s: where for s in students if (where := link(s))},
                "code": code})
        rows.sort(key=lambda row: (-row["count"], row["kind"] != "mistake", row["name"]))
        tests.append({
            "grade_id": grade_id, "points": points,
            "function": test.solution_id if test else None,
            "attempted": len(results), "passed": len(passed),
            "pass_rate": round(len(passed) / len(results), 3) if results else None,
            "mistakes": rows})
    return tests


def mastery(per_assignment):
    """The student x concept table across assignments, and the students who need help.

    A passed test shows every concept of its catalogue; a failed test whose judge named a
    catalogued mistake misses that mistake's concept. Only concepts someone missed are
    columns (the others are counted). A student needs help who missed the same concept in two
    assignments, or scored below half marks in two graded assignments in a row (no submission
    counts as zero)."""
    from autograder.suite import load_suite
    shown = defaultdict(Counter)  # student -> concept -> tests passed that show it
    missed = defaultdict(lambda: defaultdict(list))  # student -> concept -> [where]
    concept_assignments = defaultdict(set)
    all_concepts = set()
    for facts in per_assignment:
        if not facts["graded"]:
            continue
        suite = load_suite(facts["name"])
        test_concepts = {grade_id: list(dict.fromkeys(test.catalogue[name].concept
                                                     for name in test.mistakes))
                         for grade_id, test in suite.tests.items()}
        for concepts in test_concepts.values():
            all_concepts.update(concepts)
        for test in facts["tests"]:
            concepts = test_concepts.get(test["grade_id"], [])
            failed = {s for row in test["mistakes"] for s in row["students"]}
            for student in facts["scores"]:
                if student in failed or student in facts["status_students"].get(
                        "not_submitted", []):
                    continue
                for concept in concepts:
                    shown[student][concept] += 1
            for row in test["mistakes"]:
                if row["kind"] == "mistake" and row["concept"]:
                    concept_assignments[row["concept"]].add(facts["name"])
                    for student in row["students"]:
                        missed[student][row["concept"]].append(
                            {"assignment": facts["name"], "test": test["grade_id"],
                             "mistake": row["name"]})
    students = sorted({s for facts in per_assignment for s in facts["scores"]})
    columns = sorted(concept_assignments,
                     key=lambda c: (-sum(1 for s in students if c in missed[s]), c))
    table = {}
    for student in students:
        row = {}
        for concept in columns:
            if missed[student].get(concept) or shown[student][concept]:
                row[concept] = {"shown": shown[student][concept],
                                "missed": missed[student].get(concept, [])}
        table[student] = row

    needs_help = defaultdict(list)
    for student in students:
        for concept, where in missed[student].items():
            names = sorted({w["assignment"] for w in where}, key=_order(per_assignment))
            if len(names) >= 2:
                needs_help[student].append(f"missed “{concept}” in {' and '.join(names)}")
        run = []
        for facts in per_assignment:
            if not facts["graded"]:
                continue
            score = facts["scores"].get(student)
            fraction = (score["score"] / score["max_score"] if score and score["max_score"]
                        else 0.0)
            run = run + [facts["name"]] if fraction < 0.5 else []
            if len(run) == 2:
                needs_help[student].append(f"below half marks in {run[0]} and {run[1]}")
            elif len(run) > 2:
                needs_help[student][-1] = (f"below half marks in {', '.join(run[:-1])} "
                                           f"and {run[-1]}")
    return {"concepts": [{"concept": c, "assignments": sorted(concept_assignments[c],
                                                              key=_order(per_assignment)),
                          "students_missed": sum(1 for s in students if c in missed[s])}
                         for c in columns],
            "concepts_no_one_missed": len(all_concepts - set(columns)),
            "students": table,
            "needs_help": [{"student": s, "reasons": needs_help[s]} for s in students
                           if needs_help[s]]}


def _order(per_assignment):
    names = [facts["name"] for facts in per_assignment]
    return lambda name: names.index(name) if name in names else len(names)


def build_insight(root=None, assignment=None, reports_dir=None, gradebook_url=None,
                  submissions=None, anonymous=False):
    """The facts `course report` writes: one assignment's (``assignment``) or the whole
    course's, with the mastery table and who needs help always taken across every graded
    assignment. ``anonymous`` drops every name and every piece of code."""
    root = Path(root or course_root())
    reports_dir = Path(reports_dir or root / "reports")
    gradebook = read_gradebook(gradebook_url, root)
    per_assignment = []
    for entry in course_assignments(root):
        report = read_report(reports_dir / f"{entry.name}.json")
        if assignment is None or entry.name == assignment:
            per_assignment.append(assignment_facts(entry.name, entry.title, report, root,
                                                   gradebook, submissions))
        elif report is not None:  # only what the cross-assignment table needs
            per_assignment.append(_light_facts(entry.name, entry.title, report, gradebook))
    across = mastery(per_assignment)
    shown = [facts for facts in per_assignment if assignment is None
             or facts["name"] == assignment]
    if assignment is not None:
        concepts = {row["concept"] for facts in shown for test in facts["tests"]
                    for row in test["mistakes"] if row["concept"]}
        across["concepts"] = [c for c in across["concepts"] if c["concept"] in concepts]
        keep = {c["concept"] for c in across["concepts"]}
        across["students"] = {s: {c: v for c, v in row.items() if c in keep}
                              for s, row in across["students"].items()
                              if s in shown[0]["scores"]}
    insight = {"course": "Improving Deep Neural Networks",
               "scope": assignment or "course",
               "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "anonymous": anonymous, "reports": str(reports_dir),
               "assignments": shown, **across}
    return anonymize(insight) if anonymous else insight


def _light_facts(name, title, report, gradebook):
    from autograder.suite import load_suite
    suite = load_suite(name)
    facts = {"name": name, "title": title, "graded": True, "scores": {}, "tests": [],
             "status_students": {"not_submitted": []}}
    by_test = defaultdict(lambda: defaultdict(list))
    for entry in report["students"]:
        student = entry["student"]
        book = gradebook.get((student, name), {})
        facts["scores"][student] = {"score": _score(entry, book),
                                    "max_score": float(entry.get("max_score") or 0.0)}
        if _not_submitted(entry):
            facts["status_students"]["not_submitted"].append(student)
            continue
        for cell in entry.get("cells", []):
            if cell.get("status") != "passed":
                by_test[cell.get("grade_id")][cell.get("mistake") or ""].append(student)
            else:
                by_test[cell.get("grade_id")]  # noqa: B018 (the test exists)
    for grade_id, groups in by_test.items():
        test = suite.tests.get(grade_id)
        rows = []
        for name_, students in groups.items():
            mistake = test.mistake(name_) if test is not None and name_ else None
            rows.append({"kind": "mistake" if mistake else "other", "name": name_,
                         "concept": mistake.concept if mistake else "", "students": students})
        facts["tests"].append({"grade_id": grade_id, "mistakes": rows})
    return facts



def anonymize(insight):
    """The same facts without a name, a link or a line of anyone's code: safe to show the
    class."""
    clean = dict(insight, anonymous=True, reports=None)
    assignments = []
    for facts in insight["assignments"]:
        facts = dict(facts, status_students={}, similar_pairs=[], submissions=None,
                     scores={}, notes=[])
        facts["tests"] = [dict(test, mistakes=[dict(row, students=[], links={}, code={})
                                               for row in test["mistakes"]])
                          for test in facts["tests"]]
        assignments.append(facts)
    clean["assignments"] = assignments
    clean["students"] = {}
    clean["needs_help"] = []
    clean["students_needing_help"] = len(insight["needs_help"])
    return clean


def write_insight(insight, output_dir, stem):
    """Write STEM.json and STEM.html under ``output_dir``; returns their paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = output_dir / f"{stem}.json", output_dir / f"{stem}.html"
    json_path.write_text(json.dumps(insight, indent=1, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    html_path.write_text(render_html(insight, output_dir.resolve()), encoding="utf-8")
    return json_path, html_path


# ---------------------------------------------------------------- the page

STYLE = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #4c72b0;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0}td,th{padding:.25rem .6rem;text-align:left;
border-bottom:1px solid #ddd;vertical-align:top}th{background:#f3f5f9}
.figures{display:flex;flex-wrap:wrap;gap:1rem}.figures svg{max-width:100%;height:auto}
details{margin:.15rem 0}summary{cursor:pointer}pre{background:#f6f8fa;padding:.5rem;
overflow-x:auto;white-space:pre-wrap;font-size:.85rem;margin:.2rem 0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}
.missed{background:#f8d7d3;color:#8a1c12}.shown{background:#d7efdc;color:#1b5e2b}
.count{font-weight:600}.muted{color:#666}.mastery td{text-align:center;font-size:.8rem}
.mastery th.concept{font-size:.72rem;max-width:9rem;font-weight:normal}
"""


def _figure_svg(draw, size=(5.2, 3.0)):
    from matplotlib.figure import Figure
    figure = Figure(figsize=size)
    ax = figure.subplots()
    draw(ax)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg"):]


def _figures(facts):
    from helpers.plots import PALETTE  # the course's colours
    name = facts["name"]

    def scores(ax):
        bins = facts["histogram"]
        ax.bar([b["from"] + 5 for b in bins], [b["count"] for b in bins], width=9,
               color=PALETTE[0], label="submissions")
        ax.set(title=f"{name}: score distribution", xlabel="score (% of the maximum)",
               ylabel="submissions", xlim=(0, 100))

    def statuses(ax):
        items = [(s, n) for s, n in facts["statuses"].items() if n]
        labels = [s.replace("_", " ") for s, _ in items]
        ax.barh(labels, [n for _, n in items], color=PALETTE[1])
        ax.invert_yaxis()
        ax.set(title=f"{name}: statuses", xlabel="students", ylabel="status")

    def pass_rates(ax):
        tests = facts["tests"]
        labels = [t["grade_id"].removeprefix("test_") for t in tests]
        ax.barh(labels, [100 * (t["pass_rate"] or 0) for t in tests], color=PALETTE[2])
        ax.invert_yaxis()
        ax.set(title=f"{name}: pass rate per test", xlabel="passed (%)", ylabel="test",
               xlim=(0, 100))

    height = max(2.4, 0.35 * len(facts["tests"]) + 1.2)
    return [_figure_svg(scores), _figure_svg(statuses, (5.2, max(2.4, 0.3 *
                                                              len(facts["statuses"]) + 1.2))),
            _figure_svg(pass_rates, (6.4, height))]


def _people(students, links, anonymous, base=None):
    if anonymous:
        return ""

    def href(path):
        return os.path.relpath(path, base) if base else Path(path).as_uri()
    return ", ".join(f"<a href='{escape(href(links[s]))}'>{escape(s)}</a>" if s in links
                     else escape(s) for s in students)


def _assignment_html(facts, anonymous, base=None):
    out = [f"<h2 id='a-{escape(facts['name'])}'>{escape(facts['title'])} "
           f"<span class='muted'>({escape(facts['name'])})</span></h2>"]
    if not facts["graded"]:
        out.append("<p>Not graded yet: no grading report (run <code>course grade "
                   f"{escape(facts['name'])}</code>).</p>")
        return "".join(out)
    if not facts["submitted"]:
        out.append(f"<p>Nobody submitted this assignment ({facts['students']} student(s) "
                   "in the report).</p>")
        return "".join(out)
    out.append(f"<p>{facts['submitted']} of {facts['students']} students submitted; mean "
               f"{facts['mean_percent']}%, median {facts['median_percent']}% of "
               f"{facts['max_score']:g} points.</p>")
    out.extend(f"<p class='muted'>{escape(note)}</p>" for note in facts["notes"])
    out.append("<div class='figures'>" + "".join(_figures(facts)) + "</div>")
    out.append("<table><tr><th>status</th><th>students</th><th></th></tr>")
    for status, count in facts["statuses"].items():
        who = _people(facts["status_students"].get(status, []), {}, anonymous) \
            if status != "graded" else ""
        out.append(f"<tr><td>{escape(status.replace('_', ' '))}</td><td class='count'>"
                   f"{count}</td><td>{who}</td></tr>")
    out.append("</table><h3>Per test: what cost points</h3>")
    for test in facts["tests"]:
        rate = "—" if test["pass_rate"] is None else f"{100 * test['pass_rate']:.0f}%"
        out.append(f"<h4 id='t-{escape(facts['name'])}-{escape(test['grade_id'])}'>"
                   f"{escape(test['grade_id'])}: {rate} passed ({test['passed']} of "
                   f"{test['attempted']}, {test['points']:g} point(s))</h4>")
        if not test["mistakes"]:
            continue
        out.append("<table class='mistakes'><tr><th>students</th><th>points lost</th>"
                   "<th>mistake</th><th>revisit</th></tr>")
        for row in test["mistakes"]:
            label = {"mistake": row["hint"] or row["name"],
                     "diagnosed": NOT_CATALOGUED.get(row["name"], row["name"]),
                     "uncatalogued": f"not in the catalogue: {row['name']}",
                     "status": STATUS_LABELS.get(row["name"], f"did not finish: {row['name']}")
                     }.get(row["kind"], row["name"])
            who = ""
            if not anonymous:
                who = (f"<details class='who' data-mistake='{escape(row['name'])}'><summary>"
                       f"{escape(row['name'])}: who</summary>{submissions_html(row, base)}"
                       "</details>")
            out.append(f"<tr><td class='count'>{row['count']}</td><td>{row['points_lost']:g}"
                       f"</td><td>{escape(label)}{who}</td><td>{escape(row['concept'])}"
                       "</td></tr>")
        out.append("</table>")
    if not anonymous:
        out.append("<h3>Nearly identical graded cells</h3>")
        if not facts["similar_pairs"]:
            out.append("<p>No pair of submissions shares long, rare passages.</p>")
        for pair in facts["similar_pairs"]:
            a, b = pair["students"]
            out.append(f"<details class='similar'><summary><b>{escape(a)}</b> and "
                       f"<b>{escape(b)}</b>: evidence {pair['evidence']:g} over "
                       f"{len(pair['cells'])} cell(s)</summary>{pair_html(pair)}</details>")
    return "".join(out)


def mistakes_by_cost(insight):
    """(label, assignment, grade_id, row) for every diagnosed mistake (catalogued or not) of
    every assignment, the ones that cost the most students first: what the instructor notebook
    lists. Stubs left as they were and cells that did not finish are left to the page."""
    found = []
    for facts in insight["assignments"]:
        for test in facts["tests"]:
            for row in test["mistakes"]:
                if row["kind"] not in ("mistake", "uncatalogued"):
                    continue
                label = (f"{row['count']:>4} × {facts['name']} · "
                         f"{test['grade_id'].removeprefix('test_')} · {row['name']}")
                found.append((label, facts["name"], test["grade_id"], row))
    return sorted(found, key=lambda item: (-item[3]["count"], item[0]))


def submissions_html(row, base=None):
    """HTML for one mistake row: its hint, who made it (linked to their submissions) and the
    graded cells of the first of them."""
    code = "".join(f"<p><b>{escape(s)}</b></p><pre>{escape(text)}</pre>"
                   for s, text in row["code"].items())
    return (f"<p><b>{escape(row['hint'] or row['name'])}</b> {escape(row['concept'])}</p>"
            f"<p>{row['count']} student(s): {_people(row['students'], row['links'], False, base)}"
            f"</p>{code}")


def pair_html(pair):
    """HTML for one pair of nearly identical submissions: their cells side by side."""
    a, b = pair["students"]
    out = [f"<p><b>{escape(a)}</b> and <b>{escape(b)}</b>: evidence {pair['evidence']:g}</p>"]
    for cell in pair["cells"]:
        out.append(f"<p>{escape(cell['grade_id'])}: similarity {cell['similarity']:.2f}, "
                   f"{cell['rare_runs']} rare runs shared</p><div style='display:grid;"
                   f"grid-template-columns:1fr 1fr;gap:.5rem'><pre>{escape(cell['code'][0])}"
                   f"</pre><pre>{escape(cell['code'][1])}</pre></div>")
    return "".join(out)


def _mastery_html(insight):
    out = ["<h2 id='mastery'>Mastery of concepts</h2>"]
    concepts = insight["concepts"]
    if not concepts:
        out.append("<p>No catalogued mistake was made: every concept graded so far was "
                   "shown.</p>")
        return "".join(out)
    if insight["anonymous"]:
        out.append("<table><tr><th>concept</th><th>assignments</th><th>students who missed "
                   "it</th></tr>")
        for c in concepts:
            out.append(f"<tr><td>{escape(c['concept'])}</td><td>"
                       f"{escape(', '.join(c['assignments']))}</td><td class='count'>"
                       f"{c['students_missed']}</td></tr>")
        return "".join(out) + "</table>"
    out.append(f"<p>Columns: the {len(concepts)} concept(s) someone missed "
               f"({insight['concepts_no_one_missed']} other catalogued concept(s) nobody "
               "missed). ✗ missed (where, on hover), ✓ shown by a passed test, blank: not "
               "assessed.</p><div style='overflow-x:auto'><table class='mastery'><tr>"
               "<th>student</th>")
    for index, c in enumerate(concepts, 1):
        out.append(f"<th class='concept' title='{escape(c['concept'])}'>C{index}. "
                   f"{escape(c['concept'][:60])}</th>")
    out.append("</tr>")
    for student, row in insight["students"].items():
        out.append(f"<tr id='s-{escape(student)}'><th>{escape(student)}</th>")
        for c in concepts:
            cell = row.get(c["concept"])
            if cell is None:
                out.append("<td></td>")
            elif cell["missed"]:
                where = "; ".join(f"{w['assignment']} {w['test']} ({w['mistake']})"
                                  for w in cell["missed"])
                out.append(f"<td class='missed' title='{escape(where)}'>✗"
                           f"{len(cell['missed']) if len(cell['missed']) > 1 else ''}</td>")
            else:
                out.append("<td class='shown'>✓</td>")
        out.append("</tr>")
    return "".join(out) + "</table></div>"


def _help_html(insight):
    out = ["<h2 id='help'>Students who need help</h2>"]
    if insight["anonymous"]:
        out.append(f"<p>{insight['students_needing_help']} student(s).</p>")
        return "".join(out)
    if not insight["needs_help"]:
        return "".join(out) + "<p>No one: nobody missed a concept twice or fell below half " \
                              "marks twice in a row.</p>"
    out.append("<table><tr><th>student</th><th>why</th></tr>")
    for row in insight["needs_help"]:
        out.append(f"<tr><td><a href='#s-{escape(row['student'])}'>{escape(row['student'])}"
                   f"</a></td><td>{escape('; '.join(row['reasons']))}</td></tr>")
    return "".join(out) + "</table>"


def render_html(insight, base=None):
    """One self-contained HTML page (inline SVG figures, no scripts) of ``insight``; links to
    submissions are relative to the folder ``base`` (where the page is written)."""
    scope = "the whole course" if insight["scope"] == "course" else insight["scope"]
    header = (f"<h1>Class insight: {escape(scope)}</h1><p class='muted'>"
              f"{escape(insight['course'])}. Read from the grading reports"
              f"{'' if insight['anonymous'] else ' in ' + escape(insight['reports'] or '')}, "
              f"{escape(insight['generated'])}."
              f"{' Anonymous: no names, no code.' if insight['anonymous'] else ''}</p>")
    body = [header, _help_html(insight)]
    body += [_assignment_html(facts, insight["anonymous"], base)
             for facts in insight["assignments"]]
    body.append(_mastery_html(insight))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Class insight: "
            f"{escape(scope)}</title><style>{STYLE}</style></head><body>{''.join(body)}"
            "</body></html>\n")
