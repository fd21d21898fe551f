# -*- coding: utf-8 -*-
# Copyright: hapc contributors
# Apache License 2.0 (see the collection's LICENSE)
"""The one thing every hapc.haproxy module does: send hapc one JSON request on stdin and turn
its one JSON answer into the task's result. Nothing here talks to HAProxy: hapc does."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

# Options shared by every module (documented once in doc_fragments/common.py). Apart from
# `executable`, each is a field of hapc's JSON request under the same name.
COMMON_ARGS = dict(
    socket=dict(type='str'),
    config=dict(type='list', elements='path'),
    master_socket=dict(type='path'),
    socket_timeout=dict(type='float'),
    state_dir=dict(type='path'),
    haproxy_bin=dict(type='path'),
    executable=dict(type='path', default='hapc'),
)
COMMON_FIELDS = ('socket', 'config', 'master_socket', 'socket_timeout', 'state_dir', 'haproxy_bin')


def request_for(module, action, fields, **extra):
    """hapc's request: `action`, the `fields` (and common fields) the task sets, then `extra`.
    An option left unset is left out, so that hapc applies its own default."""
    request = dict(action=action)
    for name in tuple(fields) + COMMON_FIELDS:
        if module.params.get(name) is not None:
            request[name] = module.params[name]
    request.update(extra)
    return request


def one_or_list(names):
    """A list option as hapc takes it: one name as a string (the 1.0 request, unchanged), several
    as a list."""
    if isinstance(names, list) and len(names) == 1:
        return names[0]
    return names


def run_hapc(module, request):
    """Runs `hapc --json-in -` with `request` on stdin; returns (exit status, answer dict).
    Fails the task when hapc cannot be run or prints no JSON object."""
    executable = module.params['executable']
    if os.sep not in executable:
        executable = module.get_bin_path(executable, required=True)
    rc, out, err = module.run_command([executable, '--json-in', '-'], data=json.dumps(request),
                                      binary_data=True, check_rc=False)
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        module.fail_json(msg='hapc gave no JSON answer (exit status %d): %s' % (rc, (err or out).strip()),
                         rc=rc, stdout=out, stderr=err, request=request)
    return rc, answer


def _with_header(diff, header):
    diff = dict(diff)
    if header:
        diff.setdefault('before_header', header)
        diff.setdefault('after_header', header)
    return diff


def _target_diffs(targets):
    """Ansible's diff as a list (which Ansible shows one after the other), one per target of an
    answer without the one-target fields, each headed by its backend/server."""
    return [_with_header(t['diff'], '%s/%s' % (t.get('backend'), t.get('server')))
            for t in targets if isinstance(t, dict) and isinstance(t.get('diff'), dict)]


def exit_with_answer(module, rc, answer, ok=(0,), header=None):
    """Ends the task with hapc's answer: exit_json when hapc's exit status is in `ok` and the
    answer is not failed, else fail_json. hapc's `msg` is the task's message; hapc's
    `diff: {before, after}` becomes Ansible's diff (shown with --diff); an answer without it (the
    task did not name one backend and one server: hapc then answers with `targets` only, however
    many it found) gives one diff per target. `header` defaults to the answer's backend/server."""
    result = dict(answer)
    result['rc'] = rc
    failed = bool(result.pop('failed', False)) or rc not in ok
    hapc_diff = result.pop('diff', None)
    targets = result.get('targets')
    if header is None and result.get('backend') and result.get('server'):
        header = '%s/%s' % (result['backend'], result['server'])
    if module._diff and not failed:
        if isinstance(hapc_diff, dict):
            result['diff'] = _with_header(hapc_diff, header)
        elif isinstance(targets, list) and targets:
            result['diff'] = _target_diffs(targets)
    if failed:
        result.setdefault('msg', 'hapc failed with exit status %d' % rc)
        module.fail_json(**result)
    # Said explicitly: Ansible takes a result with a non-zero rc and no `failed` as failed, and
    # exit status 3 of check-safe-to-remove is an answer.
    module.exit_json(failed=False, **result)
