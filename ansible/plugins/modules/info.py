#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hapc contributors
# Apache License 2.0 (see the collection's LICENSE)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: info
short_description: Read HAProxy's backends, frontends, servers, sessions and whether a server is safe to remove
version_added: 0.1.0
description:
  - Asks HAProxy (through its admin socket) or its configuration one read-only question, using the
    hapc command-line tool, and returns hapc's answer. It never changes anything.
  - The question is O(query). When it is not set, it follows from the other options - no O(backend)
    gives the running backends, O(backend) alone gives its servers and their states, O(backend) and
    O(server) give the server's sessions.
  - O(query=safe_to_remove) answers whether a server can be taken away - it takes no new traffic
    (drained or in maintenance) and no worker, old workers included, holds a session or a queued
    request for it. A "no" is an answer, not a failure - RV(safe) is V(false) and RV(reasons) says why.
author:
  - hapc contributors (!UNKNOWN)
extends_documentation_fragment:
  - hapc.haproxy.common
attributes:
  check_mode:
    description: Runs normally in check mode, since it changes nothing.
    support: full
  diff_mode:
    description: Has no diff, since it changes nothing.
    support: none
options:
  query:
    description:
      - V(backends) - the backends HAProxy is running (with O(links), the frontends routing to each).
      - V(frontends) - the frontends of the configuration (C(listen) sections included).
      - V(config_backends) - the backends of the configuration and their servers (with O(frontend),
        only those that frontend routes to).
      - V(servers) - the servers of O(backend) and their state.
      - V(connections) - the current sessions and queued requests of O(server) in O(backend), or in every
        backend holding it when O(backend) is not set.
      - V(safe_to_remove) - whether O(server) in O(backend) (or in every backend holding it) can be removed.
      - When not set - V(connections) if O(server) is set, else V(servers) if O(backend) is set,
        else V(backends).
    type: str
    choices: [backends, frontends, config_backends, servers, connections, safe_to_remove]
  backend:
    description:
      - The backend (or C(listen) section) asked about.
    type: str
  server:
    description:
      - The server asked about, in O(backend), or a list of servers.
      - With O(query=connections) or O(query=safe_to_remove) and no O(backend), the server in every
        backend of the running HAProxy that has a server of that exact name (see RV(targets)).
    type: list
    elements: str
  frontend:
    description:
      - With O(query=config_backends), only the backends this frontend routes to.
    type: str
  links:
    description:
      - With O(query=backends), also list the frontends routing to each backend.
    type: bool
  details:
    description:
      - With O(query=servers), give each server's state (admin and operational state, sessions, ...),
        not only its name.
    type: bool
    default: true
seealso:
  - module: hapc.haproxy.server
'''

EXAMPLES = r'''
- name: List the running backends and the frontends that route to them
  hapc.haproxy.info:
    links: true
  register: lb

- name: Get the servers of backend web and their state
  hapc.haproxy.info:
    backend: web
  register: web

- name: Fail unless web1 is back in rotation
  ansible.builtin.assert:
    that: (web.servers | selectattr('name', 'eq', 'web1') | first).admin_state == 'ready'

- name: Sessions of web1 in every backend that holds it
  hapc.haproxy.info:
    query: connections
    server: web1
  register: web1

- name: Is db1 safe to remove?
  hapc.haproxy.info:
    query: safe_to_remove
    backend: db
    server: db1
  register: db1

- name: Wait (bounded) until it is
  hapc.haproxy.info:
    query: safe_to_remove
    backend: db
    server: db1
  register: db1
  until: db1.safe
  retries: 30
  delay: 2
'''

RETURN = r'''
msg:
  description: hapc's one-sentence answer.
  returned: always
  type: str
action:
  description: The hapc action that ran (C(list-backends), C(list-frontends), C(list-config-backends), C(list-servers),
    C(list-connections) or C(check-safe-to-remove)).
  returned: always
  type: str
  sample: list-servers
backends:
  description:
    - With O(query=backends), the running backends; with O(links), each has C(frontends), the names of the frontends
      routing to it.
    - With O(query=config_backends), the backends of the configuration, each with its C(servers) (C(name), C(address),
      C(port), ...).
  returned: when O(query) is V(backends) or V(config_backends)
  type: list
  elements: dict
  sample: [{"name": "web", "frontends": ["fe_web"]}]
frontends:
  description: The frontends of the configuration, C(listen) sections included.
  returned: when O(query=frontends)
  type: list
  elements: dict
  sample: [{"name": "fe_web"}]
