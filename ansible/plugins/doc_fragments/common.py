# -*- coding: utf-8 -*-
# Copyright: hapc contributors
# Apache License 2.0 (see the collection's LICENSE)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The options every hapc.haproxy module shares: where HAProxy is and how hapc is run.
    DOCUMENTATION = r'''
options:
  socket:
    description:
      - HAProxy's admin socket (hapc's C(socket) field, C(-k)).
      - A unix socket path, or C(ipv4@HOST:PORT) / C(ipv6@[HOST]:PORT) for a TCP socket.
      - When not set, hapc uses the C(stats socket ... level admin) line of O(config), else
        C(/var/lib/haproxy/admin.sock).
    type: str
  config:
    description:
      - HAProxy's configuration, a file or a directory of C(*.cfg) files, or a list of them (hapc's C(config) field).
      - When not set, hapc uses C(/etc/haproxy/haproxy.cfg).
    type: list
    elements: path
  master_socket:
    description:
      - HAProxy's master CLI socket (hapc's C(master_socket) field). Through it hapc also counts
        the sessions that old workers still hold after a reload, and reloads HAProxy.
      - When not set, hapc uses C(/run/haproxy-master.sock) when it exists.
    type: path
  socket_timeout:
    description:
      - Bound, in seconds, on one exchange with HAProxy (hapc's C(socket_timeout) field).
      - When not set, hapc uses 10 seconds.
    type: float
  state_dir:
    description:
      - The directory where hapc keeps its lock and maintenance holds for each HAProxy, on the target
        (hapc's C(state_dir) field). Every caller of the same HAProxy must use the same one, or they do
        not see each other's holds and locks.
      - When not set, hapc uses E(HAPC_STATE_DIR), else C(/var/lib/hapc) for root, else
        C($XDG_STATE_HOME/hapc) or C(~/.local/state/hapc).
    type: path
  haproxy_bin:
    description:
      - The HAProxy binary of the running HAProxy (hapc's C(haproxy_bin) field, C(--haproxy-bin)). Its build decides
        the configuration's C(.if) conditions wherever hapc reads O(config), and it validates the configuration
        before a reload.
      - When not set, hapc uses C(haproxy) on E(PATH), which may not be the HAProxy that runs this configuration.
    type: path
  executable:
    description:
      - The hapc launcher to run; a name is looked up on the target's E(PATH).
    type: path
    default: hapc
notes:
  - The modules are thin, each sends hapc one JSON request (C(hapc --json-in -)) and returns
    hapc's JSON answer. hapc must be installed on the target, and the task's user must be
    allowed to use HAProxy's sockets.
requirements:
  - hapc on the target (see O(executable)).
'''
