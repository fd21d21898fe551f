"""Targets (issue 12) through the wrappers: a server in every backend that holds it (no
`backend`), several servers at once, the capacity guard `min_up`, and check mode, driven by real
ansible-playbook and salt-call runs. HAProxy's own socket is the judge: every test reads the
servers' states from `show servers state`, never from the wrapper's answer alone."""

import json

import pytest

from conftest import ROOT, state_probe, task, task_result
from haproxy_fixture import HAProxy, running
from test_ansible import play
from test_salt import conn, conn_yaml

# web1 and web2 are also in backend `api`, next to `web10` (a prefix neighbour of web1 that
# must never be touched); db1 is also in backend `dbro`, which no frontend routes to.
EXTRA = """
backend api
    server web1 127.0.0.1:{web1}
    server web2 127.0.0.1:{web2}
    server web10 127.0.0.1:{web3}

backend dbro
    mode tcp
    server db1 127.0.0.1:{db1}
"""
BACKENDS = ("web", "api", "db", "dbro")


@pytest.fixture
def lb(tmp_path, haproxy_binary):
    with running(HAProxy(tmp_path / "lb", haproxy_binary, extra_config=EXTRA)) as (h,):
        yield h


def states(h):
    """{"backend/server": admin state} of every server, from HAProxy's own socket."""
    return {"%s/%s" % (b, s): h.admin_state(b, s) for b in BACKENDS for s in h.servers_state(b)}


def state_rows(h):
    """Every server's admin and operational state and weights, as `show servers state` gives
    them (without the time since the last change, which moves on its own)."""
    keys = ("srv_admin_state", "srv_op_state", "srv_uweight", "srv_iweight")
    return {"%s/%s" % (b, s): tuple(r[k] for k in keys) for b in BACKENDS for s, r in h.servers_state(b).items()}


def ready_except(h, **changed):
    """The expected states: every server ready except those given as backend__server=state."""
    want = {k: "ready" for k in states(h)}
    want.update({k.replace("__", "/"): v for k, v in changed.items()})
    return want


