"""nbgrader configuration: this folder is the nbgrader course directory."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = here
c.CourseDirectory.course_id = "improving-deep-nets"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
# The authored text twins (source/<a>/<a>.py) never reach release/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "*.py"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Validate runs the whole notebook: on a busy machine a training cell can take minutes, and the
# last of its output can reach the validator seconds after the kernel's reply (nbgrader's
# defaults: 30 s a cell, 4 s for that output, then "Timeout waiting for IOPub output"). The
# learner's JupyterLab (scripts/start, the student edition) reads the same limits from
# scripts/jupyter/nbgrader_config.json, the hub's servers from deploy/jupyterhub/.
c.ExecutePreprocessor.timeout = 300
c.ExecutePreprocessor.iopub_timeout = 60

# Formgrader's Autograde button grades with `course grade --student` (sandboxed, the course's
# own verdicts), never with stock nbgrader in this account; see autograder/formgrader.py.
try:
    from autograder.formgrader import grade_with_course
except ImportError:  # an environment without the instructor tools: nothing to route
    pass
else:
    grade_with_course(c)
