"""The pool playbook (hapc.haproxy.pool_maintenance) over three load balancers, each with its
own real HAProxy: one server at a time (drain everywhere -> maintenance -> enable and verify ->
next), and a safe stop at the first failure. Checked on each HAProxy's socket, and through what
the maintenance step itself saw while it ran."""

import json
import sys

from conftest import ROOT, task_result

POOL = str(ROOT / "ansible" / "playbooks" / "pool_maintenance.yml")
DRAIN = "Drain the server and wait for its sessions to end"


def probe(tmp_path, lbs):
    """A maintenance command that appends one JSON line per call: the server it was called for,
    and the admin state of web1..web3 on every load balancer at that moment."""
    record = tmp_path / "maintenance-saw.jsonl"
    script = tmp_path / "probe.py"
    script.write_text(
        "import json, sys\n"
        "sys.path.insert(0, %r)\n"
        "from haproxy_fixture import HAProxy\n"
        "seen = []\n"
        "for d in %r:\n"
        "    h = HAProxy.__new__(HAProxy); h.admin_socket = d + '/admin.sock'\n"
        "    seen.append(h.admin_states('web'))\n"
        "with open(%r, 'a') as out:\n"
        "    out.write(json.dumps({'server': sys.argv[1], 'states': seen}) + '\\n')\n"
        % (str(ROOT / "tests" / "python"), [str(h.dir) for h in lbs], str(record)))
    # pool_server is templated by Ansible when the task runs.
    return record, "%s %s {{ pool_server }}" % (sys.executable, script)


def calls(record):
    return [json.loads(l) for l in record.read_text().splitlines()] if record.exists() else []


def only_drained(server):
    return {s: ("drain" if s == server else "ready") for s in ("web1", "web2", "web3")}


def test_pool_one_server_at_a_time(ansible, three_haproxies, tmp_path):
    record, command = probe(tmp_path, three_haproxies)
    extra = {"backend": "web", "servers": ["web1", "web2", "web3"], "drain_timeout": 20,
             "maintenance_command": command}
    p, data = ansible.playbook(POOL, ansible.hapc_inventory(three_haproxies), "-e", json.dumps(extra))
    assert p.returncode == 0, p.stdout + p.stderr
    # The maintenance step ran once per server, in order, each time with that server (and only
    # that one) drained on all three load balancers.
    seen = calls(record)
    assert [c["server"] for c in seen] == ["web1", "web2", "web3"]
    for c in seen:
        assert c["states"] == [only_drained(c["server"])] * 3, c
    for h in three_haproxies:
        assert h.admin_states() == {"web1": "ready", "web2": "ready", "web3": "ready"}
    for host in ("lb1", "lb2", "lb3"):
        assert data["stats"][host]["failures"] == 0


def test_pool_stops_at_the_first_failure(ansible, three_haproxies, tmp_path):
    lb2 = three_haproxies[1]
    # A session held on lb2's web2: with web1 and web3 drained for a moment, the round robin has
    # only web2 to send the new connection to.
    lb2.set_state("web", "web1", "drain")
    lb2.set_state("web", "web3", "drain")
    lb2.hold_connection("fe_web", "web", "web2")
    lb2.set_state("web", "web1", "ready")
    lb2.set_state("web", "web3", "ready")

    record, command = probe(tmp_path, three_haproxies)
    extra = {"backend": "web", "servers": ["web1", "web2", "web3"], "drain_timeout": 2,
             "maintenance_command": command}
    p, data = ansible.playbook(POOL, ansible.hapc_inventory(three_haproxies), "-e", json.dumps(extra))
    assert p.returncode != 0
    # web1 went through; web2's wait expired on lb2 and the play stopped there: no maintenance of
    # web2, web2 drained on all three (the drains ran together), web3 never touched.
    assert [c["server"] for c in calls(record)] == ["web1"]
    for h in three_haproxies:
        assert h.admin_states() == {"web1": "ready", "web2": "drain", "web3": "ready"}
    assert lb2.sessions("web", "web2") == 1
    assert data["stats"]["lb2"]["failures"] == 1
    failed = [r for play in data["plays"] for t in play["tasks"] if t["task"]["name"] == DRAIN
              for host, r in t["hosts"].items() if r.get("failed")]
    assert [r["error"]["kind"] for r in failed] == ["timeout"]


def test_pool_refuses_without_a_list_of_servers(ansible, three_haproxies):
    extra = {"backend": "web", "servers": "web1", "maintenance_command": "true"}
    p, data = ansible.playbook(POOL, ansible.hapc_inventory(three_haproxies), "-e", json.dumps(extra))
    assert p.returncode != 0
    assert task_result(data, "Check that backend, servers and maintenance_command are given", "lb1")["failed"]
    for h in three_haproxies:
        assert h.admin_states() == {"web1": "ready", "web2": "ready", "web3": "ready"}
