"""Development tools: the demo municipality, the benchmark, the load test. Not part of the runtime.

Production settings leave this app out when the package is not installed (docs/architecture.md); nothing in
the runtime apps imports it.
"""
