"""Health checks, readiness and Prometheus metrics, served over HTTP when METRICS_PORT is set."""
