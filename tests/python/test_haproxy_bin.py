"""`haproxy_bin` reaches hapc from every wrapper, not only the reload: the binary's build decides
the configuration's `.if` conditions wherever hapc reads haproxy.cfg. The `haproxy` on the PATH
is the 2.6 of this machine, so on 2.2 and 3.0 a wrapper that dropped the option would show the
2.6 answer."""

import shutil
import subprocess

from conftest import task_result

# A config whose backends depend on the version of the binary that reads it.
CONFIG = """\
global
    stats socket {dir}/admin.sock level admin

defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s

.if version_atleast(2.4)
backend from_2_4
    server s1 127.0.0.1:1
.endif

.if version_atleast(3.0)
backend from_3_0
    server s1 127.0.0.1:1
.endif

backend always
    server s1 127.0.0.1:1
"""


def expected_backends(binary):
    version = haproxy_version(binary)
    return sorted(["always"] + (["from_2_4"] if version >= (2, 4) else []) + (["from_3_0"] if version >= (3, 0) else []))


def haproxy_version(binary):
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10).stdout
    major, minor = out.split("version ", 1)[1].split(".")[:2]
    return int(major), int(minor)


def write_config(tmp_path):
    path = tmp_path / "versioned.cfg"
    path.write_text(CONFIG.format(dir=tmp_path))
    return path


def test_ansible_info_reads_the_config_with_the_given_binary(ansible, haproxy_binary, tmp_path):
    binary = shutil.which(haproxy_binary)
    config = write_config(tmp_path)
    inv = ansible.inventory({"localhost": {"hapc_executable": ansible.hapc}})
    play = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: config backends
      hapc.haproxy.info:
        query: config_backends
        config: %s
        haproxy_bin: %s
        executable: "{{ hapc_executable }}"
""" % (config, binary)
    p, data = ansible.playbook(play, inv)
    assert p.returncode == 0, p.stdout + p.stderr
    names = sorted(b["name"] for b in task_result(data, "config backends")["backends"])
    assert names == expected_backends(binary)


def test_salt_takes_haproxy_bin_from_the_minion_config(salt, haproxy_binary, tmp_path):
    binary = shutil.which(haproxy_binary)
    config = write_config(tmp_path)
    minion = salt.sibling(tmp_path / "minion", "haproxy-bin-test", **{"hapc.haproxy_bin": binary})
    p, data = minion.call("hapc.list_config_backends", "config=%s" % config)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sorted(b["name"] for b in data["backends"]) == expected_backends(binary)
