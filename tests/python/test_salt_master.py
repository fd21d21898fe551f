"""The Salt modules as a fleet runs them: a real salt-master and three salt-minions on loopback,
each minion with its own HAProxy, the modules synced from the master's file_roots
(saltutil.sync_all), and the rolling-maintenance orchestration (salt/hapc/rolling_maintenance.sls)
run with salt-run state.orchestrate. Every check reads each HAProxy's own socket.

The master and minions are slow to start (seconds each), so one set serves the whole module;
each test leaves every HAProxy as it found it."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, VENV_BIN, hapc_answer
from haproxy_fixture import HAProxy, free_port, running

MINIONS = ("lb1", "lb2", "lb3")
# Bounds: start-up of the daemons, and any one salt / salt-run / salt-key command.
START_TIMEOUT = 90
COMMAND_TIMEOUT = 120


def _yaml(value):
    # JSON is YAML: config files written without a YAML library.
    return json.dumps(value, indent=1)


class SaltDaemon:
    """One salt-master or salt-minion in the foreground, in a process group of its own so that
    stop() ends it and every process it forked."""

    def __init__(self, program, conf_dir, log, env=None):
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen([str(VENV_BIN / program), "-c", str(conf_dir), "-l", "warning"],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, env=env)

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass


def stop_all(daemons, grace=5.0):
    """SIGTERM to every daemon's process group at once, then SIGKILL to whatever is left after
    `grace` seconds (a salt-minion may take its time to shut its job processes down)."""
    for d in daemons:
        d.signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for d in daemons:
        try:
            d.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for d in daemons:
        d.signal(signal.SIGKILL)  # also the processes a daemon forked that outlived it
        if d.proc.poll() is None:
            d.proc.wait(timeout=5)


class Fleet:
    """A salt-master and its minions lb1..lb3, all in one temporary directory, on 127.0.0.1.
    Each minion's config names its own HAProxy (hapc.socket, hapc.master_socket, hapc.config)
    and the hapc launcher, and gives it the grain roles: [loadbalancer]. The minions reach their
    HAProxy through relays (`wires`, one per minion) that record what hapc sent."""

    def __init__(self, directory, hapc, haproxies):
        self.dir = Path(directory)
        self.haproxies = dict(zip(MINIONS, haproxies))
        self.wires = {name: h.relayed() for name, h in self.haproxies.items()}
        self.hapc = hapc
        self.daemons = []
        self.publish_port, self.ret_port = free_port(), free_port()
        self.srv = self.dir / "srv"
        self.srv.mkdir(parents=True)
        (self.dir / "pillar").mkdir()
        self.master_conf = self._conf("master", "master", {
            "interface": "127.0.0.1",
            "publish_port": self.publish_port,
            "ret_port": self.ret_port,
            "worker_threads": 3,
            # The modules and the orchestration come from the repository's salt/ directory.
            "file_roots": {"base": [str(self.srv), str(ROOT / "salt")]},
            "pillar_roots": {"base": [str(self.dir / "pillar")]},
        })
        self.minion_confs = {}
        for name, h in self.wires.items():
            self.minion_confs[name] = self._conf(name, "minion", {
                "id": name,
                "master": "127.0.0.1",
                "master_port": self.ret_port,
                "publish_port": self.publish_port,
                # Retry the key exchange every second until the test accepts the key.
                "acceptance_wait_time": 1,
                "acceptance_wait_time_max": 1,
                "random_reauth_delay": 0,
                "grains": {"roles": ["loadbalancer"]},
                "hapc.executable": hapc,
                "hapc.socket": str(h.admin_socket),
                "hapc.master_socket": str(h.master_socket),
                "hapc.config": str(h.config),
            })

    def _conf(self, name, kind, settings):
        root = self.dir / name
        conf = root / "conf"
        conf.mkdir(parents=True)
        base = {"user": "root", "root_dir": str(root), "pki_dir": str(root / "pki"),
                "cachedir": str(root / "cache"), "sock_dir": str(root / "sock"),
                "pidfile": str(root / (kind + ".pid")), "log_file": str(root / (kind + ".log")),
                "log_level_logfile": "info"}
        (conf / kind).write_text(_yaml(dict(base, **settings)) + "\n")
        return conf

    # -- life cycle --------------------------------------------------------------------------
    def start(self):
        self.daemons.append(SaltDaemon("salt-master", self.master_conf, self.dir / "master.out"))
        # The hapc the minions run keeps its holds in the fleet's own store, not root's default.
        env = dict(os.environ, HAPC_STATE_DIR=str(self.dir / "hapc-state"))
        for name, conf in self.minion_confs.items():
            self.daemons.append(SaltDaemon("salt-minion", conf, self.dir / (name + ".out"), env=env))
        # The test accepts the minions' keys once all three wait for it.
        self._until(lambda: set(self.keys().get("minions_pre", [])) | set(self.keys().get("minions", []))
                    >= set(MINIONS), "the minions' keys to reach the master")
        out = self.run("salt-key", "-A", "-y")
        assert out.returncode == 0, out.stdout + out.stderr
        self._until(lambda: self.salt("*", "test.ping", timeout=5)[1] == {m: True for m in MINIONS},
                    "the minions to answer test.ping")
        return self

    def stop(self):
        stop_all(self.daemons)

    def _until(self, check, what):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for d in self.daemons:
                assert d.alive(), "%s exited: %s" % (d.proc.args, d.log.read_text()[-3000:])
            if check():
                return
            time.sleep(0.5)
        raise AssertionError("timed out waiting for %s; logs in %s" % (what, self.dir))

    # -- commands ----------------------------------------------------------------------------
    def run(self, program, *args, timeout=COMMAND_TIMEOUT):
        return subprocess.run([str(VENV_BIN / program), "-c", str(self.master_conf), *args],
                              capture_output=True, text=True, timeout=timeout)

    def keys(self):
        p = self.run("salt-key", "-L", "--out", "json")
        return json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else {}

    def salt(self, target, function, *args, timeout=30):
        """`salt TARGET FUNCTION ARGS`; returns (process, {minion: return})."""
        p = self.run("salt", "--out", "json", "--static", "-t", str(timeout), target, function, *args)
        try:
            data = json.loads(p.stdout)
        except ValueError:
            data = None
        return p, data

    def orchestrate(self, sls, pillar, test=False):
        """`salt-run state.orchestrate SLS pillar=...`; returns (process, {state id: result})."""
        p = self.run("salt-run", "--out", "json", "state.orchestrate", sls, "pillar=" + json.dumps(pillar),
                     *(["test=True"] if test else []))
        try:
            data = json.loads(p.stdout)
        except ValueError:
            raise AssertionError("salt-run gave no JSON: %s %s" % (p.stdout, p.stderr))
        runs = data["data"]
        (states,) = runs.values()  # one "<master id>_master" entry
        assert isinstance(states, dict), data
        return p, {v["__id__"]: v for v in states.values()}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, hapc, haproxy_binary):
    """One master and three minions per HAProxy version of the matrix (haproxy_binary)."""
    base = tmp_path_factory.mktemp("fleet")
    with running(*(HAProxy(base / ("haproxy-" + name), haproxy_binary) for name in MINIONS)) as haproxies:
        fleet = Fleet(base / "salt", hapc, haproxies)
        try:
            fleet.start()
            p, synced = fleet.salt("*", "saltutil.sync_all")
            assert p.returncode == 0, p.stdout + p.stderr
            for name in MINIONS:
                assert "modules.hapc" in synced[name]["modules"] and "states.hapc" in synced[name]["states"], synced
            yield fleet
        finally:
            fleet.stop()


@pytest.fixture
def lbs(fleet):
    """The three HAProxies, put back as they were (every server ready) after the test."""
    yield fleet.haproxies
    for h in fleet.haproxies.values():
        for backend in ("web", "db"):
            for server, state in h.admin_states(backend).items():
                if state != "ready":
                    h.set_state(backend, server, "ready")


def states_of(lbs, backend="db", server="db1"):
    return {name: h.admin_state(backend, server) for name, h in lbs.items()}


# -- the modules on the minions -----------------------------------------------------------------
def test_each_minion_reaches_its_own_haproxy(fleet, lbs):
    client = lbs["lb3"].hold_connection("db", "db", "db1")
    try:
        p, data = fleet.salt("*", "hapc.list_connections", "db", "db1")
        assert p.returncode == 0, p.stdout + p.stderr
        assert {m: data[m]["sessions"] for m in MINIONS} == {"lb1": 0, "lb2": 0, "lb3": 1}
    finally:
        client.close()

    p, data = fleet.salt("lb2", "hapc.drain_server", "web", "web2")
    assert p.returncode == 0, p.stdout + p.stderr
    assert data["lb2"]["changed"] is True
    assert {m: h.admin_state("web", "web2") for m, h in lbs.items()} == {"lb1": "ready", "lb2": "drain", "lb3": "ready"}


def test_unknown_server_fails_on_every_minion_with_hapcs_message(fleet, lbs):
    p, data = fleet.salt("*", "hapc.drain_server", "web", "nosuch")
    for name, h in lbs.items():
        rc, direct = hapc_answer(fleet.hapc, {"action": "drain-server", "backend": "web", "server": "nosuch",
                                              "socket": str(h.admin_socket)})
        assert rc == 2
        assert data[name].startswith("ERROR") and direct["msg"] in data[name], data
    assert all(s == "ready" for h in lbs.values() for s in h.admin_states("web").values())


# -- the orchestration --------------------------------------------------------------------------
ORCH = "hapc.rolling_maintenance"
DRAIN, MAINT, ENABLE, VERIFY = ("drain db1 on every load balancer", "maintenance of db1",
                                "enable db1 on every load balancer", "db1 back in rotation everywhere")


@pytest.fixture
def probe(lbs, tmp_path):
    """A maintenance command that records db1's admin state on every load balancer while it
    runs (so the test sees what the maintenance step saw) into a file."""
    record = tmp_path / "maintenance-saw"
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys\n"
        "sys.path.insert(0, %r)\n"
        "from haproxy_fixture import unix_exchange\n"
        "from pathlib import Path\n"
        "states = []\n"
        "for sock in %r:\n"
        "    lines = [l for l in unix_exchange(sock, 'show servers state db').splitlines() if l and l[0] != '#']\n"
        "    row = next(l.split() for l in lines[1:] if l.split()[3] == 'db1')\n"
        "    states.append(row[6])\n"  # srv_admin_state
        "Path(%r).write_text(' '.join(states))\n"
        % (str(ROOT / "tests" / "python"), [str(h.admin_socket) for h in lbs.values()], str(record)))
    return record, "%s %s" % (sys.executable, script)


def pillar(command, **extra):
    return dict(backend="db", server="db1", app_minion="lb1", maintenance_command=command,
                lb_target="G@roles:loadbalancer", **extra)


def test_orchestration_test_mode_reports_and_changes_nothing(fleet, lbs, probe):
    record, command = probe
    for wire in fleet.wires.values():
        wire.clear()
    p, res = fleet.orchestrate(ORCH, pillar(command, drain_timeout=10), test=True)
    assert res[DRAIN]["result"] is None, res[DRAIN]
    # Each load balancer's answer: db1 would go from ready to drain there.
    minions = res[DRAIN]["changes"]["ret"]
    assert set(minions) == set(MINIONS), minions
    for name, states in minions.items():
        (drain,) = states.values()
        assert drain["result"] is None and drain["changes"]["new"]["admin_state"] == "drain", drain
    assert res[MAINT]["result"] is None
    assert not record.exists()
    # On each load balancer's wire: db1 was read, nothing that changes HAProxy was sent.
    for name, wire in fleet.wires.items():
        assert wire.read_servers_state() and wire.changes() == [], (name, wire.admin.commands())
    assert states_of(lbs) == {"lb1": "ready", "lb2": "ready", "lb3": "ready"}


def test_orchestration_drains_everywhere_runs_maintenance_once_and_enables(fleet, lbs, probe):
    record, command = probe
    for wire in fleet.wires.values():
        wire.clear()
    p, res = fleet.orchestrate(ORCH, pillar(command, drain_timeout=10))
    assert p.returncode == 0, p.stdout + p.stderr
    assert all(r["result"] is True for r in res.values()), res
    # While the maintenance step ran, db1 was drained (admin state bit 0x08) on all three.
    assert record.read_text().split() == ["8", "8", "8"]
    assert set(res[ENABLE]["changes"]["ret"]) == set(MINIONS)
    for name, wire in fleet.wires.items():
        assert wire.changes() == ["set server db/db1 state drain", "set server db/db1 state ready"], name
    assert states_of(lbs) == {"lb1": "ready", "lb2": "ready", "lb3": "ready"}


def test_orchestration_stops_when_one_wait_expires_and_db1_stays_drained(fleet, lbs, probe):
    record, command = probe
    client = lbs["lb2"].hold_connection("db", "db", "db1")  # lb2's db1 keeps a session
    try:
        p, res = fleet.orchestrate(ORCH, pillar(command, drain_timeout=2))
        assert p.returncode != 0
        assert res[DRAIN]["result"] is False, res[DRAIN]
        lb2 = next(iter(res[DRAIN]["changes"]["ret"]["lb2"].values()))
        assert lb2["result"] is False and lb2["changes"]["new"]["admin_state"] == "drain", lb2
        # The orchestration stopped: no maintenance, no enable, db1 drained everywhere.
        assert not record.exists()
        assert res.get(ENABLE, {}).get("result") is not True
        assert states_of(lbs) == {"lb1": "drain", "lb2": "drain", "lb3": "drain"}
        assert lbs["lb2"].sessions("db", "db1") == 1
    finally:
        client.close()


def test_orchestration_without_pillar_values_fails_and_changes_nothing(fleet, lbs):
    for wire in fleet.wires.values():
        wire.clear()
    p, res = fleet.orchestrate(ORCH, {"backend": "db"})
    assert p.returncode != 0
    (only,) = res.values()
    assert only["result"] is False and "server" in only["comment"] and "maintenance_command" in only["comment"]
    assert all(w.admin.connections == [] and w.master.connections == [] for w in fleet.wires.values()), \
        "refused before any minion called hapc"
    assert states_of(lbs) == {"lb1": "ready", "lb2": "ready", "lb3": "ready"}
