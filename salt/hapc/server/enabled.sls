{#- On a load balancer: the server is back in rotation (pillar: backend, server; optional:
    owner, whose maintenance hold is released: a server another owner also holds stays out,
    and the comment says who holds it). Used by hapc/rolling_maintenance.sls; applicable alone with state.apply. -#}
{{ pillar['server'] }} enabled:
  hapc.server_enabled:
    - backend: {{ pillar['backend'] | json }}
    - server: {{ pillar['server'] | json }}
    # wait until HAProxy says the server is up (its health check passed)
    - wait: True
    - timeout: {{ pillar.get('up_timeout', 60) }}
    - owner: {{ pillar.get('owner') | json }}
