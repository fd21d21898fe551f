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
  - O(state=enabled) puts the server back into rotation. With O(wait=true) the task waits until
    HAProxy says the server is up (its health check passed; a server without check is up at
    once). With O(ramp), its weight climbs in steps from a small share to its configured weight.
  - O(weight) sets the server's weight. With O(state=enabled) it is set in the same hapc call as
    the enable (as community.general.haproxy applies it after the state); without O(state), only
    the weight changes.
  - The task changes nothing, and reports no change, when the server is already in the wanted
    state. In check mode nothing is sent to HAProxy that would change it; the task still reports
    whether it would change.
  - An unknown backend or server fails the task with hapc's message.
  - O(min_up) guards capacity - with O(state=drained) or O(state=stopped), the task fails and changes
    nothing if any backend it takes a server out of would be left with fewer than O(min_up) servers up
    and in rotation; with O(capacity_timeout) it waits for capacity instead.
  - O(owner) records a maintenance hold when the task takes the server out, and an enable puts the
    server back only for the owners of its holds (or with O(force=true)) - a deploy never puts back a
    server an operator holds.
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
      - When not set, O(weight) is required and only the weight changes.
    type: str
    choices: [enabled, drained, stopped]
  wait:
    description:
      - With O(state=drained), wait until the server has no sessions and nothing queued.
        The task fails if O(timeout) expires first (unless O(on_timeout=stop)); the server then stays drained.
      - With O(state=enabled), wait until HAProxy says the server is up (its health check passed
        C(rise) times). The task fails if O(timeout) expires first; the server then stays enabled,
        and the message gives its check status.
      - When not set, the task does not wait.
    type: bool
  timeout:
    description:
      - Deadline of O(wait) (and, with O(state=enabled), of O(ramp) too), in seconds from the state
        change. When not set, hapc uses 60 seconds, plus O(ramp) when set.
    type: float
  weight:
    description:
      - The weight, a whole number from 0 to 256, or V(N%) of the weight the configuration gives
        the server (0% to 100%, rounded down as HAProxy does).
      - Without O(state), only the weight is set (hapc set-weight); with O(state=enabled), it is
        set in the same call as the enable. It does not go with O(state=drained),
        O(state=stopped) or O(ramp).
      - Weight 0 takes the server out of rotation.
    type: str
  ramp:
    description:
      - With O(state=enabled), the server comes back at a small share of its configured weight,
        which climbs in steps (at least one a second) to exactly the configured weight over this
        many seconds (at most 3600). With O(wait=true) the climb starts once the server is up.
      - A server already in rotation at its configured weight is left as it is.
      - If O(timeout) expires or anything fails during the ramp, the task fails and the server
        stays enabled at its last weight (RV(after) and the warnings say which).
    type: float
  on_timeout:
    description:
      - With O(state=drained) and O(wait=true), what happens when O(timeout) expires.
      - V(fail) (hapc's default) fails the task; the server stays drained.
      - V(stop) puts the servers still busy into maintenance, kills their sessions (old workers
        included) and succeeds, with RV(escalated=true), RV(sessions_killed=true) and RV(sessions_killed_count).
    type: str
    choices: [fail, stop]
  keep_agent:
    description:
      - Leave a running agent check (C(agent-check)) alone.
      - By default O(state=drained) and O(state=stopped) pause the server's agent check, since an agent
        answering C(ready) would put the server back in rotation at its next check, and O(state=enabled)
        resumes it.
      - With V(true) the agent keeps running and the task warns that it may undo the state.
    type: bool
  min_up:
    description:
      - Capacity guard for O(state=drained) and O(state=stopped) - refuse (the task fails with
        C(error.kind=capacity), nothing is changed) when fewer than this many servers of any backend
        the task takes a server out of would stay up and in rotation (admin state C(ready),
        operational state C(up), weight above 0).
      - Counted per backend, from the state read before acting, under hapc's lock for that HAProxy
        (so several tasks at once on the same host, as with C(serial) and C(delegate_to), see each
        other's drains). Backup servers, and servers down or at weight 0, do not count. In check mode,
        the refusal is reported the same way.
      - With O(capacity_timeout), the task waits for the guard to allow instead of failing at once.
      - When not set, there is no guard.
    type: int
  capacity_timeout:
    description:
      - With O(min_up), and O(state=drained), O(state=stopped) or only O(weight) - when the capacity
        guard refuses, wait (at most this many seconds) until it allows, then act, instead of failing
        at once. Other callers putting servers back in rotation meanwhile is what makes it allow.
      - Past the deadline the task fails as without it (C(error.kind=capacity)), nothing changed.
      - This is what makes a rolling deploy with C(serial) above 1 safe - the hosts whose drain
        would take the backend below O(min_up) wait their turn.
      - When not set, the guard refuses at once.
    type: float
  owner:
    description:
      - Who takes the server out of rotation, or puts it back (a maintenance hold).
      - With O(state=drained) or O(state=stopped), hapc records a hold on the server in this owner's
        name (with O(reason) and the time), on the host of the load balancer. The holds are in
        RV(before) and RV(after) (C(holds)).
      - With O(state=enabled), releases this owner's hold; the server goes back in rotation only
        when no other owner holds it (it stays out, and the answer says who still holds it, when
        another does; the task succeeds). An enable by an owner that holds none of it, or without
        O(owner), of a server someone holds fails (C(error.kind=conflict)) and changes nothing,
        unless O(force=true).
      - When not set, a drain or stop records no hold (as without holds at all).
      - Give each caller its own name, the same for its drain and its enable - for example the
        playbook and the host, or an operator's name.
      - A name - letters, digits, C(-), C(_), C(.) and C(:), at most 64 characters; anything else fails
        the task (C(error.kind=invalid_request)) with nothing changed.
    type: str
  reason:
    description:
      - Why the server is taken out of rotation, recorded in the hold with O(owner) (O(state=drained)
        or O(state=stopped)) and shown to whoever finds the server held.
      - Printable text on one line, at most 200 characters.
    type: str
  force:
    description:
      - With O(state=enabled), release every hold on the server, whoever's, and put it back in rotation.
        The task's warnings name the holds released.
      - When not set, an enable respects the holds of other owners (see O(owner)).
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

- name: Put web1 back once its health check passes, then ramp it up to its full weight over 30 s
  hapc.haproxy.server:
    backend: web
    server: web1
    state: enabled
    wait: true
    ramp: 30

- name: Give web2 half its configured weight
  hapc.haproxy.server:
    backend: web
    server: web2
    weight: 50%

- name: Drain app3, give its sessions five minutes, then cut what is left
  hapc.haproxy.server:
    backend: app
    server: app3
    state: drained
    wait: true
    timeout: 300
    on_timeout: stop

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

- name: Take web1 out of every backend that sends it traffic, keeping two servers up in each
  hapc.haproxy.server:
    server: web1
    state: drained
    min_up: 2
    wait: true

- name: Take app3 out for a disk swap, in the operator's name (a deploy will not put it back)
  hapc.haproxy.server:
    backend: app
    server: app3
    state: stopped
    owner: ops-alice
    reason: disk swap, ticket 4711

- name: Drain this host's server, waiting up to five minutes for two others to be in rotation
  hapc.haproxy.server:
    backend: app
    server: "{{ inventory_hostname }}"
    state: drained
    min_up: 2
    capacity_timeout: 300
    owner: "deploy:{{ inventory_hostname }}"
    reason: release 2.4
    wait: true
  delegate_to: lb1

- name: Put it back, unless someone else holds it too
  hapc.haproxy.server:
    backend: app
    server: "{{ inventory_hostname }}"
    state: enabled
    owner: "deploy:{{ inventory_hostname }}"
    wait: true
  delegate_to: lb1

- name: Put app3 back whoever holds it
  hapc.haproxy.server:
    backend: app
    server: app3
    state: enabled
    force: true

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
  returned: success, when the task names one O(backend) and a single O(server) (hapc contract 1.2; decided
    by the task, never by how many backends hold the server)
  type: str
  sample: web
server:
  description: The server.
  returned: success, when the task names one O(backend) and a single O(server) (hapc contract 1.2; decided
    by the task, never by how many backends hold the server)
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
      C(initial_weight) (the configured weight), C(effective_weight) (the weight HAProxy balances with now,
      its C(show stat) weight, lagging behind C(weight) during a slowstart),
      C(address), C(port), C(sessions) (current sessions, over the current and old workers) and C(queued),
      and C(admin_state_source), C(admin_state_bits) and C(check_status) when HAProxy tells them,
      and C(agent) (the server's agent check, V(none), V(running) or V(paused)),
      and C(holds) (the maintenance holds on it, each C(owner), C(reason), C(since) (UTC, ISO 8601)
      and C(action) (the hapc action that took it out); see O(owner)).
  returned: success, when the task names one O(backend) and a single O(server) (hapc contract 1.2; decided
    by the task, never by how many backends hold the server)
  type: dict
  sample: {"name": "web1", "backend": "web", "admin_state": "ready", "operational_state": "up",
           "status": "UP", "weight": 1, "address": "10.0.0.11", "port": 8080, "sessions": 3, "queued": 0}
after:
  description: The server after the task (in check mode, as it would be); same keys as RV(before).
  returned: success, when the task names one O(backend) and a single O(server) (hapc contract 1.2; decided
    by the task, never by how many backends hold the server)
  type: dict
  sample: {"name": "web1", "backend": "web", "admin_state": "drain", "operational_state": "up",
           "status": "DRAIN", "weight": 1, "address": "10.0.0.11", "port": 8080, "sessions": 0, "queued": 0}
waited:
  description: Whether the task waited (O(wait=true)) for the server's sessions to end, or for it to be up.
  returned: when O(wait) is set
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
    - Also on a refusal by O(min_up) (each target unchanged, failed where its backend would fall short) and
      when a server is not found (the targets that were found, untouched; C(not_found) then names each server
      found nowhere).
  returned: always
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
    waited:
      description: With O(wait), whether the task waited for this target.
      type: bool
      returned: when O(wait) is set
    sessions_left:
      description: With O(state=drained) and O(wait), this target's sessions when the wait ended (C(queued_left) too).
      type: int
      returned: when a drain waited
    escalated:
      description: With O(on_timeout=stop), whether this target was stopped at the deadline (then with
        C(sessions_killed) and C(sessions_killed_count)).
      type: bool
      returned: when a drain wait escalated
    write:
      description:
        - What became of this target's write (hapc contract 1.2). C(applied) HAProxy took it; C(refused)
          HAProxy answered an error; C(failed) the exchange carrying it broke off (a reload, a timeout), so
          HAProxy may or may not have taken it; C(not_attempted) an earlier exchange broke and it was never
          sent; C(none) nothing to send, or check mode. A failed task still returns the targets when its
          write broke part-way.
      type: str
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
  description:
    - With O(state=stopped), whether a C(shutdown sessions) went out and HAProxy took it.
    - With O(on_timeout=stop) at the deadline, whether the sessions of a server stopped then were killed (a
      boolean in both cases since hapc contract 1.2; 1.1 gave the count here, now RV(sessions_killed_count)).
  returned: state=stopped with one O(backend) and a single O(server), or when a drain wait escalated
  type: bool
  sample: true
sessions_killed_count:
  description: With O(on_timeout=stop), the sessions the servers stopped at the deadline held just before.
  returned: when a drain wait escalated
  type: int
  sample: 2
escalated:
  description: Whether O(on_timeout=stop) stopped servers still busy at the deadline.
  returned: when a drain wait escalated
  type: bool
  sample: true
vanished:
  description:
    - With O(wait) or O(ramp), the servers a reload removed from the running HAProxy while the task waited
      (hapc contract 1.2). A drain wait counts their sessions in the old workers and succeeds when those end;
      an enable's wait or ramp fails (C(error.kind) C(conflict)).
  returned: when a reload removed a target during the wait
  type: list
  elements: dict
  sample: [{"backend": "web", "server": "web1"}]
health:
  description: With O(state=enabled) and O(wait=true), the server's health when the wait ended.
  returned: when it waited for the server to be up
  type: list
  elements: dict
  sample: [{"backend": "web", "server": "web1", "up": true, "checked": true, "status": "UP",
            "check_status": "L4OK", "up_after_seconds": 1.2}]
ramp:
  description: With O(ramp), the plan (steps, each with C(at_seconds) and C(percent)), how far it went
    (C(steps_done), C(completed)) and each raised server's weights (C(from_weight), C(to_weight), C(weight)).
  returned: when O(ramp) is set
  type: dict
error:
  description: Why the task failed, as hapc classifies it.
  returned: failure
  type: dict
  contains:
    kind:
      description:
        - One of V(usage), V(invalid_request), V(not_found), V(permission), V(socket), V(timeout),
          V(haproxy), V(config), V(reload), V(capacity) (refused by O(min_up), after O(capacity_timeout) when
          set), V(conflict), V(interrupted), V(unsupported).
        - V(conflict) means someone else changed the server meanwhile, or O(state=enabled) was refused because
          another owner holds the server (the message names the holders, their reasons and since when; nothing
          was changed); V(interrupted), Ctrl-C during a wait or ramp; V(unsupported), the running HAProxy
          version lacks a runtime command hapc needs.
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
WEIGHT_ONLY = 'set-weight'


def weight_field(value):
    """The weight as hapc's JSON wants it: a number, or the string "N%". Anything else goes as
    given, and hapc refuses it with its own message (nothing is sent to HAProxy)."""
    if value is None:
        return None
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def main():
    argument_spec = dict(
        backend=dict(type='str'),
        server=dict(type='list', elements='str', required=True),
        state=dict(type='str', choices=list(ACTIONS)),
        wait=dict(type='bool'),
        timeout=dict(type='float'),
        weight=dict(type='str'),
        ramp=dict(type='float'),
        on_timeout=dict(type='str', choices=['fail', 'stop']),
        keep_agent=dict(type='bool'),
        min_up=dict(type='int'),
        capacity_timeout=dict(type='float'),
        owner=dict(type='str'),
        reason=dict(type='str'),
        force=dict(type='bool'),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[('state', 'weight')])
    state = module.params['state']
    # ONE hapc request whatever the options: the state's action (which takes the weight, or
    # refuses it with hapc's own message), or set-weight when only the weight is asked for.
    request = request_for(module, ACTIONS[state] if state else WEIGHT_ONLY,
                          ('backend', 'server', 'wait', 'timeout', 'ramp', 'on_timeout', 'keep_agent', 'min_up',
                           'capacity_timeout', 'owner', 'reason', 'force'),
                          check_mode=module.check_mode)
    request['server'] = one_or_list(request['server'])
    if module.params['weight'] is not None:
        request['weight'] = weight_field(module.params['weight'])
    rc, answer = run_hapc(module, request)
    exit_with_answer(module, rc, answer)


if __name__ == '__main__':
    main()
