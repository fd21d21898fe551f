#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hapc contributors
# Apache License 2.0 (see the collection's LICENSE)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: server
short_description: Enable, drain or stop an HAProxy backend server through hapc
version_added: 0.1.0
description:
  - Puts one server of an HAProxy backend (or C(listen) section) into the wanted runtime state
    through HAProxy's admin socket, using the hapc command-line tool.
  - O(state=drained) stops sending the server new traffic and, with O(wait=true), waits until its
    sessions end (TCP sessions included, and the sessions of old workers after a reload) or
    O(timeout) expires, in which case the task fails and the server stays drained.
  - O(state=stopped) puts the server into maintenance and kills its sessions.
  - O(state=enabled) puts the server back into rotation.
  - The task changes nothing, and reports no change, when the server is already in the wanted
    state. In check mode nothing is sent to HAProxy that would change it; the task still reports
    whether it would change.
  - An unknown backend or server fails the task with hapc's message.
author:
  - hapc contributors (!UNKNOWN)
extends_documentation_fragment:
  - hapc.haproxy.common
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
options:
  backend:
    description:
      - Name of the backend (or C(listen) section) that holds the server.
    type: str
    required: true
  server:
    description:
      - Name of the server, matched exactly (C(web1) never matches C(web10)).
    type: str
    required: true
  state:
    description:
      - V(enabled) puts the server in rotation (HAProxy admin state C(ready)).
      - V(drained) sends it no new traffic, existing sessions go on (admin state C(drain)).
      - V(stopped) puts it in maintenance and kills its sessions (admin state C(maint)).
    type: str
    required: true
    choices: [enabled, drained, stopped]
  wait:
    description:
      - With O(state=drained), wait until the server has no sessions and nothing queued.
      - The task fails if O(timeout) expires first; the server then stays drained.
      - When not set, the task does not wait.
    type: bool
  timeout:
    description:
      - Deadline of O(wait), in seconds. When not set, hapc uses 60 seconds.
    type: float
  keep_agent:
    description:
      - Leave a running agent check (C(agent-check)) alone.
      - By default O(state=drained) and O(state=stopped) pause the server's agent check, since an agent
        answering C(ready) would put the server back in rotation at its next check, and O(state=enabled)
        resumes it.
      - With V(true) the agent keeps running and the task warns that it may undo the state.
    type: bool
seealso:
  - module: hapc.haproxy.info
  - module: hapc.haproxy.reload
'''

EXAMPLES = r'''
- name: Drain web1 and wait up to two minutes for its sessions to end
  hapc.haproxy.server:
    backend: web
    server: web1
    state: drained
    wait: true
    timeout: 120

- name: Put web1 back into rotation
  hapc.haproxy.server:
    backend: web
    server: web1
    state: enabled

- name: Stop db1 at once, killing its sessions, through a TCP admin socket
  hapc.haproxy.server:
    backend: db
    server: db1
    state: stopped
    socket: ipv4@127.0.0.1:9999

- name: Drain app2 but leave its agent check running (the agent may put it back)
  hapc.haproxy.server:
    backend: app
    server: app2
    state: drained
    keep_agent: true

- name: Show what draining app3 would change, without changing it
  hapc.haproxy.server:
    backend: app
    server: app3
    state: drained
  check_mode: true
  diff: true
'''

RETURN = r'''
msg:
  description: hapc's one-sentence account of what was done (or would be, in check mode).
  returned: always
  type: str
  sample: web/web1 drained
action:
  description: The hapc action that ran.
  returned: always
  type: str
  sample: drain-server
backend:
  description: The backend.
  returned: success
  type: str
  sample: web
server:
  description: The server.
  returned: success
  type: str
  sample: web1
check_mode:
  description: Whether hapc ran in check mode (nothing changed).
  returned: success
  type: bool
before:
  description:
    - The server as HAProxy described it before the task.
    - Keys are C(name), C(backend), C(admin_state) (V(ready), V(drain) or V(maint)), C(operational_state)
      (V(up), V(down), V(starting) or V(stopping)), C(status) (HAProxy's own text), C(weight),
      C(address), C(port), C(sessions) (current sessions, over the current and old workers) and C(queued),
      and C(admin_state_source), C(admin_state_bits) and C(check_status) when HAProxy tells them,
      and C(agent) (the server's agent check, V(none), V(running) or V(paused)).
  returned: success
  type: dict
  sample: {"name": "web1", "backend": "web", "admin_state": "ready", "operational_state": "up",
           "status": "UP", "weight": 1, "address": "10.0.0.11", "port": 8080, "sessions": 3, "queued": 0}
after:
  description: The server after the task (in check mode, as it would be); same keys as RV(before).
  returned: success
  type: dict
  sample: {"name": "web1", "backend": "web", "admin_state": "drain", "operational_state": "up",
           "status": "DRAIN", "weight": 1, "address": "10.0.0.11", "port": 8080, "sessions": 0, "queued": 0}
waited:
  description: Whether the task waited for the server's sessions to end (O(wait=true)).
  returned: state=drained
  type: bool
  sample: true
waited_seconds:
  description: How long the task waited for the sessions to end, in seconds.
  returned: when it waited
  type: float
  sample: 4.2
sessions_left:
  description: The sessions still open when the wait ended (0 unless the wait expired).
  returned: when it waited
  type: int
  sample: 0
queued_left:
  description: The requests still queued when the wait ended.
  returned: when it waited
  type: int
  sample: 0
sessions_killed:
  description: How many sessions O(state=stopped) killed.
  returned: state=stopped
  type: int
  sample: 2
error:
  description: Why the task failed, as hapc classifies it.
  returned: failure
  type: dict
  contains:
    kind:
      description: One of V(usage), V(invalid_request), V(not_found), V(permission), V(socket), V(timeout),
        V(haproxy), V(config), V(reload), V(conflict) (someone else changed the server meanwhile).
      type: str
      sample: not_found
    message:
      description: The reason.
      type: str
rc:
  description: hapc's exit status (0 done, 1 operation failed, 2 invalid request or unknown backend/server).
  returned: always
  type: int
  sample: 0
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hapc.haproxy.plugins.module_utils.hapc import (
    COMMON_ARGS, exit_with_answer, request_for, run_hapc)

ACTIONS = dict(enabled='enable-server', drained='drain-server', stopped='stop-server')


def main():
    argument_spec = dict(
        backend=dict(type='str', required=True),
        server=dict(type='str', required=True),
        state=dict(type='str', required=True, choices=list(ACTIONS)),
        wait=dict(type='bool'),
        timeout=dict(type='float'),
        keep_agent=dict(type='bool'),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    request = request_for(module, ACTIONS[module.params['state']],
                          ('backend', 'server', 'wait', 'timeout', 'keep_agent'), check_mode=module.check_mode)
    rc, answer = run_hapc(module, request)
    exit_with_answer(module, rc, answer,
                     header='%s/%s' % (module.params['backend'], module.params['server']))


if __name__ == '__main__':
    main()
