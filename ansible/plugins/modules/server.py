#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hapc contributors
# Apache License 2.0 (see the collection's LICENSE)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: server
short_description: Enable, drain or stop HAProxy backend servers through hapc
version_added: 0.1.0
description:
  - Puts one server of an HAProxy backend (or C(listen) section) into the wanted runtime state
    through HAProxy's admin socket, using the hapc command-line tool.
  - Without O(backend), acts on the server in every backend of the running HAProxy that has a server
    of exactly that name. O(server) may be a list - every server named, in O(backend) or in every
    backend holding it. Each such (backend, server) pair is a target, reported in RV(targets).
  - All or nothing - every target is found before anything is sent, and one unknown server fails the
    task with nothing changed.
  - O(state=drained) stops sending the server new traffic and, with O(wait=true), waits until its
    sessions end (TCP sessions included, and the sessions of old workers after a reload) or
    O(timeout) expires, in which case the task fails and the server stays drained.
  - O(state=stopped) puts the server into maintenance and kills its sessions.
  - O(state=enabled) puts the server back into rotation.
  - The task changes nothing, and reports no change, when the server is already in the wanted
    state. In check mode nothing is sent to HAProxy that would change it; the task still reports
    whether it would change.
  - An unknown backend or server fails the task with hapc's message.
  - O(min_up) guards capacity - with O(state=drained) or O(state=stopped), the task fails and changes
    nothing if any backend it takes a server out of would be left with fewer than O(min_up) servers up
    and in rotation.
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
      - When not set, every backend of the running HAProxy that has a server of that exact name.
    type: str
  server:
    description:
      - Name of the server, matched exactly (C(web1) never matches C(web10)), or a list of names.
    type: list
    elements: str
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
  min_up:
    description:
      - Capacity guard for O(state=drained) and O(state=stopped) - refuse (the task fails with
        C(error.kind=capacity), nothing is changed) when fewer than this many servers of any backend
        the task takes a server out of would stay up and in rotation (admin state C(ready),
        operational state C(up), weight above 0).
      - Counted per backend, from the state read before acting. In check mode, the refusal is
        reported the same way.
      - When not set, there is no guard.
    type: int
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

- name: Take web1 out of every backend that sends it traffic, keeping two servers up in each
  hapc.haproxy.server:
    server: web1
    state: drained
    min_up: 2
    wait: true

- name: Put web1 and web2 back into rotation in backend web
  hapc.haproxy.server:
    backend: web
    server: [web1, web2]
    state: enabled

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
  returned: success, when the task had one target
  type: str
  sample: web
server:
  description: The server.
  returned: success, when the task had one target
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
      and C(admin_state_source), C(admin_state_bits) and C(check_status) when HAProxy tells them.
  returned: success, when the task had one target
  type: dict
  sample: {"name": "web1", "backend": "web", "admin_state": "ready", "operational_state": "up",
           "status": "UP", "weight": 1, "address": "10.0.0.11", "port": 8080, "sessions": 3, "queued": 0}
after:
  description: The server after the task (in check mode, as it would be); same keys as RV(before).
  returned: success, when the task had one target
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
targets:
  description:
    - One entry per (backend, server) pair the task acted on, in HAProxy's backend order. The task is
      changed when any target changed.
  returned: success
  type: list
  elements: dict
  contains:
    backend:
      description: The backend.
      type: str
    server:
      description: The server.
      type: str
    changed:
      description: Whether this target changed (or would, in check mode).
      type: bool
    failed:
      description: Whether HAProxy refused this target's change, or it did not stick.
      type: bool
    error:
      description: Why this target failed.
      type: str
      returned: when it failed
    before:
      description: The server before the task, same keys as RV(before).
      type: dict
    after:
      description: The server after the task, same keys as RV(after).
      type: dict
    diff:
      description: The fields of the server that change, C(before) and C(after).
      type: dict
  sample: [{"backend": "web", "server": "web1", "changed": true, "failed": false,
            "before": {"admin_state": "ready"}, "after": {"admin_state": "drain"},
            "diff": {"before": {"admin_state": "ready"}, "after": {"admin_state": "drain"}}}]
capacity:
  description: The capacity guard's count for each backend the task takes a server out of (with O(min_up)).
  returned: when O(min_up) is set and the targets were resolved
  type: list
  elements: dict
  contains:
    backend:
      description: The backend.
      type: str
    up_before:
      description: Its servers up and in rotation before the task.
      type: int
    up_after:
      description: Its servers up and in rotation after the task (as it would be).
      type: int
    min_up:
      description: The O(min_up) asked for.
      type: int
  sample: [{"backend": "web", "up_before": 3, "up_after": 2, "min_up": 2}]
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
        V(haproxy), V(config), V(reload), V(capacity) (refused by O(min_up)), V(conflict).
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
    COMMON_ARGS, exit_with_answer, one_or_list, request_for, run_hapc)

ACTIONS = dict(enabled='enable-server', drained='drain-server', stopped='stop-server')


def main():
    argument_spec = dict(
        backend=dict(type='str'),
        server=dict(type='list', elements='str', required=True),
        state=dict(type='str', required=True, choices=list(ACTIONS)),
        wait=dict(type='bool'),
        timeout=dict(type='float'),
        min_up=dict(type='int'),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    request = request_for(module, ACTIONS[module.params['state']],
                          ('backend', 'server', 'wait', 'timeout', 'min_up'), check_mode=module.check_mode)
    request['server'] = one_or_list(request['server'])
    rc, answer = run_hapc(module, request)
    exit_with_answer(module, rc, answer)


if __name__ == '__main__':
    main()
