"""Many callers at once through the wrappers (issue 19): the application-centric playbook
(hapc.haproxy.rolling_deploy) with five forks over five application hosts, each cycling its own
server on two load balancers with min_up and capacity_timeout; five salt-call processes doing the
same with the project's SLS files; and maintenance holds (owner, reason, force) through the
Ansible module and the Salt states.

What is asserted is what HAProxy itself showed: a RotationSampler reads each HAProxy's socket
every 20 ms while the callers run (its own reader, not hapc), and the relays record what was
sent. The holds live in hapc's store (HAPC_STATE_DIR, one per test): they are read back with
hapc list-servers -d."""

import json
import sys

import pytest

from conftest import ROOT, hapc_answer, holds, task_result
from haproxy_fixture import HAProxy, RotationSampler, pool_config

DEPLOY = str(ROOT / "ansible" / "playbooks" / "rolling_deploy.yml")
APP = ["app%d" % i for i in range(1, 6)]
MIN_UP = 3
# Long enough that the hosts drained first are still deploying when the others ask.
DEPLOY_SECONDS = 2


@pytest.fixture
def two_app_lbs(tmp_path, haproxy_binary):
    """Two load balancers, each a real HAProxy with backend `app` of five servers app1..app5."""
    started = []
    try:
        for i in (1, 2):
            started.append(HAProxy(tmp_path / ("lb%d" % i), haproxy_binary, extra_config=pool_config("app", 5)).start())
        yield started
    finally:
        for h in started:
            h.stop()


def all_ready(h):
    return h.admin_states("app") == {s: "ready" for s in APP}


def deploy_inventory(ansible, lbs, sockets=None):
    sockets = sockets or [None] * len(lbs)
    return ansible.inventory({"lb%d" % (i + 1): ansible.lb_vars(h, s) for i, (h, s) in enumerate(zip(lbs, sockets))},
                             app={host: {} for host in APP})


def deploy_extra(tmp_path, **more):
    """The playbook's variables: five hosts at once, min_up 3, a deploy step that records which
    host deployed (and sleeps, so that the hosts overlap)."""
    record = tmp_path / "deployed.txt"
    extra = {"app_hosts": "app", "lb_hosts": "loadbalancers", "backend": "app", "app_serial": 5,
             "min_up": MIN_UP, "capacity_timeout": 90, "drain_timeout": 20, "up_timeout": 20,
             "deploy_command": "sleep %d && echo {{ inventory_hostname }} >> %s" % (DEPLOY_SECONDS, record)}
    extra.update(more)
    return record, extra


def test_rolling_deploy_five_forks_never_below_min_up(ansible, two_app_lbs, tmp_path):
    record, extra = deploy_extra(tmp_path)
    inv = deploy_inventory(ansible, two_app_lbs)
    with RotationSampler(two_app_lbs[0], "app") as lb1, RotationSampler(two_app_lbs[1], "app") as lb2:
        p, data = ansible.playbook(DEPLOY, inv, "-f", "5", "-e", json.dumps(extra))
    assert p.returncode == 0, p.stdout + p.stderr
    for host in APP:
        assert data["stats"][host]["failures"] == 0, data["stats"]
    assert sorted(record.read_text().split()) == APP
    for sampler in (lb1, lb2):
        assert not sampler.errors, sampler.errors
        assert len(sampler.samples) > 100, len(sampler.samples)
        # Never below min_up, every server was taken out, and two at once (the five hosts ran
        # together: the guard, not a turn-taking playbook, kept the other three waiting).
        assert sampler.fewest() == MIN_UP, sampler.fewest()
        assert sampler.seen_out() == set(APP)
        assert sampler.most_out_at_once() == 5 - MIN_UP
    for h in two_app_lbs:
        assert all_ready(h), h.admin_states("app")
        assert holds(ansible.hapc, h, "app") == {s: [] for s in APP}


