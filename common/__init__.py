"""The project's small shared library: helpers several apps use. It imports no app of the project."""