# -- Ansible ------------------------------------------------------------------------------------
def test_ansible_server_in_every_backend_drained_then_enabled(ansible, lb):
    inv = ansible.hapc_inventory(lb)
    p, data = ansible.playbook(play(task("drain web1", server="web1", state="drained")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web1")
    assert res["changed"] is True
    assert sorted((t["backend"], t["server"], t["changed"]) for t in res["targets"]) == [
        ("api", "web1", True), ("web", "web1", True)]
    # web1 drained in both backends; web10 (prefix neighbour) and everything else untouched.
    assert states(lb) == ready_except(lb, web__web1="drain", api__web1="drain")

    p, data = ansible.playbook(play(task("enable web1", server="web1", state="enabled")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "enable web1")
    assert res["changed"] is True and len(res["targets"]) == 2
    assert states(lb) == ready_except(lb)

    # Nothing left to do: a second run reports no change.
    p, data = ansible.playbook(play(task("enable web1 again", server="web1", state="enabled")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "enable web1 again")["changed"] is False


def test_ansible_list_of_servers(ansible, lb):
    inv = ansible.hapc_inventory(lb)
    p, data = ansible.playbook(play(task("stop two", backend="web", server=["web1", "web2"], state="stopped")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "stop two")
    assert [(t["backend"], t["server"]) for t in res["targets"]] == [("web", "web1"), ("web", "web2")]
    assert states(lb) == ready_except(lb, web__web1="maint", web__web2="maint")

    # A list with one unknown name changes nothing at all: nothing that changes HAProxy is sent.
    before = state_rows(lb)
    wire = lb.relayed()
    p, data = ansible.playbook(play(task("enable with a typo", server=["web1", "web2", "nosuch"], state="enabled")),
                               ansible.hapc_inventory(wire))
    assert p.returncode != 0
    res = task_result(data, "enable with a typo")
    assert res["failed"] is True and res["error"]["kind"] == "not_found" and res["rc"] == 2
    assert wire.admin.commands() and wire.changes() == [], wire.admin.commands()
    assert state_rows(lb) == before


def test_ansible_min_up_refuses_then_allows_with_a_lower_n(ansible, lb):
    wire = lb.relayed()
    inv = ansible.hapc_inventory(wire)
    before = state_rows(lb)
    drain = play(task("drain two", server=["web1", "web2"], state="drained", min_up=2))
    p, data = ansible.playbook(drain, inv)
    assert p.returncode != 0
    res = task_result(data, "drain two")
    assert res["failed"] is True and res["rc"] == 1
    assert res["error"]["kind"] == "capacity"
    # Both backends would keep one server of three (web: web3; api: web10).
    assert sorted((c["backend"], c["up_before"], c["up_after"]) for c in res["capacity"]) == [
        ("api", 3, 1), ("web", 3, 1)]
    assert wire.read_servers_state() and wire.changes() == [], "refused: nothing that changes HAProxy was sent"
    assert state_rows(lb) == before

    # Check mode reports the refusal the same way, and sends nothing either.
    wire.clear()
    p, data = ansible.playbook(drain, inv, "--check")
    assert p.returncode != 0
    assert task_result(data, "drain two")["error"]["kind"] == "capacity"
    assert wire.read_servers_state() and wire.changes() == []
    assert state_rows(lb) == before

    p, data = ansible.playbook(play(task("drain two", server=["web1", "web2"], state="drained", min_up=1)), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert len(task_result(data, "drain two")["targets"]) == 4
    assert states(lb) == ready_except(lb, web__web1="drain", web__web2="drain", api__web1="drain",
                                      api__web2="drain")


def test_ansible_check_mode_with_diff_per_target(ansible, lb):
    wire = lb.relayed()
    inv = ansible.hapc_inventory(wire)
    before = state_rows(lb)
    p, data = ansible.playbook(play(task("drain web1", server="web1", state="drained")), inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web1")
    assert res["changed"] is True and res["check_mode"] is True
    assert {t["backend"]: t["after"]["admin_state"] for t in res["targets"]} == {"web": "drain", "api": "drain"}
    assert wire.read_servers_state() and wire.changes() == [], "check mode sends only reads"
    assert state_rows(lb) == before

    p, _ = ansible.playbook(play(task("drain web1", server="web1", state="drained")), inv, "--check", "--diff",
                            json_output=False)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    # One diff per target, each headed by its backend/server.
    for target in ("web/web1", "api/web1"):
        assert "--- before: %s" % target in out and "+++ after: %s" % target in out, out
    assert sum(1 for l in out.splitlines() if l.startswith("+") and '"drain"' in l) == 2, out
    assert wire.changes() == [], "check mode with --diff sends only reads too"
    assert state_rows(lb) == before



def test_ansible_server_without_backend_found_once_answers_with_targets_and_diffs_them(ansible, lb):
    """web3 is in backend web only. Named without a backend, the answer has `targets` and not the
    one-target fields (contract 1.2: keyed on the request, not on how many backends hold it), and
    --diff still shows the target's diff, headed by its backend/server."""
    wire = lb.relayed()
    inv = ansible.hapc_inventory(wire)
    before = state_rows(lb)
    p, data = ansible.playbook(play(task("drain web3", server="web3", state="drained")), inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web3")
    assert res["changed"] is True and [(t["backend"], t["server"]) for t in res["targets"]] == [("web", "web3")]
    assert not {"backend", "server", "before", "after"} & set(res), res
    assert res["targets"][0]["after"]["admin_state"] == "drain"

    p, _ = ansible.playbook(play(task("drain web3", server="web3", state="drained")), inv, "--check", "--diff",
                            json_output=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "--- before: web/web3" in p.stdout and "+++ after: web/web3" in p.stdout, p.stdout
    assert wire.read_servers_state() and wire.changes() == [], "check mode sends only reads"
    assert state_rows(lb) == before

    # With the backend named, the one-target fields are there (the 1.0 shape).
    p, data = ansible.playbook(play(task("drain web/web3", backend="web", server="web3", state="drained")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web/web3")
    assert res["backend"] == "web" and res["after"]["admin_state"] == "drain", res
    assert lb.admin_state("web", "web3") == "drain"

def test_ansible_info_connections_of_a_server_in_every_backend(ansible, lb):
    lb.hold_connection("db", "db", "db1")
    inv = ansible.hapc_inventory(lb)
    p, data = ansible.playbook(play(task("db1 sessions", module="hapc.haproxy.info", server="db1"),
                                    task("db1 safe", module="hapc.haproxy.info", server="db1",
                                         query="safe_to_remove")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "db1 sessions")
    assert res["action"] == "list-connections" and res["changed"] is False
    per_backend = {t["backend"]: t["sessions"] for t in res["targets"]}
    assert per_backend == {"db": lb.sessions("db", "db1"), "dbro": lb.sessions("dbro", "db1")} == {"db": 1, "dbro": 0}
    assert res["sessions"] == 1
    safe = task_result(data, "db1 safe")
    assert safe["safe"] is False and safe["rc"] == 3 and len(safe["targets"]) == 2


ROLLING = str(ROOT / "ansible" / "playbooks" / "rolling_maintenance.yml")


def test_rolling_playbook_without_backend_drains_every_backend_and_takes_min_up(ansible, tmp_path, haproxy_binary):
    with running(*(HAProxy(tmp_path / ("lb%d" % i), haproxy_binary, extra_config=EXTRA) for i in (1, 2))) as lbs:
        inv = ansible.hapc_inventory(lbs)
        # The maintenance step records web1's state in both backends on every load balancer.
        marker, probe = state_probe(tmp_path, lbs, "web/web1", "api/web1")
        extra = {"lb_hosts": "loadbalancers", "server": "web1", "drain_timeout": 20, "min_up": 3,
                 "maintenance_command": probe}

        # min_up 3: each backend would keep 2 of 3 servers: refused everywhere, nothing drained.
        before = [state_rows(h) for h in lbs]
        p, data = ansible.playbook(ROLLING, inv, "-e", json.dumps(extra))
        assert p.returncode != 0
        drain = "Drain the server and wait for its sessions to end"
        for host in ("lb1", "lb2"):
            assert task_result(data, drain, host)["error"]["kind"] == "capacity"
        assert not marker.exists()
        assert [state_rows(h) for h in lbs] == before

        # min_up 2: allowed; drained in both backends during the maintenance step, then back.
        p, data = ansible.playbook(ROLLING, inv, "-e", json.dumps(dict(extra, min_up=2)))
        assert p.returncode == 0, p.stdout + p.stderr
        for host in ("lb1", "lb2"):
            assert len(task_result(data, drain, host)["targets"]) == 2
            assert task_result(data, "Enable the server again", host)["changed"] is True
        assert marker.read_text().split("\n")[:2] == ["drain drain", "drain drain"]
        for h in lbs:
            assert states(h) == ready_except(h)


# -- Salt ---------------------------------------------------------------------------------------
def test_salt_execution_functions_without_backend_and_with_a_list(salt, lb):
    p, data = salt.call("hapc.drain_server", "server=web1", *conn(lb))
    assert p.returncode == 0, p.stderr
    assert sorted(t["backend"] for t in data["targets"]) == ["api", "web"]
    assert states(lb) == ready_except(lb, web__web1="drain", api__web1="drain")

    p, data = salt.call("hapc.list_connections", "server=db1", *conn(lb))
    assert p.returncode == 0, p.stderr
    assert {t["backend"] for t in data["targets"]} == {"db", "dbro"}

    p, data = salt.call("hapc.enable_server", "server=[web1, web2]", *conn(lb))
    assert p.returncode == 0, p.stderr
    assert data["changed"] is True and len(data["targets"]) == 4
    assert states(lb) == ready_except(lb)

    before = state_rows(lb)
    wire = lb.relayed()
    p, data = salt.call("hapc.stop_server", "web", "server=[web1, web2]", "min_up=2", *conn(wire))
    assert p.returncode != 0
    assert "capacity guard" in p.stdout + p.stderr
    assert wire.read_servers_state() and wire.changes() == [], "refused: nothing that changes HAProxy was sent"
    assert state_rows(lb) == before


def test_salt_states_changes_per_target_test_mode_and_min_up(salt, lb):
    wire = lb.relayed()
    name = salt.sls("targets_drain", """\
web1 out of every backend:
  hapc.server_drained:
    - name: web1
    - min_up: 2
%s""" % conn_yaml(wire))
    before = state_rows(lb)
    p, res = salt.apply(name, test=True)
    r = res["web1 out of every backend"]
    assert r["result"] is None, r
    assert set(r["changes"]) == {"web/web1", "api/web1"}
    assert r["changes"]["api/web1"]["old"]["admin_state"] == "ready"
    assert r["changes"]["api/web1"]["new"]["admin_state"] == "drain"
    assert wire.read_servers_state() and wire.changes() == [], "test=True sends only reads"
    assert state_rows(lb) == before

    p, res = salt.apply(name)
    r = res["web1 out of every backend"]
    assert r["result"] is True and set(r["changes"]) == {"web/web1", "api/web1"}, r
    assert states(lb) == ready_except(lb, web__web1="drain", api__web1="drain")
    p, res = salt.apply(name)
    assert res["web1 out of every backend"]["changes"] == {}

    # web2 too would leave web and api with one server each: refused, nothing changed.
    stop = salt.sls("targets_stop", """\
web2 stopped:
  hapc.server_stopped:
    - name: web2
    - min_up: 2
%s
both enabled:
  hapc.server_enabled:
    - name: web1 and web2
    - server: [web1, web2]
    - backend: web
%s""" % (conn_yaml(lb), conn_yaml(lb)))
    before = state_rows(lb)
    p, res = salt.apply(stop)
    r = res["web2 stopped"]
    assert r["result"] is False and "capacity guard" in r["comment"] and r["changes"] == {}, r
    # the other state of the run enabled web1 in web only (a list, with a backend)
    assert res["both enabled"]["result"] is True
    assert set(res["both enabled"]["changes"]) == {"web/web1"}
    assert state_rows(lb) == dict(before, **{"web/web1": state_rows(lb)["web/web1"]})
    assert states(lb) == ready_except(lb, api__web1="drain")