def test_rolling_deploy_leaves_an_operator_hold_alone(ansible, two_app_lbs, tmp_path):
    lb1, lb2 = two_app_lbs
    # An operator holds app3 on lb1 (disk swap): drained in their name.
    rc, answer = hapc_answer(ansible.hapc, {"action": "drain-server", "backend": "app", "server": "app3",
                                            "owner": "ops-alice", "reason": "disk swap",
                                            "socket": str(lb1.admin_socket)})
    assert rc == 0, answer
    record, extra = deploy_extra(tmp_path)
    with RotationSampler(lb1, "app") as s1, RotationSampler(lb2, "app") as s2:
        p, data = ansible.playbook(DEPLOY, deploy_inventory(ansible, two_app_lbs), "-f", "5", "-e", json.dumps(extra))
    # Every host deployed; app3 came back on lb2 only: on lb1 the deploy released its own hold
    # and left the operator's.
    assert sorted(record.read_text().split()) == APP, p.stdout + p.stderr
    assert lb1.admin_states("app") == {s: ("drain" if s == "app3" else "ready") for s in APP}
    assert all_ready(lb2)
    assert holds(ansible.hapc, lb1, "app") == {s: (["ops-alice"] if s == "app3" else []) for s in APP}
    assert holds(ansible.hapc, lb2, "app") == {s: [] for s in APP}
    assert s1.fewest() >= MIN_UP and s2.fewest() >= MIN_UP, (s1.fewest(), s2.fewest())
    # The enable task on lb1 succeeded for app3, releasing the deploy's hold only, and says who
    # still holds it. (With strategy free the callback files results under whichever task
    # started last: they are found by host, action and load balancer.)
    app3 = [item for play in data["plays"] for t in play["tasks"] for host, res in t["hosts"].items()
            if host == "app3" for item in res.get("results") or [] if item.get("action") == "enable-server"]
    assert [r["lb"] for r in app3] == ["lb1", "lb2"], app3
    on_lb1 = app3[0]
    assert on_lb1["failed"] is False and on_lb1["changed"] is True, on_lb1
    assert "ops-alice" in on_lb1["msg"], on_lb1
    assert [h["owner"] for h in on_lb1["after"]["holds"]] == ["ops-alice"], on_lb1
    assert p.returncode == 0, p.stdout + p.stderr


# -- holds through the module and the states ---------------------------------------------------
def enable_play(owner=None, force=None):
    lines = ["- hosts: lb1", "  gather_facts: false", "  tasks:", "    - name: enable web1",
             "      hapc.haproxy.server:", "        backend: web", "        server: web1", "        state: enabled",
             "        socket: \"{{ hapc_socket }}\"", "        executable: \"{{ hapc_executable }}\""]
    if owner:
        lines.append("        owner: %s" % owner)
    if force is not None:
        lines.append("        force: %s" % str(force).lower())
    return "\n".join(lines) + "\n"


def test_ansible_foreign_enable_is_refused_and_force_releases(ansible, haproxy):
    relay = haproxy.relay("admin")
    inv = ansible.inventory({"lb1": ansible.lb_vars(haproxy, relay.path)})
    rc, answer = hapc_answer(ansible.hapc, {"action": "drain-server", "backend": "web", "server": "web1",
                                            "owner": "ops-alice", "reason": "disk swap", "socket": relay.path})
    assert rc == 0, answer
    assert haproxy.admin_state("web", "web1") == "drain"

    for owner in ("ansible:rolling_deploy:web1", None):  # another owner, and no owner at all
        mark = relay.mark()
        p, data = ansible.playbook(enable_play(owner), inv)
        assert p.returncode != 0, p.stdout
        res = task_result(data, "enable web1", "lb1")
        assert res["failed"] is True and res["error"]["kind"] == "conflict", res
        assert res["rc"] == 1
        assert "ops-alice" in res["msg"] + res["error"]["message"] and "disk swap" in json.dumps(res), res
        assert relay.changes(since=mark) == [], relay.commands(since=mark)
        assert haproxy.admin_state("web", "web1") == "drain"
        assert holds(ansible.hapc, haproxy, "web", relay.path)["web1"] == ["ops-alice"]

    p, data = ansible.playbook(enable_play("ansible:rolling_deploy:web1", force=True), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "enable web1", "lb1")
    assert res["changed"] is True
    assert "ops-alice" in json.dumps(res.get("warnings")), res
    assert haproxy.admin_state("web", "web1") == "ready"
    assert holds(ansible.hapc, haproxy, "web", relay.path)["web1"] == []


