# Consul client agent configuration of the lab (stage 4, service-discovery).
# Every server container gets one agent, in a container of its own that shares the server's network
# namespace (`docker run --network container:server_1`): the agent sees the server on localhost, and
# Consul sees one node per server, named after it.
#   consul agent -config-file=/consul/config/agent.hcl -config-file=/consul/config/simple-service.json \
#     -node=server_1 -join=simple_consul_1 ... -join=simple_consul_5
# -node: the node is named after the server container (unique, and what the load balancers show).
# -join, not -retry-join: the agent joins the servers before it first syncs with the catalog, so the
#   server is registered within milliseconds. With -retry-join that first sync runs before the join,
#   fails ("No known Consul servers"), and Consul 1.8 waits a random 0-3 s before the next one.
#   -join gives up (the agent exits) only when no server at all answers.
# simple-service.json registers the server as an instance of `simple-service` with a health check;
# leave it out for an agent that only answers queries (the one next to a watch-mode load balancer).

datacenter = "exampledc1"
data_dir   = "/consul/data"
server     = false

# The agent's HTTP API (8500) and DNS (8600) answer on localhost only: in the shared namespace that
# is the server's (or the load balancer's) localhost, and nothing else needs them.
client_addr = "127.0.0.1"
# The address other nodes reach this node at: the server container's address on simple-network.
bind_addr = "{{ GetInterfaceIP \"eth0\" }}"

# Should -retry-join be used instead: try the servers every second until one answers (default 30 s).
retry_interval = "1s"
# On `docker stop` the agent leaves the cluster (the default for agents): its node and service
# disappear from the catalog at once instead of failing.
leave_on_terminate = true

# The same values as in server.hcl: every agent of the datacenter gossips alike.
gossip_lan {
  probe_interval  = "500ms"
  probe_timeout   = "400ms"
  gossip_interval = "200ms"
  suspicion_mult  = 3
}
