"""nbgrader settings of every server the course's hub starts (installed into each
environment's etc/jupyter/ by deploy/jupyterhub/install).

The hub passes the course id and the exchange folder in the environment (see
jupyterhub_config.py), so one file serves students and the instructor. The instructor's course
directory has its own nbgrader_config.py: the hub names it in COURSE_ROOT for graders, whose
servers start in their home folder, so formgrader finds the course wherever it is started.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

# Validate runs the whole notebook on a shared machine: a training cell can take minutes, and
# the last of its output can arrive seconds after the kernel's reply (nbgrader's defaults: 30 s a
# cell, 4 s for that output).
c.ExecutePreprocessor.timeout = 300
c.ExecutePreprocessor.iopub_timeout = 60

if os.environ.get("NBGRADER_COURSE_ID"):
    c.CourseDirectory.course_id = os.environ["NBGRADER_COURSE_ID"]
if os.environ.get("NBGRADER_EXCHANGE"):
    c.Exchange.root = os.environ["NBGRADER_EXCHANGE"]
if os.environ.get("COURSE_ROOT"):
    course_config = os.path.join(os.environ["COURSE_ROOT"], "nbgrader_config.py")
    if os.path.isfile(course_config):
        load_subconfig(course_config)  # noqa: F821 (provided by traitlets)
