"""Starts one `env0 serve` for the session; each test gets a fresh world of its own."""

import json
import os
import subprocess
import urllib.request
import uuid

import pytest

ADMIN = "client-tests-admin-token"


def _admin(url, method, path, body=None, world=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    req.add_header("X-Env0-Admin-Token", ADMIN)
    if world:
        req.add_header("X-Env0-World", world)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("ENV0_BIN", "env0")
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--admin-token", ADMIN],
        stderr=subprocess.PIPE,
        text=True,
    )
    # The first line names the address: "env0 serve: http://127.0.0.1:PORT (every service)".
    line = proc.stderr.readline()
    assert line.startswith("env0 serve: http://"), line
    url = line.split()[2]
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr.read()


class World:
    def __init__(self, url, name):
        self.url = url
        self.name = name
        # Every service under this world's path prefix.
        self.base = f"{url}/worlds/{name}"

    def admin(self, method, path, body=None):
        return _admin(self.url, method, path, body, world=self.name)


@pytest.fixture
def world(server):
    name = "t-" + uuid.uuid4().hex[:12]
    created = _admin(server, "POST", "/_admin/worlds", {"name": name})
    assert created["name"] == name
    yield World(server, name)
    _admin(server, "DELETE", f"/_admin/worlds/{name}")
