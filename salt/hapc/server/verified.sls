{#- On a load balancer: the server is in rotation, admin state ready and not operationally
    down, as HAProxy answers hapc.list_servers when this SLS is rendered (pillar: backend,
    server). Used by hapc/rolling_maintenance.sls after the enable. -#}
{%- set answer = salt['hapc.list_servers'](pillar['backend'], details=True) %}
{%- set found = answer.servers | selectattr('name', 'equalto', pillar['server']) | list %}
{%- set state = found[0] if found else {} %}
{%- set up = state.get('admin_state') == 'ready' and state.get('operational_state', 'down') != 'down' %}
{{ pillar['server'] }} in rotation:
  test.{{ 'succeed_without_changes' if up else 'fail_without_changes' }}:
    - comment: {{ ('%s/%s: admin state %s, operational state %s' % (pillar['backend'], pillar['server'],
                   state.get('admin_state', 'unknown'), state.get('operational_state', 'unknown'))) | json }}
