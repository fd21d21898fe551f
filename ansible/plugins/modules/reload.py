#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hapc contributors
# Apache License 2.0 (see the collection's LICENSE)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: reload
short_description: Reload HAProxy safely through hapc, keeping drained and stopped servers as they are
version_added: 0.1.0
description:
  - Validates HAProxy's configuration with the HAProxy binary first, then reloads HAProxy through its master
    socket, using the hapc command-line tool, and reports whether the new worker took over.
  - Servers drained or stopped through the admin socket stay so across the reload.
  - The old workers keep serving their established connections until these end (nothing is dropped).
  - An invalid configuration fails the task and leaves the running HAProxy as it is.
  - In check mode the configuration is only validated.
  - Meant to be notified as a handler by the tasks that change the configuration.
author:
  - hapc contributors (!UNKNOWN)
extends_documentation_fragment:
  - hapc.haproxy.common
attributes:
  check_mode:
    description: In check mode the configuration is validated and nothing is reloaded.
    support: full
  diff_mode:
    description: Has no diff.
    support: none
seealso:
  - module: hapc.haproxy.server
'''

EXAMPLES = r'''
# In a play: change the configuration, reload through the handler.
- name: Install haproxy.cfg
  ansible.builtin.template:
    src: haproxy.cfg.j2
    dest: /etc/haproxy/haproxy.cfg
  notify: Reload HAProxy

# In the play's handlers:
- name: Reload HAProxy
  hapc.haproxy.reload:
    master_socket: /run/haproxy-master.sock
'''

RETURN = r'''
msg:
  description: hapc's one-sentence account of the reload (or of the validation, in check mode).
  returned: always
  type: str
action:
  description: Always C(reload-haproxy).
  returned: always
  type: str
  sample: reload-haproxy
check_mode:
  description: Whether hapc only validated the configuration.
  returned: success
  type: bool
validated:
  description: How the configuration was validated - C(valid), C(command) (the HAProxy command line that checked it),
    C(exit_status) and C(output).
  returned: success
  type: dict
  sample: {"valid": true, "command": ["haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg"], "exit_status": 0}
method:
  description: How HAProxy was reloaded (V(master_cli), V(systemctl), or V(none) in check mode).
  returned: success
  type: str
  sample: master_cli
workers_before:
  description: HAProxy's processes before the reload, each with C(pid), C(role) (V(master), V(current) or V(old)),
    C(reloads), C(uptime) and C(version).
  returned: success
  type: list
  elements: dict
workers_after:
  description: HAProxy's processes after the reload; the previous worker is now V(old) while it finishes its sessions.
  returned: success
  type: list
  elements: dict
states_restored:
  description: The drained or stopped servers whose state was kept across the reload (C(backend), C(server),
    C(admin_state), C(how)).
  returned: success
  type: list
  elements: dict
  sample: [{"backend": "web", "server": "web1", "admin_state": "drain", "how": "server_state_file"}]
duration_seconds:
  description: How long the reload took.
  returned: success
  type: float
error:
  description: Why the task failed, as hapc classifies it (C(kind) V(config) for an invalid configuration,
    V(reload) when the new worker did not take over).
  returned: failure
  type: dict
rc:
  description: hapc's exit status (0 done, 1 failed, 2 invalid request).
  returned: always
  type: int
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hapc.haproxy.plugins.module_utils.hapc import (
    COMMON_ARGS, exit_with_answer, request_for, run_hapc)


def main():
    module = AnsibleModule(argument_spec=dict(COMMON_ARGS), supports_check_mode=True)
    rc, answer = run_hapc(module, request_for(module, 'reload-haproxy', (), check_mode=module.check_mode))
    exit_with_answer(module, rc, answer)


if __name__ == '__main__':
    main()
