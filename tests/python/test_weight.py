"""Weight and the return to rotation through the wrappers: hapc.haproxy.server (weight, wait on
enable, ramp, on_timeout) with real ansible-playbook runs, and hapc.set_weight,
hapc.server_weight and the new arguments of the Salt functions and states with real salt-call
runs. HAProxy's own state (srv_uweight, srv_iweight, the admin state, scur) is the judge."""

import json
import os
import socket
import stat
import time

import pytest

from conftest import task as module_task, task_result
from haproxy_fixture import HAProxy, free_port, running
from test_ansible import play
from test_salt import conn, conn_yaml


@pytest.fixture
def weighted(tmp_path, haproxy_binary):
    """The usual test HAProxy (each version of the matrix), web1 configured at weight 100 (the others 1)."""
    h = HAProxy(tmp_path / "lb-weighted", haproxy_binary)
    text = h.config.read_text()
    h.config.write_text(text.replace("server web1 127.0.0.1:%d\n" % h.ports["web1"],
                                     "server web1 127.0.0.1:%d weight 100\n" % h.ports["web1"]))
    with running(h):
        yield h


def weight(h, backend, server):
    """(srv_uweight, srv_iweight) from HAProxy's `show servers state`."""
    row = h.servers_state(backend)[server]
    return int(row["srv_uweight"]), int(row["srv_iweight"])


def task(name, state=None, **options):
    """A hapc.haproxy.server task on web/web1."""
    return module_task(name, backend="web", server="web1", **(dict(state=state) if state else {}), **options)


def counting_launcher(tmp_path, hapc):
    """A launcher that logs each call, then runs hapc: proves ONE hapc request per task."""
    log = tmp_path / "calls.log"
    path = tmp_path / "hapc-counting"
    path.write_text("#!/bin/sh\necho call >> %s\nexec %s \"$@\"\n" % (log, hapc))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path, log


# -- Ansible ----------------------------------------------------------------------------------
def test_ansible_weight_alone_check_mode_apply_and_idempotence(ansible, weighted):
    wire = weighted.relayed()
    inv = ansible.hapc_inventory(wire)
    half = play(task("half weight", weight="50%"))
    p, data = ansible.playbook(half, inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "half weight")
    assert res["changed"] is True and res["action"] == "set-weight" and res["after"]["weight"] == 50
    assert wire.read_servers_state() and wire.changes() == [], "check mode sends only reads"
    assert weight(weighted, "web", "web1") == (100, 100), "check mode changed nothing"

    p, data = ansible.playbook(half, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "half weight")["changed"] is True
    assert wire.changes() == ["set weight web/web1 50"], "the one write, sent once"
    assert weight(weighted, "web", "web1") == (50, 100)
    assert weighted.admin_state("web", "web1") == "ready"

    wire.clear()
    p, data = ansible.playbook(half, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "half weight")["changed"] is False
    assert wire.read_servers_state() and wire.changes() == [], "nothing sent"

    wire.clear()
    p, data = ansible.playbook(play(task("too heavy", weight=300)), inv)
    assert p.returncode != 0
    res = task_result(data, "too heavy")
    assert res["failed"] is True and res["rc"] == 2 and res["error"]["kind"] == "invalid_request"
    assert wire.admin.connections == [] and wire.master.connections == [], "refused before connecting"
    assert weight(weighted, "web", "web1") == (50, 100), "nothing changed"


def test_ansible_enabled_with_weight_is_one_hapc_request(ansible, weighted, tmp_path):
    launcher, log = counting_launcher(tmp_path, ansible.hapc)
    inv = ansible.hapc_inventory(weighted, hapc_executable=str(launcher))
    weighted.set_state("web", "web1", "drain")
    p, data = ansible.playbook(play(task("back at 30", "enabled", weight=30)), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "back at 30")
    assert res["changed"] is True and res["action"] == "enable-server"
    assert weighted.admin_state("web", "web1") == "ready"
    assert weight(weighted, "web", "web1") == (30, 100)
    assert log.read_text().split() == ["call"], "one hapc call for state and weight"


def test_ansible_enabled_with_wait_and_ramp(ansible, weighted):
    inv = ansible.hapc_inventory(weighted)
    weighted.set_state("web", "web1", "maint")
    p, data = ansible.playbook(play(task("back ramped", "enabled", wait="true", ramp=2)), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "back ramped")
    assert res["changed"] is True
    assert res["health"][0]["up"] is True and res["health"][0]["checked"] is False  # no check: up at once
    assert res["ramp"]["completed"] is True and res["ramp"]["steps_done"] == 3
    assert weighted.admin_state("web", "web1") == "ready"
    assert weight(weighted, "web", "web1") == (100, 100), "ends exactly at the configured weight"

    p, data = ansible.playbook(play(task("back ramped", "enabled", wait="true", ramp=2)), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "back ramped")["changed"] is False, "in rotation at full weight: nothing to ramp"


CHECKED = """
backend checked
    server app1 127.0.0.1:{app} check inter 200ms rise 2 fall 1
"""


@pytest.fixture
def checked(tmp_path, haproxy_binary):
    """The usual test HAProxy (each version of the matrix) with backend `checked`: app1 health-checked
    on a port nothing listens on yet (`checked.app_port`), so it is DOWN until the test listens there."""
    app_port = free_port()
    h = HAProxy(tmp_path / "lb-checked", haproxy_binary, extra_config=CHECKED.replace("{app}", str(app_port)))
    h.app_port = app_port
    with running(h):
        yield h