def test_ansible_owner_releases_its_own_hold(ansible, haproxy):
    inv = ansible.inventory({"lb1": ansible.lb_vars(haproxy)})
    drain = enable_play().replace("state: enabled", "state: drained").replace("name: enable web1", "name: drain web1")
    drain += "        owner: deploy-b\n        reason: release 2.4\n"
    p, data = ansible.playbook(drain, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    after = task_result(data, "drain web1", "lb1")["after"]
    assert [(h["owner"], h["reason"], h["action"]) for h in after["holds"]] == [("deploy-b", "release 2.4", "drain-server")]
    assert haproxy.admin_state("web", "web1") == "drain"
    assert holds(ansible.hapc, haproxy, "web")["web1"] == ["deploy-b"]
    # Check mode says what would happen and changes nothing (HAProxy nor the store).
    p, data = ansible.playbook(enable_play("deploy-b"), inv, "--check")
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "enable web1", "lb1")["changed"] is True
    assert haproxy.admin_state("web", "web1") == "drain"
    assert holds(ansible.hapc, haproxy, "web")["web1"] == ["deploy-b"]
    p, data = ansible.playbook(enable_play("deploy-b"), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert haproxy.admin_state("web", "web1") == "ready"
    assert holds(ansible.hapc, haproxy, "web")["web1"] == []


# -- Salt ---------------------------------------------------------------------------------------
CYCLE_SLS = """\
include:
  - hapc.server.drained
  - hapc.server.enabled

deploy {{ pillar['server'] }}:
  cmd.run:
    - name: sleep %d && echo {{ pillar['server'] }} >> %s
    - require:
      - hapc: {{ pillar['server'] }} drained
    - require_in:
      - hapc: {{ pillar['server'] }} enabled
"""


def test_salt_five_callers_cycle_their_servers_never_below_min_up(salt, haproxy_binary, tmp_path):
    lb = HAProxy(tmp_path / "lb", haproxy_binary, extra_config=pool_config("app", 5)).start()
    procs = []
    try:
        record = tmp_path / "deployed.txt"
        salt.sls("hapc_cycle", CYCLE_SLS % (DEPLOY_SECONDS, record))
        callers = [salt.sibling(tmp_path / ("salt-" + name), "app-" + name, **{
            "hapc.socket": lb.admin_socket, "hapc.master_socket": lb.master_socket, "hapc.config": lb.config})
            for name in APP]
        with RotationSampler(lb, "app") as sampler:
            for name, caller in zip(APP, callers):
                pillar = {"backend": "app", "server": name, "min_up": MIN_UP, "capacity_timeout": 90,
                          "drain_timeout": 20, "up_timeout": 20, "owner": "salt:deploy:" + name,
                          "reason": "deploy of " + name}
                procs.append(caller.popen("state.apply", "hapc_cycle", "pillar=" + json.dumps(pillar)))
            results = [p.communicate(timeout=240) for p in procs]
        for name, p, (out, err) in zip(APP, procs, results):
            assert p.returncode == 0, (name, out, err)
            states = json.loads(out)["local"]
            assert all(s["result"] is True for s in states.values()), (name, states)
        assert sorted(record.read_text().split()) == APP
        assert not sampler.errors, sampler.errors
        assert sampler.fewest() == MIN_UP
        assert sampler.seen_out() == set(APP)
        assert sampler.most_out_at_once() == 5 - MIN_UP
        assert all_ready(lb)
        assert holds(salt_hapc(salt), lb, "app") == {s: [] for s in APP}
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
        lb.stop()


def salt_hapc(salt):
    for line in (salt.conf / "minion").read_text().splitlines():
        if line.startswith("hapc.executable:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no hapc.executable in the minion config")


def enabled_sls(socket, **extra):
    return ("web1 back:\n  hapc.server_enabled:\n    - backend: web\n    - server: web1\n"
            "    - socket: %s\n" % socket + "".join("    - %s: %s\n" % kv for kv in extra.items()))


def test_salt_foreign_enable_is_refused_and_force_releases(salt, haproxy):
    relay = haproxy.relay("admin")
    hapc = salt_hapc(salt)
    p, data = salt.call("hapc.drain_server", "web", "web1", "owner=ops-alice", "reason=disk swap",
                        "socket=%s" % relay.path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert data["after"]["holds"][0]["owner"] == "ops-alice"
    assert haproxy.admin_state("web", "web1") == "drain"

    for extra in ({"owner": "salt:deploy:web1"}, {}):
        mark = relay.mark()
        p, res = salt.apply(salt.sls("enable_foreign", enabled_sls(relay.path, **extra)))
        r = res["web1 back"]
        assert r["result"] is False and r["changes"] == {}, r
        assert "ops-alice" in r["comment"], r
        assert relay.changes(since=mark) == [], relay.commands(since=mark)
        assert haproxy.admin_state("web", "web1") == "drain"
        assert holds(hapc, haproxy, "web", relay.path)["web1"] == ["ops-alice"]

    # The execution function raises with hapc's message (the answer in the exception's info).
    p, _ = salt.call("hapc.enable_server", "web", "web1", "owner=salt:deploy:web1", "socket=%s" % relay.path)
    assert p.returncode != 0 and "ops-alice" in p.stdout + p.stderr

    p, res = salt.apply(salt.sls("enable_force", enabled_sls(relay.path, owner="salt:deploy:web1", force=True)))
    r = res["web1 back"]
    assert r["result"] is True and r["changes"], r
    assert "ops-alice" in json.dumps(r.get("warnings")), r
    assert haproxy.admin_state("web", "web1") == "ready"
    assert holds(hapc, haproxy, "web", relay.path)["web1"] == []


# -- what the wrappers send ---------------------------------------------------------------------
STUB = """\
#!%s
import json, sys
request = json.load(sys.stdin)
with open(%r, "a") as out:
    out.write(json.dumps(request) + "\\n")
print(json.dumps({"action": request["action"], "changed": False, "failed": False, "msg": "stub"}))
"""


@pytest.fixture
def stub_hapc(tmp_path):
    """A stand-in for hapc that records each JSON request it is given and answers "unchanged":
    what the wrappers put into the request, nothing else (no HAProxy is involved)."""
    record = tmp_path / "requests.jsonl"
    path = tmp_path / "stub-hapc"
    path.write_text(STUB % (sys.executable, str(record)))
    path.chmod(0o755)
    return path, lambda: [json.loads(l) for l in record.read_text().splitlines()] if record.exists() else []


def test_module_sends_the_hold_fields_only_when_set(ansible, stub_hapc):
    path, requests = stub_hapc
    inv = ansible.inventory({"lb1": {"hapc_executable": path}})
    play = """\
- hosts: lb1
  gather_facts: false
  module_defaults:
    group/hapc.haproxy.hapc:
      executable: "{{ hapc_executable }}"
  tasks:
    - hapc.haproxy.server: {server: w1, state: drained, min_up: 2, capacity_timeout: 30, owner: a, reason: "disk swap"}
    - hapc.haproxy.server: {server: w1, state: stopped, min_up: 1, capacity_timeout: 7.5, owner: a, state_dir: /tmp/holds}
    - hapc.haproxy.server: {server: w1, state: enabled, owner: a, force: true}
    - hapc.haproxy.server: {server: w1, weight: "50%", min_up: 2, capacity_timeout: 30}
    - hapc.haproxy.server: {server: w1, state: drained}
    - hapc.haproxy.server: {server: w1, state: enabled}
"""
    p, _ = ansible.playbook(play, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    sent = requests()
    assert sent == [
        {"action": "drain-server", "server": "w1", "min_up": 2, "capacity_timeout": 30.0, "owner": "a",
         "reason": "disk swap", "check_mode": False},
        {"action": "stop-server", "server": "w1", "min_up": 1, "capacity_timeout": 7.5, "owner": "a",
         "state_dir": "/tmp/holds", "check_mode": False},
        {"action": "enable-server", "server": "w1", "owner": "a", "force": True, "check_mode": False},
        {"action": "set-weight", "server": "w1", "min_up": 2, "capacity_timeout": 30.0, "weight": "50%",
         "check_mode": False},
        {"action": "drain-server", "server": "w1", "check_mode": False},
        {"action": "enable-server", "server": "w1", "check_mode": False},
    ], sent


def test_salt_sends_the_hold_fields_only_when_set(salt, stub_hapc):
    path, requests = stub_hapc
    calls = [
        ("hapc.drain_server", "web", "w1", "min_up=2", "capacity_timeout=30", "owner=a", "reason=disk swap"),
        ("hapc.stop_server", "web", "w1", "min_up=1", "capacity_timeout=7.5", "owner=a"),
        ("hapc.enable_server", "web", "w1", "owner=a", "force=True"),
        ("hapc.set_weight", "web", "w1", "50%", "min_up=2", "capacity_timeout=30"),
        ("hapc.drain_server", "web", "w1"),
        ("hapc.enable_server", "web", "w1"),
    ]
    for call in calls:
        p, _ = salt.call(*call, "executable=%s" % path)
        assert p.returncode == 0, p.stdout + p.stderr
    sent = [{k: v for k, v in r.items() if k not in ("socket", "config", "master_socket", "socket_timeout", "state_dir")}
            for r in requests()]
    assert sent == [
        {"action": "drain-server", "backend": "web", "server": "w1", "min_up": 2, "capacity_timeout": 30,
         "owner": "a", "reason": "disk swap"},
        {"action": "stop-server", "backend": "web", "server": "w1", "min_up": 1, "capacity_timeout": 7.5, "owner": "a"},
        {"action": "enable-server", "backend": "web", "server": "w1", "owner": "a", "force": True},
        {"action": "set-weight", "backend": "web", "server": "w1", "weight": "50%", "min_up": 2,
         "capacity_timeout": 30},
        {"action": "drain-server", "backend": "web", "server": "w1"},
        {"action": "enable-server", "backend": "web", "server": "w1"},
    ], sent


def test_rolling_deploy_sends_each_host_its_own_requests(ansible, stub_hapc, tmp_path):
    """The playbook's shape, from the requests it makes (no HAProxy): each application host
    drains its own server on each load balancer in inventory order (that LB's socket), with
    min_up, capacity_timeout and its own owner, deploys, then enables it on each with the same
    owner; a later batch does not start after a failed host."""
    path, requests = stub_hapc
    lbs = {"lb1": {"hapc_socket": "/run/lb1.sock", "hapc_executable": path},
           "lb2": {"hapc_socket": "/run/lb2.sock", "hapc_executable": path}}
    inv = ansible.inventory(lbs, app={"app1": {}, "app2": {"hapc_server": "web-2"}, "app3": {}})
    extra = {"backend": "app", "app_serial": 3, "min_up": 1, "deploy_command": "true"}
    p, data = ansible.playbook(DEPLOY, inv, "-e", json.dumps(extra))
    assert p.returncode == 0, p.stdout + p.stderr
    for host, server in (("app1", "app1"), ("app2", "web-2"), ("app3", "app3")):
        owner = "ansible:rolling_deploy:" + host
        mine = [(r["action"], r["socket"]) for r in requests() if r["server"] == server]
        assert mine == [("drain-server", "/run/lb1.sock"), ("drain-server", "/run/lb2.sock"),
                        ("enable-server", "/run/lb1.sock"), ("enable-server", "/run/lb2.sock")], mine
        drains = [r for r in requests() if r["server"] == server and r["action"] == "drain-server"]
        assert all(r["owner"] == owner and r["reason"] == "deploy of " + host and r["min_up"] == 1
                   and r["capacity_timeout"] == 600 and r["wait"] is True and r["backend"] == "app" for r in drains), drains
        enables = [r for r in requests() if r["server"] == server and r["action"] == "enable-server"]
        assert all(r["owner"] == owner and r["wait"] is True and "reason" not in r for r in enables), enables

    # Without min_up: no capacity_timeout either. Two hosts per batch; app1's deploy fails: its
    # server stays out (no enable), app2 finishes its cycle, app3 (the next batch) does not start.
    (tmp_path / "requests.jsonl").unlink()
    extra = {"backend": "app", "app_serial": 2, "deploy_command": "test {{ inventory_hostname }} != app1"}
    p, data = ansible.playbook(DEPLOY, inv, "-e", json.dumps(extra))
    assert p.returncode != 0
    sent = requests()
    assert sorted((r["action"], r["server"]) for r in sent) == sorted(
        [("drain-server", "app1")] * 2 + [("drain-server", "web-2")] * 2 + [("enable-server", "web-2")] * 2), sent
    assert all("min_up" not in r and "capacity_timeout" not in r for r in sent), sent
    assert data["stats"]["app1"]["failures"] == 1 and data["stats"]["app2"]["failures"] == 0
    assert data["stats"]["app3"]["failures"] == 1  # stopped by the batch gate, nothing sent
