"""An agent check answering "ready" undoes a drain set through the CLI at its next interval
(300 ms here). Driven through real ansible-playbook and salt-call runs: the drain must stick
(hapc pauses the agent), enabling must resume the agent, and keep_agent must reach hapc as the
JSON field (the agent then undoes the drain, and the answer warns). HAProxy's own
`show servers state` is the judge: srv_admin_state and srv_agent_state (0x04 = running).

The shared fixture is not changed: the HAProxy's config gets `agent-check` on web3 before it
starts, and the agent is a small loopback TCP server here."""

import socket
import threading
import time

import pytest

from conftest import hapc_answer, task_result
from haproxy_fixture import HAProxy, running
from test_ansible import play, server_task
from test_salt import conn_yaml

AGENT_RUNS = 0x04


class Agent:
    """Answers every connection with one line, then closes it: what HAProxy's agent-check reads."""

    def __init__(self, word="ready up 100%"):
        self.word = word
        self.answered = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.sendall((self.word + "\n").encode())
                    self.answered += 1
                except OSError:
                    pass

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def agent_haproxy(tmp_path, haproxy_binary):
    """The fixture's HAProxy (each version of the matrix) with an agent check on web/web3, and its agent."""
    agent = Agent()
    h = HAProxy(tmp_path / "lb", haproxy_binary)
    line = "server web3 127.0.0.1:%d" % h.ports["web3"]
    h.config.write_text(h.config.read_text().replace(
        line, line + " agent-check agent-port %d agent-inter 300ms" % agent.port))
    try:
        with running(h):
            deadline = time.monotonic() + 10
            while agent.answered < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert agent.answered >= 1, "HAProxy never asked the agent"
            assert agent_bits(h) & AGENT_RUNS
            yield h
    finally:
        agent.stop()


def agent_bits(haproxy):
    return int(haproxy.servers_state("web")["web3"]["srv_agent_state"])


def stays(haproxy, state, seconds=1.5):
    """web3 keeps `state` and a paused agent for `seconds` (five agent intervals)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert haproxy.admin_state("web", "web3") == state, "the agent undid the state"
        assert not agent_bits(haproxy) & AGENT_RUNS, "the agent runs again"
        time.sleep(0.1)


def eventually(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_ansible_drain_sticks_enable_resumes_and_keep_agent_is_passed(ansible, agent_haproxy):
    h = agent_haproxy
    inv = ansible.hapc_inventory(h)
    p, data = ansible.playbook(play(server_task("drain web3", "web", "web3", "drained")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain web3")
    assert res["changed"] is True and res["after"]["agent"] == "paused", res
    stays(h, "drain")

    p, data = ansible.playbook(play(server_task("enable web3", "web", "web3", "enabled")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    assert task_result(data, "enable web3")["after"]["agent"] == "running"
    assert h.admin_state("web", "web3") == "ready" and agent_bits(h) & AGENT_RUNS

    p, data = ansible.playbook(play(server_task("drain, agent kept", "web", "web3", "drained",
                                                keep_agent="true")), inv)
    assert p.returncode == 0, p.stdout + p.stderr
    res = task_result(data, "drain, agent kept")
    assert res["after"]["agent"] == "running", res
    assert any("may undo" in w for w in res.get("warnings", [])), res
    assert eventually(lambda: h.admin_state("web", "web3") == "ready"), "the running agent undoes the drain"


def test_salt_drain_sticks_enable_resumes_and_keep_agent_is_passed(salt, agent_haproxy):
    h = agent_haproxy

    def sls(state, **extra):
        return ("web3:\n  hapc.%s:\n    - backend: web\n" % state
                + "".join("    - %s: %s\n" % kv for kv in extra.items()) + conn_yaml(h))

    p, res = salt.apply(salt.sls("agent_drain", sls("server_drained")))
    assert p.returncode == 0, p.stdout + p.stderr
    assert res["web3"]["result"] is True and res["web3"]["changes"]["new"]["agent"] == "paused", res
    stays(h, "drain")

    p, res = salt.apply(salt.sls("agent_enable", sls("server_enabled")))
    assert p.returncode == 0, p.stdout + p.stderr
    assert h.admin_state("web", "web3") == "ready" and agent_bits(h) & AGENT_RUNS

    # The execution function passes keep_agent as the JSON field: the agent keeps running.
    p, data = salt.call("hapc.drain_server", "web", "web3", "keep_agent=True", "socket=%s" % h.admin_socket,
                        "master_socket=%s" % h.master_socket, "config=%s" % h.config)
    assert p.returncode == 0, p.stderr
    assert data["after"]["agent"] == "running" and any("may undo" in w for w in data["warnings"]), data
    assert eventually(lambda: h.admin_state("web", "web3") == "ready"), "the running agent undoes the drain"


def test_the_relay_counts_every_kind_of_write_hapc_sends(hapc, agent_haproxy):
    """The control for every "only reads in check mode" and "nothing sent" test: each kind of
    write hapc sends is recorded by the Python relay as a change, once, and reached HAProxy."""
    h = agent_haproxy
    wire = h.relayed()

    def run(**request):
        wire.clear()
        rc, answer = hapc_answer(hapc, dict(request, socket=str(wire.admin_socket),
                                            master_socket=str(wire.master_socket)))
        assert rc == 0 and answer["changed"] is True, answer
        assert wire.read_servers_state(), wire.admin.commands()
        return wire.changes()

    assert run(action="drain-server", backend="web", server="web3") == [
        "disable agent web/web3", "set server web/web3 state drain"]
    assert h.admin_state("web", "web3") == "drain" and not agent_bits(h) & AGENT_RUNS
    assert run(action="enable-server", backend="web", server="web3") == [
        "set server web/web3 state ready", "enable agent web/web3"]
    assert agent_bits(h) & AGENT_RUNS
    assert run(action="set-weight", backend="web", server="web1", weight=40) == ["set weight web/web1 40"]
    assert h.servers_state("web")["web1"]["srv_uweight"] == "40"
    assert run(action="stop-server", backend="web", server="web2") == [
        "set server web/web2 state maint", "shutdown sessions server web/web2"]
    assert h.admin_state("web", "web2") == "maint"
