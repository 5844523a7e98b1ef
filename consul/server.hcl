# Consul server configuration of the lab (stage 4, service-discovery).
# The settings that change from one server to the next are flags on the command line:
#   consul agent -config-file=/consul/config/server.hcl -node=simple_consul_1 -bootstrap-expect=5 \
#     -retry-join=simple_consul_1 -retry-join=simple_consul_2 ... -retry-join=simple_consul_5
# -bootstrap-expect: how many servers to wait for before electing the first leader (all of them).
# -retry-join: the other servers, by container name: Docker's DNS on simple-network resolves them.
# -node: the name in `consul members` and the UI (the default, the hostname, is a container id).

datacenter = "exampledc1"
data_dir   = "/consul/data"
server     = true
ui         = true

# The HTTP API and UI (8500) and DNS (8600) answer on every interface of the container, so they can
# be published (127.0.0.1:8501 for simple_consul_1) and asked by the load balancers on the network.
client_addr = "0.0.0.0"
# Gossip and RPC use the container's address on simple-network. Docker names the first network's
# interface eth0; the template is evaluated when Consul starts, whatever address Docker handed out.
bind_addr = "{{ GetInterfaceIP \"eth0\" }}"

# Servers start together: a name that does not answer yet is tried again every second (default 30 s).
retry_interval = "1s"

# Elections and leader failure detection at their fastest (the default, 5, suits slow cloud VMs).
performance {
  raft_multiplier = 1
}

# DNS answers are never cached (TTL 0), and any server may answer from its copy of the catalog
# (allow_stale, the default): a server that left is gone from the next SRV answer.
dns_config {
  allow_stale = true
  node_ttl    = "0s"
  service_ttl {
    "*" = "0s"
  }
}

# Gossip tuned for containers on one host: a dead node is probed every 500 ms (default 1 s) and
# declared failed after about two seconds instead of several. Faster still (200 ms, 100 ms
# timeouts) worked on a laptop but flapped on a slow machine (the CI's emulated VM): ten agents
# probing that often took its CPU, probes timed out and live nodes were declared dead. Every agent
# of the datacenter uses the same values (agent.hcl repeats them).
gossip_lan {
  probe_interval  = "500ms"
  probe_timeout   = "400ms"
  gossip_interval = "200ms"
  suspicion_mult  = 3
}
