"""`make demo` starts the tasks worker beside the server and stops it when the server stops."""

from __future__ import annotations

import pytest

from devtools.management.commands import demo


class FakeProcess:
    started: list = []

    def __init__(self, command, **kwargs):
        self.command, self.kwargs, self.terminated = command, kwargs, False
        FakeProcess.started.append(self)

    @property
    def pid(self):
        return 4242

    def poll(self):
        return 0 if self.terminated else None

    def terminate(self):
        self.terminated = True

    def wait(self, timeout=None):
        return 0


@pytest.mark.parametrize("server_ends_with", [None, KeyboardInterrupt])
def test_the_demo_runs_the_worker_while_the_server_runs(monkeypatch, server_ends_with):
    FakeProcess.started = []
    seen_while_serving = []

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            seen_while_serving.append([p.terminated for p in FakeProcess.started])
            if server_ends_with:
                raise server_ends_with

    monkeypatch.setattr(demo.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(demo, "call_command", fake_call_command)
    monkeypatch.setattr(demo.Command, "create_logins", lambda self: None)
    monkeypatch.setattr(demo, "load_reference_data", lambda: None)
    monkeypatch.setattr(demo.Citizen.objects, "exists", lambda: True)
    command = demo.Command()
    if server_ends_with:
        with pytest.raises(server_ends_with):
            command.handle(no_serve=False, port="8000")
    else:
        command.handle(no_serve=False, port="8000")
    [worker] = FakeProcess.started
    assert worker.command[1].endswith("manage.py")
    assert worker.command[2:] == ["db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]
    assert worker.kwargs == {"start_new_session": True}
    assert seen_while_serving == [[False]]  # running while the server ran
    assert worker.terminated  # and stopped with it


def test_the_demo_without_serving_starts_no_worker(monkeypatch):
    FakeProcess.started = []
    monkeypatch.setattr(demo.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(demo, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(demo.Command, "create_logins", lambda self: None)
    monkeypatch.setattr(demo, "load_reference_data", lambda: None)
    monkeypatch.setattr(demo.Citizen.objects, "exists", lambda: True)
    demo.Command().handle(no_serve=True, port="8000")
    assert FakeProcess.started == []
