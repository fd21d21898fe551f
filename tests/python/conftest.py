"""Shared fixtures: real HAProxy instances, the hapc launcher, and runners for real
ansible-playbook and salt-call processes (from the venv this pytest runs in).

Every test that takes `haproxy` or `three_haproxies` runs once per HAProxy version of the
matrix (ids "HAProxy-2.6", "HAProxy-3.0"; the binary is `haproxy.binary`). Every test is
bounded (pytest-timeout, TEST_TIMEOUT below): a hang fails that test instead of stalling CI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from haproxy_fixture import HAProxy, binaries, running  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Bound on any one ansible-playbook or salt-call run.
RUN_TIMEOUT = 120
# Bound on any one test (several runs at most), unless it sets its own @pytest.mark.timeout.
TEST_TIMEOUT = 300

try:
    MATRIX = binaries()
except RuntimeError as e:
    MATRIX, MATRIX_ERROR = [], str(e)
else:
    MATRIX_ERROR = None


def pytest_configure(config):
    if MATRIX_ERROR:
        raise pytest.UsageError(MATRIX_ERROR)
    if not config.pluginmanager.hasplugin("timeout"):
        raise pytest.UsageError("pytest-timeout is missing (scripts/venv installs it from requirements-dev.txt):"
                                " without it a hung test would stall the whole run")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


def pytest_terminal_summary(terminalreporter):
    """How many tests ran on each HAProxy version (from the parameter ids)."""
    counts = {name: 0 for name, _ in MATRIX}
    for status in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(status, []):
            if getattr(report, "when", None) == "call":
                for name in counts:
                    if "[%s" % name in report.nodeid or "-%s]" % name in report.nodeid:
                        counts[name] += 1
    terminalreporter.write_line("tests per HAProxy version: " + ", ".join("%s: %d" % kv for kv in counts.items()))


@pytest.fixture(scope="session", params=[b for _, b in MATRIX], ids=[i for i, _ in MATRIX])
def haproxy_binary(request):
    """The HAProxy binary of this test's version (the test runs once per version)."""
    return request.param


@pytest.fixture(scope="session")
def hapc():
    """The hapc launcher under test: $HAPC, else <repo>/bin/hapc."""
    path = os.environ.get("HAPC") or str(ROOT / "bin" / "hapc")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail("no hapc launcher at %s: build hapc or set HAPC to its path" % path)
    return path


def hapc_answer(hapc, request):
    """Runs hapc directly (no wrapper) with one JSON request; returns (exit status, answer),
    the answer checked as strictly as the Java tests do: one line, one JSON object, nothing after
    it (json.loads refuses trailing data), valid against the action's response schema."""
    p = subprocess.run([hapc, "--json-in", "-"], input=json.dumps(request), capture_output=True,
                       text=True, timeout=RUN_TIMEOUT)
    assert p.stdout.endswith("\n") and p.stdout.count("\n") == 1, "not one line: %r %r" % (p.stdout, p.stderr)
    answer = json.loads(p.stdout)
    assert isinstance(answer, dict), p.stdout
    assert_valid_answer(answer)
    return p.returncode, answer


def assert_valid_answer(answer):
    """Validates an answer against schemas/ACTION.response.schema.json (the error schema when the
    action is unknown)."""
    action = answer.get("action") if isinstance(answer.get("action"), str) else "error"
    path = ROOT / "schemas" / ("%s.response.schema.json" % action)
    if not path.exists():
        path = ROOT / "schemas" / "error.response.schema.json"
    jsonschema.validate(answer, json.loads(path.read_text()), cls=jsonschema.Draft202012Validator)


@pytest.fixture(autouse=True)
def hapc_state_dir(tmp_path, monkeypatch):
    """hapc's store of maintenance holds for this test alone (HAPC_STATE_DIR, inherited by every
    hapc, ansible-playbook and salt-call the test starts): no hold of one test is seen by
    another, and none lands in root's default store."""
    path = tmp_path / "hapc-state"
    path.mkdir()
    monkeypatch.setenv("HAPC_STATE_DIR", str(path))
    return path


def holds(hapc, haproxy, backend, socket=None):
    """{server: [owner, ...]} of every server of a backend, as hapc's store has them. The holds
    live in hapc's store, not in HAProxy, so hapc is the one reader: a drain-server of every
    server in check mode (which reads the store and HAProxy, and changes neither) gives each
    target's `before.holds`."""
    names = sorted(haproxy.servers_state(backend))
    rc, answer = hapc_answer(hapc, {"action": "drain-server", "backend": backend, "server": names,
                                    "check_mode": True, "socket": str(socket or haproxy.admin_socket)})
    assert rc == 0, answer
    return {t["server"]: [h["owner"] for h in t["before"].get("holds") or []] for t in answer["targets"]}


@pytest.fixture
def haproxy(tmp_path, haproxy_binary):
    with running(HAProxy(tmp_path / "lb", haproxy_binary)) as (h,):
        yield h


