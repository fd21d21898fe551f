{#- On a load balancer: the server is drained and has no sessions left, waiting at most
    drain_timeout seconds (pillar: backend, server, drain_timeout). Used by
    hapc/rolling_maintenance.sls; applicable alone with state.apply. -#}
{{ pillar['server'] }} drained:
  hapc.server_drained:
    - backend: {{ pillar['backend'] | json }}
    - server: {{ pillar['server'] | json }}
    - wait: True
    - timeout: {{ pillar.get('drain_timeout', 60) | int }}
