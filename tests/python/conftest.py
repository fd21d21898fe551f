"""Shared fixtures: real HAProxy instances, the hapc launcher, and runners for real
ansible-playbook and salt-call processes (from the venv this pytest runs in)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from haproxy_fixture import HAProxy  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Bound on any one ansible-playbook or salt-call run.
RUN_TIMEOUT = 120


@pytest.fixture(scope="session")
def hapc():
    """The hapc launcher under test: $HAPC, else <repo>/bin/hapc."""
    path = os.environ.get("HAPC") or str(ROOT / "bin" / "hapc")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail("no hapc launcher at %s: build hapc or set HAPC to its path" % path)
    return path


def hapc_answer(hapc, request):
    """Runs hapc directly (no wrapper) with one JSON request; returns (exit status, answer)."""
    p = subprocess.run([hapc, "--json-in", "-"], input=json.dumps(request), capture_output=True,
                       text=True, timeout=RUN_TIMEOUT)
    return p.returncode, json.loads(p.stdout)


def skip_unless_implemented(hapc, request):
    """Skips the test when hapc answers that the request's action is not implemented yet."""
    rc, answer = hapc_answer(hapc, request)
    text = " ".join(dict.fromkeys([answer.get("msg", ""), (answer.get("error") or {}).get("message", "")]))
    if answer.get("failed") and re.search(r"not\s+(yet\s+)?implemented", text, re.I):
        pytest.skip("hapc does not implement %s yet: %s" % (request["action"], text.strip()))
    return rc, answer


@pytest.fixture
def haproxy(tmp_path):
    h = HAProxy(tmp_path / "lb").start()
    yield h
    h.stop()


@pytest.fixture
def three_haproxies(tmp_path):
    started = []
    try:
        for i in range(3):
            started.append(HAProxy(tmp_path / ("lb%d" % (i + 1))).start())
        yield started
    finally:
        for h in started:
            h.stop()


