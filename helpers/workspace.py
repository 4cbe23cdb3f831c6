"""The learner's own copies of the course notebooks, in a folder of their own (``work/``).

The course's files (``index.ipynb``, ``release/<assignment>/``, ``notebooks/*.ipynb``) belong to
the course: updating it (``git pull``, a new student edition) replaces them. A learner works on
copies, which this module makes and never overwrites:

- a notebook the learner has no copy of yet is copied;
- a copy the learner never changed follows the course: a newer version replaces it;
- a copy the learner changed is left as it is; when the course has a newer version, the learner
  is told, and ``take`` saves their copy under a dated name before copying the new one.

``work/.course-copies.json`` records, for each copy, the hash of the course file it was made
from. Standard library only: it runs before anything else is installed.

    python -m helpers.workspace COURSE_DIR            make or refresh the copies, say what changed
    python -m helpers.workspace COURSE_DIR --take X   take the new version of notebooks matching X
"""

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

WORK = "work"
RECORD = ".course-copies.json"


def course_files(course):
    """The paths (relative to ``course``) a learner gets a copy of: the landing page, every
    file of every release folder and the lecture notebooks."""
    course = Path(course)
    paths = [Path("index.ipynb")] if (course / "index.ipynb").is_file() else []
    release = course / "release"
    if release.is_dir():
        paths += sorted(path.relative_to(course) for path in release.rglob("*")
                        if path.is_file() and ".ipynb_checkpoints" not in path.parts)
    notebooks = course / "notebooks"
    if notebooks.is_dir():
        paths += sorted(path.relative_to(course) for path in notebooks.glob("*.ipynb"))
    return paths


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _read_record(work):
    try:
        record = json.loads((work / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(work, record):
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    temporary = work / (RECORD + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(work / RECORD)


def _copy(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".course-tmp")
    shutil.copy2(source, temporary)
    temporary.replace(target)


def refresh(course, work=None):
    """Make the learner's copies in ``work`` (default ``course/work``) up to date without losing
    any of their changes. Returns {"copied", "updated", "newer", "current"}: lists of relative
    paths; "newer" are the copies the learner changed while the course has a newer version."""
    course = Path(course)
    work = Path(work) if work else course / WORK
    work.mkdir(parents=True, exist_ok=True)
    record = _read_record(work)
    changes = {"copied": [], "updated": [], "newer": [], "current": []}
    for relative in course_files(course):
        source, target, key = course / relative, work / relative, relative.as_posix()
        new = digest(source)
        if not target.exists():
            _copy(source, target)
            record[key] = new
            changes["copied"].append(key)
            continue
        mine = digest(target)
        if mine == new:
            record[key] = new
            changes["current"].append(key)
        elif key in record and mine == record[key]:
            _copy(source, target)  # the learner never changed it: it follows the course
            record[key] = new
            changes["updated"].append(key)
        elif record.get(key) != new:
            changes["newer"].append(key)  # theirs is edited and the course's is new: ask first
        else:
            changes["current"].append(key)
    _write_record(work, record)
    return changes


def take(course, pattern, work=None, now=None):
    """Take the course's version of every copy whose path contains ``pattern``, keeping the
    learner's copy beside it as ``<name>.mine-YYYYMMDD-HHMM.ipynb``. Returns [(path, kept_as)]."""
    course = Path(course)
    work = Path(work) if work else course / WORK
    record = _read_record(work)
    stamp = time.strftime("%Y%m%d-%H%M", time.localtime(now))
    taken = []
    for relative in course_files(course):
        key = relative.as_posix()
        if pattern not in key:
            continue
        source, target = course / relative, work / relative
        kept = None
        if target.exists() and digest(target) != digest(source):
            kept = target.with_name(f"{target.stem}.mine-{stamp}{target.suffix}")
            counter = 1
            while kept.exists():
                counter += 1
                kept = target.with_name(f"{target.stem}.mine-{stamp}-{counter}{target.suffix}")
            shutil.copy2(target, kept)
        _copy(source, target)
        record[key] = digest(source)
        taken.append((key, kept.relative_to(work).as_posix() if kept else None))
    _write_record(work, record)
    return taken


def describe(changes, work_name, take_command):
    """What the learner is told after ``refresh``: one line per kind of change."""
    lines = []
    if changes["copied"]:
        lines.append(f"course: copied {len(changes['copied'])} notebooks into {work_name}/ "
                     "(your copies: edit these)")
    for key in changes["updated"]:
        lines.append(f"course: {work_name}/{key} updated to the course's newer version "
                     "(you had not changed it)")
    for key in changes["newer"]:
        name = Path(key).stem
        lines.append(f"course: a newer version of {work_name}/{key} is available; your copy has "
                     f"your changes and was left as it is. To take the new one (yours is kept "
                     f"beside it): {take_command} {name}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m helpers.workspace",
                                     description="The learner's own copies of the notebooks.")
    parser.add_argument("course", help="the course folder (with index.ipynb and release/)")
    parser.add_argument("--take", metavar="NAME",
                        help="take the course's newer version of the notebooks matching NAME")
    parser.add_argument("--take-command", default="scripts/start --take",
                        help="how the learner asks for a newer version (shown in messages)")
    args = parser.parse_args(argv)
    course = Path(args.course)
    if not (course / "index.ipynb").is_file() and not (course / "release").is_dir():
        print(f"course: {course} is not a course folder (no index.ipynb or release/ in it).",
              file=sys.stderr)
        return 2
    if args.take is not None:
        taken = take(course, args.take)
        if not taken:
            print(f"course: no notebook matches {args.take!r}; the names are those of the "
                  "notebooks, e.g. optimization or data_splits.", file=sys.stderr)
            return 2
        for key, kept in taken:
            print(f"course: {WORK}/{key} is now the course's version"
                  + (f"; yours is kept as {WORK}/{kept}" if kept else ""))
        return 0
    for line in describe(refresh(course), WORK, args.take_command):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
