"""The Salt execution and state modules, driven by real salt-call --local runs against real
HAProxy. The modules come from the repository's salt/ directory through file_roots and
saltutil.sync_all, as an operator would install them."""

import os
import shutil

import pytest

from conftest import VENV_BIN, Salt, hapc_answer


def conn(haproxy):
    """The connection arguments for one HAProxy, as salt-call key=value arguments."""
    return ["socket=%s" % haproxy.admin_socket, "master_socket=%s" % haproxy.master_socket,
            "config=%s" % haproxy.config]


def conn_yaml(haproxy, indent="    "):
    return "".join("%s- %s: %s\n" % (indent, k, v) for k, v in (
        ("socket", haproxy.admin_socket), ("master_socket", haproxy.master_socket), ("config", haproxy.config)))


# -- execution module -------------------------------------------------------------------------
def test_execution_functions_return_hapcs_data(salt, haproxy):
    haproxy.hold_connection("db", "db", "db1")
    p, data = salt.call("hapc.list_backends", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["action"] == "list-backends" and {"web", "db"} <= {b["name"] for b in data["backends"]}

    p, data = salt.call("hapc.list_servers", "web", "details=True", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert [s["admin_state"] for s in data["servers"]] == ["ready", "ready", "ready"]

    p, data = salt.call("hapc.list_connections", "db", "db1", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["sessions"] == 1

    # "not safe" (hapc's exit 3) is an answer.
    p, data = salt.call("hapc.check_safe_to_remove", "db", "db1", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["safe"] is False and data["reasons"] and data["sessions"] == 1

    p, data = salt.call("hapc.drain_server", "web", "web2", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["changed"] is True and data["after"]["admin_state"] == "drain"
    assert haproxy.admin_state("web", "web2") == "drain"

    p, data = salt.call("hapc.stop_server", "web", "web3", "check_mode=True", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["changed"] is True and data["check_mode"] is True
    assert haproxy.admin_state("web", "web3") == "ready"

    p, data = salt.call("hapc.check_safe_to_remove", "web", "web2", *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["safe"] is True


def test_execution_failure_raises_with_hapcs_message(salt, haproxy):
    p, data = salt.call("hapc.drain_server", "web", "nosuch", *conn(haproxy))
    assert p.returncode != 0
    rc, direct = hapc_answer(salt_hapc(salt), {"action": "drain-server", "backend": "web", "server": "nosuch",
                                               "socket": str(haproxy.admin_socket)})
    assert rc == 2
    assert direct["msg"] in p.stdout + p.stderr


def salt_hapc(salt):
    for line in (salt.conf / "minion").read_text().splitlines():
        if line.startswith("hapc.executable:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no hapc.executable in the minion config")


def test_virtual_says_why_without_a_launcher(tmp_path):
    bare = Salt(tmp_path / "bare")  # no hapc.executable, and no hapc on PATH
    env = dict(os.environ, PATH="%s:/usr/bin:/bin" % VENV_BIN)
    p, data = bare.call("saltutil.sync_all", env=env)
    assert p.returncode == 0, p.stderr
    p, _ = bare.call("hapc.list_backends", env=env)
    assert p.returncode != 0
    assert "hapc.executable" in p.stdout + p.stderr, p.stdout + p.stderr


# -- states -----------------------------------------------------------------------------------
def drained_sls(haproxy, server="web1", **extra):
    return ("drain %s:\n  hapc.server_drained:\n    - name: %s\n    - backend: web\n" % (server, server)
            + "".join("    - %s: %s\n" % kv for kv in extra.items()) + conn_yaml(haproxy))


def test_state_test_mode_reports_and_changes_nothing(salt, haproxy):
    # hapc reaches HAProxy through a relay that records every command: test=True sends only reads.
    admin = haproxy.relay("admin")
    sls = drained_sls(haproxy).replace("- socket: %s\n" % haproxy.admin_socket, "- socket: %s\n" % admin.path)
    assert admin.path in sls
    name = salt.sls("drain_test_mode", sls)
    p, res = salt.apply(name, test=True)
    r = res["drain web1"]
    assert r["result"] is None, r
    assert r["changes"]["old"]["admin_state"] == "ready" and r["changes"]["new"]["admin_state"] == "drain"
    assert r["comment"]
    assert any(c.startswith("show servers state") for c in admin.commands()), admin.commands()
    assert admin.changes() == [], admin.commands()
    assert haproxy.admin_states() == {"web1": "ready", "web2": "ready", "web3": "ready"}


def test_state_apply_changes_and_reapply_reports_no_changes(salt, haproxy):
    sls = (drained_sls(haproxy, "web1")
           + "stop web3:\n  hapc.server_stopped:\n    - backend: web\n    - server: web3\n" + conn_yaml(haproxy)
           + "enable web2:\n  hapc.server_enabled:\n    - backend: web\n    - server: web2\n" + conn_yaml(haproxy))
    name = salt.sls("apply_twice", sls)
    p, res = salt.apply(name)
    assert p.returncode == 0, p.stdout + p.stderr
    assert res["drain web1"]["result"] is True and res["drain web1"]["changes"]["new"]["admin_state"] == "drain"
    assert res["stop web3"]["result"] is True and res["stop web3"]["changes"]
    assert res["enable web2"]["result"] is True and res["enable web2"]["changes"] == {}
    assert haproxy.admin_states() == {"web1": "drain", "web2": "ready", "web3": "maint"}

    p, res = salt.apply(name)
    assert p.returncode == 0, p.stdout + p.stderr
    assert all(r["result"] is True and r["changes"] == {} for r in res.values()), res
    assert haproxy.admin_states() == {"web1": "drain", "web2": "ready", "web3": "maint"}


def test_state_unknown_server_result_false_with_hapcs_message(salt, haproxy):
    name = salt.sls("unknown_server", drained_sls(haproxy, "nosuch"))
    p, res = salt.apply(name)
    assert p.returncode != 0
    r = res["drain nosuch"]
    assert r["result"] is False
    _, direct = hapc_answer(salt_hapc(salt), {"action": "drain-server", "backend": "web", "server": "nosuch",
                                              "socket": str(haproxy.admin_socket)})
    assert r["comment"] == direct["msg"]


def test_state_drain_wait_expired_fails_and_stays_drained(salt, haproxy):
    haproxy.hold_connection("db", "db", "db1")
    sls = "drain db1:\n  hapc.server_drained:\n    - backend: db\n    - wait: True\n    - timeout: 1\n" + conn_yaml(haproxy)
    sls = sls.replace("drain db1:\n", "db1:\n")
    p, res = salt.apply(salt.sls("drain_wait_expired", sls))
    r = res["db1"]
    assert r["result"] is False and r["changes"]["new"]["admin_state"] == "drain", r
    assert haproxy.admin_state("db", "db1") == "drain"


def watch_sls(haproxy, marker_line):
    return """\
{cfg}:
  file.append:
    - text: "{line}"

haproxy reloaded:
  hapc.reloaded:
    - haproxy_bin: {haproxy_bin}
{conn}    - watch:
      - file: {cfg}
""".format(cfg=haproxy.config, line=marker_line, conn=conn_yaml(haproxy), haproxy_bin=shutil.which(haproxy.binary))


def test_watch_on_changed_config_reloads_and_keeps_drained_servers(salt, haproxy):
    haproxy.set_state("web", "web2", "drain")
    haproxy.set_state("web", "web3", "maint")
    pid = haproxy.worker_pid()
    name = salt.sls("watch_reload", watch_sls(haproxy, "# changed by the watch test"))

    # test=True: reports, reloads nothing.
    p, res = salt.apply(name, test=True)
    assert res["haproxy reloaded"]["result"] is None, res
    assert haproxy.worker_pid() == pid
    assert "changed by the watch test" not in haproxy.config.read_text()

    p, res = salt.apply(name)
    assert p.returncode == 0, p.stdout + p.stderr
    assert res[str(haproxy.config)]["changes"]
    r = res["haproxy reloaded"]
    assert r["result"] is True and r["changes"], r
    assert haproxy.worker_pid() != pid
    assert haproxy.admin_states() == {"web1": "ready", "web2": "drain", "web3": "maint"}

    # Nothing changed in the config: no reload.
    pid = haproxy.worker_pid()
    p, res = salt.apply(name)
    assert p.returncode == 0, p.stdout + p.stderr
    assert res["haproxy reloaded"]["changes"] == {}
    assert haproxy.worker_pid() == pid


def test_execution_reload_haproxy(salt, haproxy):
    haproxy.set_state("web", "web1", "drain")
    pid = haproxy.worker_pid()
    haproxy_bin = "haproxy_bin=%s" % shutil.which(haproxy.binary)
    p, data = salt.call("hapc.reload_haproxy", "check_mode=True", haproxy_bin, *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["check_mode"] is True and haproxy.worker_pid() == pid
    p, data = salt.call("hapc.reload_haproxy", haproxy_bin, *conn(haproxy))
    assert p.returncode == 0, p.stderr
    assert data["changed"] is True and haproxy.worker_pid() != pid
    assert haproxy.admin_state("web", "web1") == "drain"


def test_execution_config_listings(salt, haproxy):
    p, data = salt.call("hapc.list_frontends", "config=%s" % haproxy.config)
    assert p.returncode == 0, p.stderr
    assert {f["name"] for f in data["frontends"]} == {"fe_web", "db"}
    p, data = salt.call("hapc.list_config_backends", "frontend=fe_web", "config=%s" % haproxy.config)
    assert p.returncode == 0, p.stderr
    assert [b["name"] for b in data["backends"]] == ["web"]
