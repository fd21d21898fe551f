{#- On a load balancer: the server is drained and has no sessions left, waiting at most
    drain_timeout seconds (pillar: backend, server, drain_timeout; optional: owner and reason,
    the maintenance hold; min_up and capacity_timeout, the capacity guard). Used by
    hapc/rolling_maintenance.sls; applicable alone with state.apply. -#}
{{ pillar['server'] }} drained:
  hapc.server_drained:
    - backend: {{ pillar['backend'] | json }}
    - server: {{ pillar['server'] | json }}
    - wait: True
    - timeout: {{ pillar.get('drain_timeout', 60) | int }}
    - min_up: {{ pillar.get('min_up') | json }}
    - capacity_timeout: {{ pillar.get('capacity_timeout') | json }}
    - owner: {{ pillar.get('owner') | json }}
    - reason: {{ pillar.get('reason') | json }}
