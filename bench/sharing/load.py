"""The server under load: gunicorn serving the platform (with the bare endpoint beside it), a Celery
worker sealing the call log, and wrk driving HTTP from a process of its own.

Each wrk run picks a random key from the sample for every request (and 100 for a batch), and its
Lua ``done`` hook prints the request count, the duration, the 50th/95th/99th percentile latency
and the count of non-2xx answers, which must be none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from bench.sharing.world import DATABASE_URL, environment

PORT = 8734
WORKERS = 2
CONNECTIONS = 8
RECYCLE = 20  # one request in this many closes its connection

_LUA = """
local keys = %(keys)s
local path = "%(path)s"
local operation = "%(operation)s"
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(token)s",
                 ["X-Purpose"] = "GT2026112900001"}
-- One request in RECYCLE closes its connection and wrk opens a new one, which the server process
-- with the least to do accepts first: keep-alive connections would otherwise stay wherever the
-- first burst put them, often six of eight on one process of two, and the run would measure that.
local closing = {}
for name, value in pairs(headers) do closing[name] = value end
closing["Connection"] = "close"
local sent = 0
local function pick() return keys[math.random(#keys)] end
request = function()
  sent = sent + 1
  local chosen = headers
  if sent %% %(recycle)d == 0 then chosen = closing end
  local body
  if operation == "verify" then
    local key = pick()
    body = '{"values": {"id_number": "' .. key[1] .. '", "name": "' .. key[2] .. '"}}'
  elseif operation == "batch" then
    local values = {}
    for i = 1, 100 do values[i] = '"' .. pick()[1] .. '"' end
    body = '{"field": "id_number", "values": [' .. table.concat(values, ",") .. ']}'
  else
    body = '{"field": "id_number", "value": "' .. pick()[1] .. '"}'
  end
  return wrk.format("POST", path, chosen, body)
end
-- wrk counts only 4xx and 5xx as errors; a redirect to a sign-in page must count too.
local wrong = 0
response = function(status, headers, body)
  if status ~= 200 then wrong = wrong + 1 end
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    math.max(errors.status, wrong), errors.connect + errors.read + errors.write + errors.timeout))
end
"""


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    p50: float  # seconds
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def _maintain() -> None:
    """Between runs, what autovacuum would have done where the server runs without it (this
    machine kind's test configuration turns it off): sealing leaves a dead version of every call
    record behind, and the sealing worker's search for unsealed records through hundreds of
    thousands of them would measure the missing maintenance, not the platform."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        row = connection.execute("SHOW autovacuum").fetchone()
        if row is not None and row[0] == "off":
            connection.execute("VACUUM (ANALYZE) sharing_callrecord, sharing_callsubject")


class Server:
    """gunicorn and a Celery worker on the benchmark's world, started once for all cases."""

    def __init__(self) -> None:
        if shutil.which("wrk") is None:
            raise RuntimeError("wrk is missing: make bench installs it from Debian's packages")
        env = {**os.environ, **environment()}
        made = subprocess.run(
            [sys.executable, "-m", "bench.sharing.world"], env=env, check=True, capture_output=True, text=True
        )
        world = json.loads(made.stdout.strip().splitlines()[-1])
        self.token, self.code = world["token"], world["code"]
        self.keys = json.loads(Path(world["keys"]).read_text())
        binaries = Path(sys.executable).parent
        self.processes = [
            subprocess.Popen(
                [str(binaries / "gunicorn"), "shuzheng.wsgi", f"--bind=127.0.0.1:{PORT}", f"--workers={WORKERS}",
                 "--worker-class=gthread", "--threads=4", "--log-level=warning"],
                env=env,
            ),
            subprocess.Popen([str(binaries / "shuzheng"), "worker", "--loglevel=WARNING"], env=env),
        ]  # fmt: skip
        self._wait()
        self._warm()
        self.scripts = Path(tempfile.mkdtemp(prefix="shuzheng-bench-sharing-"))

    def _wait(self) -> None:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not start")

    def _warm(self) -> None:
        """Let every server process copy and index the table (seconds each) before any timing:
        a few requests at once, so that both processes get some, with time to spare."""
        body = json.dumps({"field": "id_number", "value": self.keys[0][0]}).encode()

        def one(_: int) -> None:
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}{self.path('bare')}", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=120):  # noqa: S310
                pass

        with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
            list(pool.map(one, range(CONNECTIONS * 2)))

    def path(self, operation: str) -> str:
        if operation == "bare":
            return f"/api/v1/bench/datasets/{self.code}/lookup"
        return f"/api/v1/sharing/datasets/{self.code}/{operation}"

    def load(self, operation: str, seconds: int, *, warming: bool = False) -> Run:
        """wrk for ``seconds`` against one operation; every answer must be a 2xx, except while
        warming (each server process copies and indexes the table on its first lookup)."""
        _maintain()
        script = self.scripts / f"{operation}.lua"
        if not script.exists():
            values: dict[str, Any] = {
                "keys": "{" + ",".join(f'{{"{key}", "{name}"}}' for key, name in self.keys) + "}",
                "path": self.path(operation),
                "operation": operation,
                "token": self.token,
                "recycle": RECYCLE,
            }
            script.write_text(_LUA % values)
        # A slow answer counts in the percentiles, not as an error: wrk gives up only after 30 s.
        command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
        command.append(f"http://127.0.0.1:{PORT}")
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        line = next(line for line in output.splitlines() if line.startswith("RESULT "))
        requests, microseconds, p50, p95, p99, statuses, failures = (int(part) for part in line.split()[1:])
        if requests == 0:
            raise RuntimeError(f"{operation}: no answer in {seconds} s")
        if (statuses or failures) and not warming:
            raise RuntimeError(f"{operation}: of {requests} answers {statuses} not 200, {failures} failed or timed out")
        return Run(requests, microseconds / 1e6, p50 / 1e6, p95 / 1e6, p99 / 1e6)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
        shutil.rmtree(self.scripts, ignore_errors=True)
