"""The rolling playbook over real SSH: an sshd started by the test on loopback (its own host key,
config and authorized key in a temporary directory, a port of its own, listening on 127.0.0.2,
127.0.0.3 and 127.0.0.4), three inventory hosts, one per address, each with its own host vars
and its own HAProxy. Host keys are checked (a known_hosts file of the test's own); no
connection sharing (no ControlPersist master outlives a playbook), so every task is a fresh SSH
login, with the module piped over it (pipelining: one login per task instead of four)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, state_probe, task_result
from haproxy_fixture import free_port

SSHD = "/usr/sbin/sshd"
ADDRESSES = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
ROLLING = str(ROOT / "ansible" / "playbooks" / "rolling_maintenance.yml")
DRAIN, ENABLE = "Drain the server and wait for its sessions to end", "Enable the server again"


class Sshd:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.host_key = self.dir / "ssh_host_ed25519_key"
        self.client_key = self.dir / "id_ed25519"
        self.known_hosts = self.dir / "known_hosts"
        self.log = self.dir / "sshd.log"
        self.proc = None
        self._made_privsep_dir = False

    def start(self, timeout=15.0):
        for key in (self.host_key, self.client_key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=30)
        (self.dir / "authorized_keys").write_text(Path(str(self.client_key) + ".pub").read_text())
        host_pub = Path(str(self.host_key) + ".pub").read_text().split()[:2]
        self.known_hosts.write_text("".join("[%s]:%d %s\n" % (a, self.port, " ".join(host_pub)) for a in ADDRESSES))
        config = self.dir / "sshd_config"
        config.write_text("".join("ListenAddress %s:%d\n" % (a, self.port) for a in ADDRESSES) + """\
HostKey {dir}/ssh_host_ed25519_key
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The temporary directory is not laid out as sshd's strict checks of a home directory want.
StrictModes no
Subsystem sftp internal-sftp
LogLevel INFO
# hapc's maintenance holds in a store of this test's own, not root's default one.
SetEnv HAPC_STATE_DIR={dir}/hapc-state
""".format(dir=self.dir))
        # sshd insists on its privilege-separation directory (made by the system service, which
        # does not run here); made if missing and removed again by stop().
        if not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", mode=0o755)
            self._made_privsep_dir = True
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sshd exited with %s: %s" % (self.proc.returncode, self.log.read_text()))
            try:
                for a in ADDRESSES:
                    socket.create_connection((a, self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("sshd did not listen on %s port %d within %ss" % (ADDRESSES, self.port, timeout))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self._made_privsep_dir:
            shutil.rmtree("/run/sshd", ignore_errors=True)

    def ssh_vars(self, address):
        """The inventory variables that log in to `address` through this sshd."""
        return dict(ansible_host=address, ansible_port=self.port, ansible_user="root",
                    ansible_ssh_private_key_file=str(self.client_key),
                    ansible_ssh_common_args="-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes" % self.known_hosts,
                    ansible_remote_tmp=str(self.dir / "remote-tmp"))


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    if os.geteuid() != 0 or not os.access(SSHD, os.X_OK):
        pytest.fail("the SSH test needs root and %s (scripts/install-deps installs openssh-server)" % SSHD)
    d = Sshd(tmp_path_factory.mktemp("sshd"))
    try:
        yield d.start()
    finally:
        d.stop()


@pytest.fixture
def over_ssh(ansible, sshd):
    """The ansible runner over SSH: host keys checked against the test's known_hosts, no
    ControlPersist master left running after a playbook, modules piped over the login."""
    ansible.env.update(ANSIBLE_HOST_KEY_CHECKING="1", ANSIBLE_SSH_ARGS="-o ControlMaster=no", ANSIBLE_PIPELINING="1",
                       ANSIBLE_TIMEOUT="20")
    return ansible


def results(data, task_name):
    """{host: result} of one task over every play and serial batch of a run."""
    return {host: r for play in data["plays"] for t in play["tasks"] if t["task"]["name"] == task_name
            for host, r in t["hosts"].items()}


def ssh_inventory(ansible, sshd, lbs):
    hosts = {}
    for i, (address, h) in enumerate(zip(ADDRESSES, lbs)):
        hosts["lb%d" % (i + 1)] = dict(sshd.ssh_vars(address), ansible_python_interpreter=sys.executable,
                                       **ansible.hapc_vars(h))
    path = ansible.dir / "inventory.yml"
    path.write_text(json.dumps({"loadbalancers": {"hosts": hosts}}, indent=1))  # JSON is YAML
    return path


def test_each_host_is_reached_over_ssh_at_its_own_address(over_ssh, sshd, three_haproxies):
    inv = ssh_inventory(over_ssh, sshd, three_haproxies)
    play = """\
- hosts: loadbalancers
  gather_facts: false
  tasks:
    - name: where the login came from and went to
      ansible.builtin.command: printenv SSH_CONNECTION
      changed_when: false
"""
    p, data = over_ssh.playbook(play, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    for host, address in zip(("lb1", "lb2", "lb3"), ADDRESSES):
        client, _, server, port = task_result(data, "where the login came from and went to", host)["stdout"].split()
        assert (server, int(port)) == (address, sshd.port)


def test_rolling_playbook_in_check_mode_with_serial_changes_nothing(over_ssh, sshd, three_haproxies, tmp_path):
    wires = [h.relayed() for h in three_haproxies]
    inv = ssh_inventory(over_ssh, sshd, wires)
    marker = tmp_path / "maintenance-ran"
    extra = {"backend": "db", "server": "db1", "lb_serial": 1, "drain_timeout": 10,
             "maintenance_command": "touch %s" % marker}
    p, data = over_ssh.playbook(ROLLING, inv, "--check", "-e", json.dumps(extra))
    assert p.returncode == 0, p.stdout + p.stderr
    # serial 1: one play entry per batch, one host each, lb1 then lb2 then lb3.
    drain_batches = [list(t["hosts"]) for play in data["plays"] for t in play["tasks"] if t["task"]["name"] == DRAIN]
    assert drain_batches == [["lb1"], ["lb2"], ["lb3"]]
    for host in ("lb1", "lb2", "lb3"):
        res = results(data, DRAIN)[host]
        assert res["changed"] is True and res["check_mode"] is True and res["before"]["admin_state"] == "ready", res
        assert data["stats"][host]["failures"] == 0 and data["stats"][host]["unreachable"] == 0
    assert not marker.exists()
    for wire in wires:
        assert wire.read_servers_state() and wire.changes() == [], "check mode sends only reads"
    for h in three_haproxies:
        assert h.admin_state("db", "db1") == "ready"


def test_rolling_playbook_over_ssh_with_serial(over_ssh, sshd, three_haproxies, tmp_path):
    inv = ssh_inventory(over_ssh, sshd, three_haproxies)
    record, probe = state_probe(tmp_path, three_haproxies, "db/db1")
    extra = {"backend": "db", "server": "db1", "lb_serial": 2, "drain_timeout": 10,
             "maintenance_command": probe}
    p, data = over_ssh.playbook(ROLLING, inv, "-e", json.dumps(extra))
    assert p.returncode == 0, p.stdout + p.stderr
    drain_batches = [sorted(t["hosts"]) for play in data["plays"] for t in play["tasks"] if t["task"]["name"] == DRAIN]
    assert drain_batches == [["lb1", "lb2"], ["lb3"]]
    assert record.read_text().split() == ["drain", "drain", "drain"]
    for host in ("lb1", "lb2", "lb3"):
        assert results(data, ENABLE)[host]["changed"] is True
    for h in three_haproxies:
        assert h.admin_state("db", "db1") == "ready"