@pytest.fixture
def three_haproxies(tmp_path, haproxy_binary):
    with running(*(HAProxy(tmp_path / ("lb%d" % (i + 1)), haproxy_binary) for i in range(3))) as started:
        yield started


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

    def hapc_vars(self, haproxy, **override):
        """The hapc_* host variables that point the hapc.haproxy modules at one HAProxy (or at a
        `Relayed` one: its relays), through this test's hapc launcher; `override` replaces any."""
        return dict(dict(hapc_socket=str(haproxy.admin_socket), hapc_master_socket=str(haproxy.master_socket),
                         hapc_config=str(haproxy.config), hapc_executable=self.hapc), **override)

    def hapc_inventory(self, haproxies, **override):
        """The inventory of the load balancers: one HAProxy as host localhost, a list of them as
        hosts lb1, lb2, ... (in order), each with its hapc_* variables (`hapc_vars`)."""
        if isinstance(haproxies, (list, tuple)):
            return self.inventory({"lb%d" % (i + 1): self.hapc_vars(h, **override) for i, h in enumerate(haproxies)})
        return self.inventory({"localhost": self.hapc_vars(haproxies, **override)})

    def inventory(self, hosts, **groups):
        """An INI inventory: {host: {var: value}} in the group loadbalancers, and each keyword
        argument a further group of hosts ({host: {var: value}}); every host on the local
        connection."""
        lines = []
        for group, members in dict(loadbalancers=hosts, **groups).items():
            lines.append("[%s]" % group)
            for host, hostvars in members.items():
                pairs = dict(ansible_connection="local", ansible_python_interpreter=sys.executable, **hostvars)
                lines.append(host + " " + " ".join("%s=%s" % kv for kv in pairs.items()))
        path = self.dir / "inventory.ini"
        path.write_text("\n".join(lines) + "\n")
        return path

    def lb_vars(self, haproxy, socket=None):
        """The host variables through which the collection's playbooks reach a load balancer's
        HAProxy (socket: a relay's path instead of the admin socket)."""
        return dict(hapc_socket=socket or haproxy.admin_socket, hapc_master_socket=haproxy.master_socket,
                    hapc_config=haproxy.config, hapc_executable=self.hapc)

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


def state_probe(tmp_path, haproxies, *servers):
    """A maintenance command that records, on each call, one line per HAProxy: the admin states
    of `servers` ("backend/server") there, space-separated, read on its own admin socket. So a
    test sees what the maintenance step saw. Returns (the record file, the command)."""
    record, script = Path(tmp_path) / "maintenance-saw", Path(tmp_path) / "probe.py"
    script.write_text(
        "import sys\n"
        "sys.path.insert(0, %r)\n"
        "from haproxy_fixture import HAProxy\n"
        "with open(%r, 'a') as out:\n"
        "    for d in %r:\n"
        "        h = HAProxy.__new__(HAProxy); h.admin_socket = d + '/admin.sock'\n"
        "        out.write(' '.join(h.admin_state(*s.split('/')) for s in %r) + '\\n')\n"
        % (str(Path(__file__).parent), str(record), [str(h.dir) for h in haproxies], list(servers)))
    return record, "%s %s" % (sys.executable, script)


def task(name, module="hapc.haproxy.server", **args):
    """One task of a play: the module with its arguments (values written as JSON, which is YAML)."""
    lines = ["    - name: %s" % name, "      %s:" % module]
    lines += ["        %s: %s" % (k, json.dumps(v)) for k, v in args.items()]
    return "\n".join(lines)


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

    def __init__(self, workdir, hapc=None, srv=None, settings=(), minion_id="hapc-test"):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.srv = Path(srv) if srv else self.dir / "srv"
        self.srv.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "conf"
        conf.mkdir(exist_ok=True)
        lines = [
            "file_client: local",
            "id: %s" % minion_id,
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
        lines += ["%s: %s" % kv for kv in settings]
        (conf / "minion").write_text("\n".join(lines) + "\n")
        self.conf = conf

    # Where saltutil.sync_all puts the synced modules: Salt roots its default extension_modules
    # (/var/cache/salt/minion/extmods) under root_dir, as it would any absolute path set here.
    EXTMODS = Path("root/var/cache/salt/minion/extmods")

    def sibling(self, workdir, minion_id, **settings):
        """Another salt-call --local with its own id, cache and state lock (so several run at
        once, as several minions would), the same SLS files, and this one's synced hapc
        modules (its extension_modules directory a link to this one's: no second
        saltutil.sync_all). `settings`: more minion config, e.g. {"hapc.socket": path}."""
        config = (self.conf / "minion").read_text()
        executable = [l.split(":", 1)[1].strip() for l in config.splitlines() if l.startswith("hapc.executable:")]
        other = Salt(workdir, executable[0] if executable else None, srv=self.srv, minion_id=minion_id,
                     settings=sorted(settings.items()))
        (other.dir / self.EXTMODS).parent.mkdir(parents=True, exist_ok=True)
        (other.dir / self.EXTMODS).symlink_to(self.dir / self.EXTMODS, target_is_directory=True)
        return other

    def popen(self, *args):
        """salt-call --local started, not waited for (several at once); communicate() gives its
        JSON output."""
        return subprocess.Popen(
            [str(VENV_BIN / "salt-call"), "--local", "-c", str(self.conf), "--out", "json",
             "--log-level", "quiet", "--retcode-passthrough", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

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
