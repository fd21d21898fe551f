"""The hapc.haproxy collection, driven by real ansible-playbook runs against real HAProxy."""

import json
import shutil
import time

from conftest import ROOT, hapc_answer, state_probe, task, task_result


def play(*tasks):
    """A play on the inventory's hosts, every hapc.haproxy module pointed at the host's HAProxy."""
    body = "\n".join(tasks)
    return """\
- hosts: all
  gather_facts: false
  module_defaults:
    group/hapc.haproxy.hapc:
      socket: "{{ hapc_socket }}"
      master_socket: "{{ hapc_master_socket }}"
      config: "{{ hapc_config }}"
      executable: "{{ hapc_executable }}"
  tasks:
%s
""" % body


def server_task(name, backend, server, state, **extra):
    return task(name, backend=backend, server=server, state=state, **extra)


DRAIN_WEB1 = play(server_task("drain web1", "web", "web1", "drained"))


def test_check_mode_reports_change_and_changes_nothing(ansible, haproxy):
    # hapc reaches HAProxy through relays that record every command: check mode sends only reads.
    wire = haproxy.relayed()
    inv = ansible.hapc_inventory(wire)
    p, data = ansible.playbook(DRAIN_WEB1, inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web1")
    assert res["changed"] is True
    assert res["check_mode"] is True
    assert res["before"]["admin_state"] == "ready"
    # On the wire: the server was read, nothing that changes HAProxy was sent.
    assert wire.read_servers_state(), wire.admin.commands()
    assert wire.changes() == [], (wire.admin.commands(), wire.master.commands())
    # HAProxy itself: nothing changed.
    assert haproxy.admin_states() == {"web1": "ready", "web2": "ready", "web3": "ready"}


def test_apply_changes_and_second_run_reports_no_change(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    p, data = ansible.playbook(DRAIN_WEB1, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web1")
    assert res["changed"] is True and res["after"]["admin_state"] == "drain"
    assert haproxy.admin_states() == {"web1": "drain", "web2": "ready", "web3": "ready"}
    assert res["msg"]  # hapc's sentence is the task's message

    p, data = ansible.playbook(DRAIN_WEB1, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "drain web1")["changed"] is False
    assert data["stats"]["localhost"]["changed"] == 0
    assert haproxy.admin_state("web", "web1") == "drain"


def test_stop_then_enable(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    p, data = ansible.playbook(play(server_task("stop web2", "web", "web2", "stopped")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "stop web2")["changed"] is True
    assert haproxy.admin_state("web", "web2") == "maint"
    p, data = ansible.playbook(play(server_task("enable web2", "web", "web2", "enabled")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "enable web2")["changed"] is True
    assert haproxy.admin_state("web", "web2") == "ready"


def test_diff_shows_before_and_after(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    p, _ = ansible.playbook(play(server_task("stop web3", "web", "web3", "stopped")), inv,
                            "--diff", json_output=False)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "--- before: web/web3" in out and "+++ after: web/web3" in out, out
    removed = [l for l in out.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in out.splitlines() if l.startswith("+") and not l.startswith("+++")]
    assert any("ready" in l for l in removed), out
    assert any("maint" in l for l in added), out
    assert haproxy.admin_state("web", "web3") == "maint"


def test_check_mode_with_diff_shows_what_would_change(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    p, _ = ansible.playbook(DRAIN_WEB1, inv, "--check", "--diff", json_output=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert any(l.startswith("+") and "drain" in l for l in p.stdout.splitlines()), p.stdout
    assert haproxy.admin_state("web", "web1") == "ready"


def test_unknown_server_fails_with_hapcs_message(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    p, data = ansible.playbook(play(server_task("drain nosuch", "web", "nosuch", "drained")), inv)
    assert p.returncode != 0
    res = task_result(data, "drain nosuch")
    assert res["failed"] is True
    rc, direct = hapc_answer(ansible.hapc, {"action": "drain-server", "backend": "web", "server": "nosuch",
                                            "socket": str(haproxy.admin_socket)})
    assert rc == 2 and direct["failed"] is True
    assert res["msg"] == direct["msg"]
    assert res["error"]["kind"] == direct["error"]["kind"] == "not_found"
    assert res["rc"] == 2


def test_drain_wait_returns_after_held_connection_closes(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    client = haproxy.hold_connection("db", "db", "db1")
    proc = ansible.popen(play(server_task("drain db1", "db", "db1", "drained", wait="true", timeout=60)), inv)
    try:
        # Wait (bounded) until the task has drained db1; it must still be waiting then.
        deadline = time.monotonic() + 30
        while haproxy.admin_state("db", "db1") != "drain" and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        assert haproxy.admin_state("db", "db1") == "drain"
        time.sleep(1.5)
        assert proc.poll() is None, "the drain returned while a session was still open"
        assert haproxy.sessions("db", "db1") == 1
        closed_at = time.monotonic()
        client.close()
        out, err = proc.communicate(timeout=60)
        returned_after = time.monotonic() - closed_at
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out + err
    res = task_result(json.loads(out), "drain db1")
    assert res["changed"] is True and res["waited"] is True
    assert res["sessions_left"] == 0
    assert res["waited_seconds"] >= 1.5
    assert returned_after < 30
    assert haproxy.sessions("db", "db1") == 0


def test_drain_wait_expires_fails_and_server_stays_drained(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    haproxy.hold_connection("db", "db", "db1")
    p, data = ansible.playbook(play(server_task("drain db1", "db", "db1", "drained", wait="true", timeout=1)), inv)
    assert p.returncode != 0
    res = task_result(data, "drain db1")
    assert res["failed"] is True and res["error"]["kind"] == "timeout", res
    assert haproxy.admin_state("db", "db1") == "drain"
    assert haproxy.sessions("db", "db1") == 1


INFO_TASKS = """\
    - name: backends
      hapc.haproxy.info:
      register: backends
    - name: servers
      hapc.haproxy.info:
        backend: web
    - name: connections
      hapc.haproxy.info:
        backend: db
        server: db1
    - name: safe web2
      hapc.haproxy.info:
        query: safe_to_remove
        backend: web
        server: web2
    - name: safe web1
      hapc.haproxy.info:
        query: safe_to_remove
        backend: web
        server: web1
    - name: unknown backend
      hapc.haproxy.info:
        backend: nosuch
      ignore_errors: true
"""


def test_info_answers_and_changes_nothing(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    haproxy.set_state("web", "web2", "drain")
    haproxy.hold_connection("db", "db", "db1")
    p, data = ansible.playbook(play(INFO_TASKS), inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    backends = [b["name"] for b in task_result(data, "backends")["backends"]]
    assert {"web", "db"} <= set(backends)
    servers = {s["name"]: s for s in task_result(data, "servers")["servers"]}
    assert servers["web2"]["admin_state"] == "drain" and servers["web1"]["admin_state"] == "ready"
    conn = task_result(data, "connections")
    assert conn["sessions"] == 1 and conn["changed"] is False
    safe2 = task_result(data, "safe web2")
    assert safe2["safe"] is True and not safe2.get("failed")
    safe1 = task_result(data, "safe web1")  # "not safe" (exit 3) is an answer, not a failure
    assert safe1["safe"] is False and not safe1.get("failed") and safe1["rc"] == 3 and safe1["reasons"]
    unknown = task_result(data, "unknown backend")
    assert unknown["failed"] is True and unknown["error"]["kind"] == "not_found"
    assert data["stats"]["localhost"]["changed"] == 0


def test_info_frontends_and_config_backends(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    tasks = """\
    - name: frontends
      hapc.haproxy.info:
        query: frontends
    - name: config backends
      hapc.haproxy.info:
        query: config_backends
    - name: routed from fe_web
      hapc.haproxy.info:
        query: config_backends
        frontend: fe_web
"""
    p, data = ansible.playbook(play(tasks), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    frontends = {f["name"]: f for f in task_result(data, "frontends")["frontends"]}
    assert frontends["fe_web"]["type"] == "frontend" and frontends["db"]["type"] == "listen"
    config_backends = {b["name"]: b for b in task_result(data, "config backends")["backends"]}
    assert [s["name"] for s in config_backends["web"]["servers"]] == ["web1", "web2", "web3"]
    assert config_backends["web"]["servers"][0]["port"] == haproxy.ports["web1"]
    routed = [b["name"] for b in task_result(data, "routed from fe_web")["backends"]]
    assert routed == ["web"]


def reload_task(haproxy):
    """The reload task, validating with the HAProxy binary this test runs on."""
    return """\
    - name: reload
      hapc.haproxy.reload:
        haproxy_bin: %s
""" % shutil.which(haproxy.binary)


def test_reload_check_mode_validates_only_then_reload_keeps_drained(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    haproxy.set_state("web", "web1", "drain")
    haproxy.set_state("web", "web3", "maint")
    pid = haproxy.worker_pid()
    p, data = ansible.playbook(play(reload_task(haproxy)), inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "reload")["check_mode"] is True
    assert haproxy.worker_pid() == pid

    # As a handler, notified by a change of the configuration.
    handler_play = play("""\
    - name: change the configuration
      ansible.builtin.lineinfile:
        path: "{{ hapc_config }}"
        line: "# changed by the handler test"
      notify: reload
""").replace("  tasks:\n", "  handlers:\n%s  tasks:\n" % reload_task(haproxy))
    p, data = ansible.playbook(handler_play, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "reload")
    assert res["changed"] is True and res["validated"]["valid"] is True
    assert haproxy.worker_pid() != pid
    assert haproxy.admin_states() == {"web1": "drain", "web2": "ready", "web3": "maint"}

    # Nothing changed: the handler does not run.
    pid = haproxy.worker_pid()
    p, data = ansible.playbook(handler_play, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert data["stats"]["localhost"]["changed"] == 0
    assert haproxy.worker_pid() == pid


def test_reload_refuses_an_invalid_config(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy)
    pid = haproxy.worker_pid()
    haproxy.config.write_text(haproxy.config.read_text() + "\nbackend broken\n    nonsense directive\n")
    p, data = ansible.playbook(play(reload_task(haproxy)), inv)
    assert p.returncode != 0
    res = task_result(data, "reload")
    assert res["failed"] is True and res["error"]["kind"] == "config", res
    assert haproxy.worker_pid() == pid


# -- the rolling maintenance playbook ---------------------------------------------------------
ROLLING = str(ROOT / "ansible" / "playbooks" / "rolling_maintenance.yml")


def test_rolling_maintenance_over_three_load_balancers(ansible, three_haproxies, tmp_path):
    inv = ansible.hapc_inventory(three_haproxies)
    # The maintenance step records db1's admin state on every load balancer while it runs.
    marker, probe = state_probe(tmp_path, three_haproxies, "db/db1")
    extra = {"lb_hosts": "loadbalancers", "backend": "db", "server": "db1", "drain_timeout": 20,
             "maintenance_command": probe}
    p, data = ansible.playbook(ROLLING, inv, "-e", json.dumps(extra))
    assert p.returncode == 0, p.stdout + p.stderr
    for host in ("lb1", "lb2", "lb3"):
        assert task_result(data, "Drain the server and wait for its sessions to end", host)["changed"] is True
        assert task_result(data, "Enable the server again", host)["changed"] is True
        assert data["stats"][host]["failures"] == 0
    # The maintenance step ran once, while db1 was drained on all three.
    assert marker.read_text().split() == ["drain", "drain", "drain"]
    for h in three_haproxies:
        assert h.admin_state("db", "db1") == "ready"


def test_rolling_maintenance_stops_safely_when_one_wait_expires(ansible, three_haproxies, tmp_path):
    inv = ansible.hapc_inventory(three_haproxies)
    three_haproxies[1].hold_connection("db", "db", "db1")  # lb2 keeps a session open
    marker = tmp_path / "maintenance-ran"
    extra = {"backend": "db", "server": "db1", "drain_timeout": 2, "maintenance_command": "touch %s" % marker}
    p, data = ansible.playbook(ROLLING, inv, "-e", json.dumps(extra))
    assert p.returncode != 0
    drain = "Drain the server and wait for its sessions to end"
    assert task_result(data, drain, "lb2")["failed"] is True
    assert task_result(data, drain, "lb2")["error"]["kind"] == "timeout"
    assert not task_result(data, drain, "lb1").get("failed")
    # The play stopped: no maintenance step, no enable, and db1 stays drained everywhere.
    assert not marker.exists()
    tasks = [t["task"]["name"] for t in data["plays"][0]["tasks"]]
    assert "Enable the server again" not in tasks
    for h in three_haproxies:
        assert h.admin_state("db", "db1") == "drain"


def test_missing_launcher_fails_clearly(ansible, haproxy):
    inv = ansible.hapc_inventory(haproxy, hapc_executable="hapc-not-installed")
    p, data = ansible.playbook(DRAIN_WEB1, inv)
    assert p.returncode != 0
    res = task_result(data, "drain web1")
    assert res["failed"] is True and "hapc-not-installed" in res["msg"], res
    assert haproxy.admin_state("web", "web1") == "ready"