backend:
  description: The backend asked about.
  returned: when O(backend) is set (with O(query=connections) or V(safe_to_remove), when O(backend) and a single
    O(server) are set)
  type: str
  sample: web
servers:
  description:
    - The servers of O(backend). With O(details), each has C(name), C(backend), C(admin_state) (V(ready), V(drain) or
      V(maint)), C(operational_state) (V(up), V(down), V(starting) or V(stopping)), C(status), C(weight), C(address),
      C(port), C(sessions) and C(queued), and C(holds), the maintenance holds on it (each C(owner), C(reason),
      C(since) and C(action); see O(hapc.haproxy.server#module:owner)).
  returned: when O(query=servers)
  type: list
  elements: dict
  sample: [{"name": "web1", "backend": "web", "admin_state": "ready", "operational_state": "up", "status": "UP",
            "weight": 1, "address": "10.0.0.11", "port": 8080, "sessions": 3, "queued": 0}]
server:
  description: The server asked about.
  returned: when O(backend) and a single O(server) are set (hapc contract 1.2; decided by the task, never by how
    many backends hold the server)
  type: str
  sample: web1
sessions:
  description: The server's current sessions (TCP sessions included), summed over the current and old workers.
  returned: when O(query) is V(connections) or V(safe_to_remove)
  type: int
  sample: 0
queued:
  description: The server's queued requests.
  returned: when O(query) is V(connections) or V(safe_to_remove)
  type: int
  sample: 0
safe:
  description: Whether the server can be removed.
  returned: when O(query=safe_to_remove)
  type: bool
  sample: false
admin_state:
  description: The server's admin state (V(ready), V(drain) or V(maint)).
  returned: when O(query=safe_to_remove) with O(backend) and a single O(server)
  type: str
  sample: drain
targets:
  description:
    - With O(query=connections) or O(query=safe_to_remove), one entry per (backend, server) pair asked
      about - each with C(backend), C(server), C(sessions), C(queued), C(workers), and with
      O(query=safe_to_remove) C(safe), C(admin_state) and C(reasons). RV(sessions) and RV(queued) are
      then the totals, and RV(safe) is true only when every target is safe.
  returned: when O(query) is V(connections) or V(safe_to_remove)
  type: list
  elements: dict
  sample: [{"backend": "web", "server": "web1", "sessions": 2, "queued": 0},
           {"backend": "api", "server": "web1", "sessions": 1, "queued": 0}]
reasons:
  description: What keeps the server from being safe to remove (empty when it is safe).
  returned: when O(query=safe_to_remove)
  type: list
  elements: str
  sample: ["2 sessions in worker 4242"]
error:
  description: Why the task failed, as hapc classifies it (C(kind) and C(message)).
  returned: failure
  type: dict
rc:
  description: hapc's exit status (0 answered, 3 not safe to remove - also an answer, 1 failed, 2 invalid request or
    unknown backend/server).
  returned: always
  type: int
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hapc.haproxy.plugins.module_utils.hapc import (
    COMMON_ARGS, exit_with_answer, one_or_list, request_for, run_hapc)

QUERIES = dict(
    backends='list-backends',
    frontends='list-frontends',
    config_backends='list-config-backends',
    servers='list-servers',
    connections='list-connections',
    safe_to_remove='check-safe-to-remove',
)
NOT_SAFE = 3  # hapc's exit status when check-safe-to-remove answers "not safe": an answer


def main():
    argument_spec = dict(
        query=dict(type='str', choices=list(QUERIES)),
        backend=dict(type='str'),
        server=dict(type='list', elements='str'),
        frontend=dict(type='str'),
        links=dict(type='bool'),
        details=dict(type='bool', default=True),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    query = module.params['query']
    if query is None:
        query = 'connections' if module.params['server'] else 'servers' if module.params['backend'] else 'backends'
    action = QUERIES[query]
    # Every option the task sets is passed on: hapc refuses one the query does not take.
    fields = ('backend', 'server', 'frontend', 'links') + (('details',) if query == 'servers' else ())
    request = request_for(module, action, fields)
    if 'server' in request:
        request['server'] = one_or_list(request['server'])
    rc, answer = run_hapc(module, request)
    answer['changed'] = False
    exit_with_answer(module, rc, answer, ok=(0, NOT_SAFE) if action == 'check-safe-to-remove' else (0,))


if __name__ == '__main__':
    main()
