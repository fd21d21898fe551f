# A stdout callback for the tests: the play's results as one JSON document (ansible-core has
# no JSON stdout callback of its own). Shape: {"plays": [{"tasks": [{"task": {"name"},
# "hosts": {host: result}}]}], "stats": {host: {ok, changed, failures, ...}}}.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: json_results
type: stdout
short_description: the play's results as one JSON document (tests only)
description: the play's results as one JSON document (tests only)
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'json_results'

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display)
        self.plays = []

    def v2_playbook_on_play_start(self, play):
        self.plays.append({'play': {'name': play.get_name()}, 'tasks': []})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.plays[-1]['tasks'].append({'task': {'name': task.get_name()}, 'hosts': {}})

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _record(self, result, **flags):
        res = dict(result._result)
        res.update(flags)
        self.plays[-1]['tasks'][-1]['hosts'][result._host.get_name()] = res

    def v2_runner_on_ok(self, result, **kwargs):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        out = {'plays': self.plays,
               'stats': dict((h, stats.summarize(h)) for h in sorted(stats.processed))}
        self._display.display(json.dumps(out, default=str))