# -- Ansible --------------------------------------------------------------------------------
def install_collection(workdir):
    """The collection as users get it: `ansible-galaxy collection build` of <repo>/ansible, then
    `ansible-galaxy collection install` of the tarball into <workdir>/collections. Returns
    (tarball, collections root)."""
    workdir = Path(workdir)
    dist, root = workdir / "dist", workdir / "collections"
    galaxy = str(VENV_BIN / "ansible-galaxy")
    env = dict(os.environ, ANSIBLE_HOME=str(workdir / "home"), ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"),
               ANSIBLE_NOCOLOR="1")
    p = subprocess.run([galaxy, "collection", "build", str(ROOT / "ansible"), "--output-path", str(dist)],
                       capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    (tarball,) = dist.glob("hapc-haproxy-*.tar.gz")
    p = subprocess.run([galaxy, "collection", "install", str(tarball), "-p", str(root), "--force"],
                       capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    return tarball, root


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """A collections root holding the built and installed hapc.haproxy: the one tests/python/run
    installed ($HAPC_COLLECTIONS_PATH), else one built and installed here."""
    given = os.environ.get("HAPC_COLLECTIONS_PATH")
    if given:
        return Path(given)
    return install_collection(tmp_path_factory.mktemp("collection"))[1]


class Ansible:
    def __init__(self, workdir, collections, hapc):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.hapc = hapc
        (self.dir / "ansible.cfg").write_text("[defaults]\n")
        self.env = dict(
            os.environ,
            ANSIBLE_CONFIG=str(self.dir / "ansible.cfg"),
            ANSIBLE_COLLECTIONS_PATH=str(collections),
            ANSIBLE_LOCAL_TEMP=str(self.dir / "tmp"),
            ANSIBLE_REMOTE_TEMP=str(self.dir / "tmp"),
            ANSIBLE_HOME=str(self.dir / "home"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_CALLBACK_PLUGINS=str(Path(__file__).parent / "callback_plugins"),
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_HOST_KEY_CHECKING="0",
            ANSIBLE_DEPRECATION_WARNINGS="0",
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "")),
        )

    def inventory(self, hosts):
        """An INI inventory: {host: {var: value}}, every host on the local connection."""
        lines = ["[loadbalancers]"]
        for host, hostvars in hosts.items():
            pairs = dict(ansible_connection="local", ansible_python_interpreter=sys.executable, **hostvars)
            lines.append(host + " " + " ".join("%s=%s" % kv for kv in pairs.items()))
        path = self.dir / "inventory.ini"
        path.write_text("\n".join(lines) + "\n")
        return path

    def playbook(self, text, inventory, *args, json_output=True):
        """Runs ansible-playbook; returns (process, parsed JSON output or None)."""
        if "\n" in text:
            path = self.dir / "play.yml"
            path.write_text(text)
        else:
            path = text
        env = dict(self.env, ANSIBLE_STDOUT_CALLBACK="json_results" if json_output else "default")
        p = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(path), *args],
                           cwd=self.dir, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        return p, (json.loads(p.stdout) if json_output and p.stdout.strip().startswith("{") else None)

    def popen(self, text, inventory, *args):
        path = self.dir / "play.yml"
        path.write_text(text)
        env = dict(self.env, ANSIBLE_STDOUT_CALLBACK="json_results")
        return subprocess.Popen([str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(path), *args],
                                cwd=self.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def task_result(data, task_name, host="localhost"):
    """The result of one task on one host in the json callback's output."""
    for play in data["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == task_name:
                return task["hosts"].get(host)
    raise KeyError(task_name)


@pytest.fixture
def ansible(tmp_path, collections_path, hapc):
    return Ansible(tmp_path / "ansible", collections_path, hapc)


# -- Salt -----------------------------------------------------------------------------------
class Salt:
    """salt-call --local with its own config dir (-c), cache and file roots: <dir>/srv for the
    tests' SLS files, and the repository's salt/ directory (synced by saltutil.sync_all)."""

    def __init__(self, workdir, hapc=None):
        self.dir = Path(workdir)
        self.srv = self.dir / "srv"
        self.srv.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "conf"
        conf.mkdir(exist_ok=True)
        lines = [
            "file_client: local",
            "id: hapc-test",
            "root_dir: %s" % (self.dir / "root"),
            "pki_dir: %s" % (self.dir / "root" / "pki"),
            "cachedir: %s" % (self.dir / "root" / "cache"),
            "sock_dir: %s" % (self.dir / "root" / "sock"),
            "log_file: %s" % (self.dir / "root" / "minion.log"),
            "file_roots:",
            "  base:",
            "    - %s" % self.srv,
            "    - %s" % (ROOT / "salt"),
            "state_output: full",
        ]
        if hapc:
            lines.append("hapc.executable: %s" % hapc)
        (conf / "minion").write_text("\n".join(lines) + "\n")
        self.conf = conf

    def call(self, *args, env=None):
        """Runs salt-call --local; returns (process, the JSON output's "local" value or None)."""
        p = subprocess.run(
            [str(VENV_BIN / "salt-call"), "--local", "-c", str(self.conf), "--out", "json",
             "--log-level", "quiet", "--retcode-passthrough", *args],
            capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)
        try:
            data = json.loads(p.stdout)["local"]
        except (ValueError, KeyError, TypeError):
            data = None
        return p, data

    def sls(self, name, text):
        (self.srv / (name + ".sls")).write_text(text)
        return name

    def apply(self, name, test=False):
        """state.apply; returns (process, {state id: result})."""
        p, data = self.call("state.apply", name, *(["test=True"] if test else []))
        if not isinstance(data, dict):
            raise AssertionError("state.apply gave no state results: %s %s" % (p.stdout, p.stderr))
        return p, {v["__id__"]: v for v in data.values()}


@pytest.fixture(scope="session")
def salt(tmp_path_factory, hapc):
    s = Salt(tmp_path_factory.mktemp("salt"), hapc)
    p, data = s.call("saltutil.sync_all")
    assert p.returncode == 0, p.stderr
    assert "modules.hapc" in data["modules"] and "states.hapc" in data["states"], data
    return s
