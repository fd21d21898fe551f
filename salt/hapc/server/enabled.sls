{#- On a load balancer: the server is back in rotation (pillar: backend, server). Used by
    hapc/rolling_maintenance.sls; applicable alone with state.apply. -#}
{{ pillar['server'] }} enabled:
  hapc.server_enabled:
    - backend: {{ pillar['backend'] | json }}
    - server: {{ pillar['server'] | json }}
    # ENABLE-WAIT: the one place for hapc's `enable-server --wait` (wait until the server is
    # operationally up, its health check passed). When it lands, add here:
    #   - wait: True
    #   - timeout: {{ pillar.get('up_timeout', 60) }}
    # Until then hapc/server/verified.sls checks the state once, right after the enable.
