"""What the gateway tells its operators: Prometheus metrics, the access log, per-tenant figures."""