def test_ansible_enabled_with_wait_returns_once_the_health_check_passed(ansible, checked):
    deadline = time.monotonic() + 10
    while not checked.stat("checked", "app1")["status"].startswith("DOWN") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checked.stat("checked", "app1")["status"].startswith("DOWN")
    checked.set_state("checked", "app1", "maint")
    wire = checked.relayed()
    proc = ansible.popen(play(module_task("back when up", backend="checked", server="app1", state="enabled",
                                          wait=True, timeout=40)), ansible.hapc_inventory(wire))
    try:
        deadline = time.monotonic() + 20
        while checked.admin_state("checked", "app1") != "ready" and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        assert proc.poll() is None, "returned while the check still failed: %s" % (proc.communicate(),)
        assert checked.stat("checked", "app1")["status"].startswith("DOWN")
        with socket.create_server(("127.0.0.1", checked.app_port)):
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, out + err
            status = checked.stat("checked", "app1")["status"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    res = task_result(json.loads(out), "back when up")
    assert res["changed"] is True and res["health"][0]["up"] is True and res["health"][0]["checked"] is True, res
    assert res["waited_seconds"] >= 1.0, res
    assert status == "UP", "HAProxy said UP when the task returned"
    assert wire.changes() == ["set server checked/app1 state ready"], "the enable once, then only reads"


def test_ansible_drain_on_timeout_stop(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    haproxy.hold_connection("db", "db", "db1")
    text = play(module_task("drain db1, then cut", backend="db", server="db1", state="drained", wait=True,
                            timeout=1, on_timeout="stop"))
    p, data = ansible.playbook(text, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain db1, then cut")
    assert res["escalated"] is True and res["sessions_killed"] is True and res["sessions_killed_count"] == 1
    assert haproxy.admin_state("db", "db1") == "maint"
    haproxy.wait_sessions("db", "db1", 0)


# -- Salt -------------------------------------------------------------------------------------
def test_salt_set_weight_function_and_server_weight_state(salt, weighted):
    wire = weighted.relayed()
    p, data = salt.call("hapc.set_weight", "web", "web1", "25%", "check_mode=True", *conn(wire))
    assert p.returncode == 0, p.stderr
    assert data["changed"] is True and data["after"]["weight"] == 25
    assert wire.read_servers_state() and wire.changes() == [], "check mode sends only reads"
    assert weight(weighted, "web", "web1") == (100, 100)

    p, data = salt.call("hapc.set_weight", "web", "web1", "40", *conn(wire))
    assert p.returncode == 0, p.stderr
    assert wire.changes() == ["set weight web/web1 40"], "the one write, sent once"
    assert weight(weighted, "web", "web1") == (40, 100)

    wire.clear()
    p, _ = salt.call("hapc.set_weight", "web", "web1", "101%", *conn(wire))
    assert p.returncode != 0
    assert wire.admin.connections == [] and wire.master.connections == [], "refused before connecting"
    assert weight(weighted, "web", "web1") == (40, 100), "refused, nothing changed"

    sls = salt.sls("weight_web1", "web1 at half:\n  hapc.server_weight:\n    - name: web1\n    - backend: web\n"
                   "    - weight: 50%\n" + conn_yaml(wire))
    p, results = salt.apply(sls, test=True)
    assert results["web1 at half"]["result"] is None and results["web1 at half"]["changes"]
    assert wire.read_servers_state() and wire.changes() == [], "test=True sends only reads"
    assert weight(weighted, "web", "web1") == (40, 100)
    p, results = salt.apply(sls)
    assert results["web1 at half"]["result"] is True and results["web1 at half"]["changes"]
    assert weight(weighted, "web", "web1") == (50, 100)
    p, results = salt.apply(sls)
    assert results["web1 at half"]["result"] is True and not results["web1 at half"]["changes"]


def test_salt_enable_with_wait_ramp_and_weight(salt, weighted):
    weighted.set_state("web", "web1", "drain")
    p, data = salt.call("hapc.enable_server", "web", "web1", "wait=True", "ramp=2", *conn(weighted))
    assert p.returncode == 0, p.stderr
    assert data["ramp"]["completed"] is True and data["health"][0]["up"] is True
    assert weighted.admin_state("web", "web1") == "ready"
    assert weight(weighted, "web", "web1") == (100, 100)

    weighted.set_state("web", "web1", "maint")
    wire = weighted.relayed()
    sls = salt.sls("enable_web1", "web1 back:\n  hapc.server_enabled:\n    - name: web1\n    - backend: web\n"
                   "    - wait: True\n    - weight: 10\n" + conn_yaml(wire))
    p, results = salt.apply(sls, test=True)
    assert results["web1 back"]["result"] is None
    assert wire.read_servers_state() and wire.changes() == [], "test=True sends only reads"
    assert weighted.admin_state("web", "web1") == "maint"
    p, results = salt.apply(sls)
    assert results["web1 back"]["result"] is True, results
    assert weighted.admin_state("web", "web1") == "ready"
    assert weight(weighted, "web", "web1") == (10, 100)


def test_salt_drained_state_on_timeout_stop(salt, haproxy):
    haproxy.hold_connection("db", "db", "db1")
    sls = salt.sls("drain_db1", "db1 out:\n  hapc.server_drained:\n    - name: db1\n    - backend: db\n"
                   "    - wait: True\n    - timeout: 1\n    - on_timeout: stop\n" + conn_yaml(haproxy))
    p, results = salt.apply(sls)
    assert results["db1 out"]["result"] is True, results
    assert haproxy.admin_state("db", "db1") == "maint"
    haproxy.wait_sessions("db", "db1", 0)
