"""JupyterHub for one course on one machine (see README.md beside this file).

Real Unix accounts log in with their password (PAM) and each gets a Jupyter server running as
themselves (LocalProcessSpawner). Students get the learners' environment (the Assignments tab,
no `autograder`); graders get the instructor's (formgrader, `course`). nbgrader's exchange is a
shared folder under the course id.

Every setting below comes from an environment variable with a default, so the same file serves
a real machine and the round-trip test (tests/test_jupyterhub.py):

    COURSE_HUB_PREFIX   where deploy/jupyterhub/install put the environments
                        (default /opt/improving-deep-nets-hub)
    COURSE_ID           nbgrader course id (default improving-deep-nets)
    COURSE_EXCHANGE     nbgrader's exchange folder (default /srv/nbgrader/exchange)
    COURSE_INSTRUCTOR   the Unix account that owns the course directory (default instructor)
    COURSE_DIR          the course directory (default ~INSTRUCTOR/COURSE_ID)
    COURSE_GRADERS      comma-separated accounts that grade (default: the instructor)
    COURSE_STUDENTS     comma-separated student accounts, or
    COURSE_STUDENTS_FILE  a file with one account a line (default /srv/jupyterhub/students.txt)
    COURSE_HUB_ADMINS   comma-separated accounts that administer the hub (default: none)
    COURSE_HUB_STATE    the hub's database, cookie secret and logs (default /srv/jupyterhub)
    COURSE_HUB_URL      where browsers connect (default http://:8000, every interface)
    COURSE_HUB_API_PORT, COURSE_PROXY_API_PORT   loopback ports of the hub and proxy APIs
                        (default 8081, 8001)
"""

import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)


def setting(name, default):
    return os.environ.get(name) or default


def accounts(text):
    return [name.strip() for name in text.replace("\n", ",").split(",") if name.strip()]


PREFIX = Path(setting("COURSE_HUB_PREFIX", "/opt/improving-deep-nets-hub"))
COURSE_ID = setting("COURSE_ID", "improving-deep-nets")
EXCHANGE = setting("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
STATE = Path(setting("COURSE_HUB_STATE", "/srv/jupyterhub"))
INSTRUCTOR = setting("COURSE_INSTRUCTOR", "instructor")
COURSE_DIR = os.path.expanduser(setting("COURSE_DIR", f"~{INSTRUCTOR}/{COURSE_ID}"))
GRADERS = accounts(setting("COURSE_GRADERS", INSTRUCTOR))
_students_file = Path(setting("COURSE_STUDENTS_FILE", str(STATE / "students.txt")))
STUDENTS = accounts(os.environ.get("COURSE_STUDENTS")
                    or (_students_file.read_text() if _students_file.is_file() else ""))

# nbgrader's names for a course's groups (its multi-course set-up uses the same ones).
STUDENTS_GROUP = f"nbgrader-{COURSE_ID}"
GRADERS_GROUP = f"formgrade-{COURSE_ID}"

# The hub, the proxy and their state.
STATE.mkdir(parents=True, exist_ok=True)
c.JupyterHub.bind_url = setting("COURSE_HUB_URL", "http://:8000")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{setting('COURSE_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('COURSE_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(PREFIX / "proxy/node_modules/.bin/configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# nbgrader's exchange: everyone writes, nobody removes another's files (the sticky bit).
if not os.path.isdir(EXCHANGE):
    os.makedirs(EXCHANGE)
    os.chmod(EXCHANGE, 0o1777)

# Who may log in: Unix accounts and their passwords (PAM), only the course's people.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(STUDENTS) | set(GRADERS)
# The hub's admins may start, stop and enter anyone's server: nobody unless named.
c.Authenticator.admin_users = set(accounts(setting("COURSE_HUB_ADMINS", "")))
c.JupyterHub.load_groups = {STUDENTS_GROUP: {"users": STUDENTS},
                            GRADERS_GROUP: {"users": GRADERS}}
# Graders open the instructor's server, whose formgrader holds the course's gradebook.
c.JupyterHub.load_roles = [{
    "name": f"grade-{COURSE_ID}",
    "description": "Open the instructor's formgrader",
    "scopes": [f"access:servers!user={INSTRUCTOR}", f"read:servers!user={INSTRUCTOR}"],
    "groups": [GRADERS_GROUP],
}]

# Each user's server runs as that Unix user, from the environment that fits their role.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def choose_environment(spawner):
    """Graders: the instructor's environment, course directory and formgrader. Everyone else:
    the learners' environment, their home folder, the Assignments tab."""
    name = spawner.user.name
    grader = name in GRADERS
    env = PREFIX / ("instructor" if grader else "student")
    spawner.cmd = [str(env / "bin/jupyterhub-singleuser")]
    spawner.notebook_dir = pwd.getpwnam(name).pw_dir
    environment = {  # a new dict: the configured one may be shared by every spawner
        **spawner.environment,
        "PATH": f"{env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "NBGRADER_COURSE_ID": COURSE_ID,
        "NBGRADER_EXCHANGE": EXCHANGE,
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if grader:
        # `course` and formgrader work on the course directory (its nbgrader_config.py).
        environment["COURSE_ROOT"] = COURSE_DIR
        # The course's own helpers, autograder and datasets come first.
        environment["PYTHONPATH"] = COURSE_DIR
    spawner.environment = environment


c.Spawner.pre_spawn_hook = choose_environment
