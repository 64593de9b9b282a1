"""Starts and stops the action server and the Rasa server on loopback, for the local chat and the
tests. Both bind to 127.0.0.1 only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Dict, List, Mapping, Optional

import httpx

from actions.paths import PROJECT_ROOT

RUN_DIR = PROJECT_ROOT / "var" / "run"
LOG_DIR = PROJECT_ROOT / "var" / "log"
LOOPBACK = "127.0.0.1"


def service_environment() -> Dict[str, str]:
    """Environment for every Haven process: no telemetry, loopback only, quiet TensorFlow."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        SANIC_HOST=LOOPBACK,
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


def answers(url: str) -> bool:
    """True when a server answers the URL with 200 (Rasa answers its root once the model is in)."""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_until_up(url: str, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}; see {LOG_DIR}")
        if answers(url):
            return
        time.sleep(0.5)
    raise TimeoutError(f"{name} did not answer on {url} within {timeout:.0f}s; see {LOG_DIR}")


class LocalStack:
    """The action server and Rasa, as child processes, on the given loopback ports."""

    def __init__(
        self,
        model: Path = PROJECT_ROOT / "models",
        rasa_port: int = 5005,
        actions_port: int = 5055,
        endpoints: Optional[Path] = None,
        tracker_db: Path = PROJECT_ROOT / "var" / "haven.db",
        api_token: Optional[str] = None,
        workers: int = 1,
        extra_env: Optional[Mapping[str, str]] = None,
        rasa_module: str = "scripts.rasa_server",
    ) -> None:
        self.model = model
        self.rasa_port = rasa_port
        self.actions_port = actions_port
        self.endpoints = endpoints
        self.tracker_db = tracker_db
        # Rasa's HTTP API (model/parse, trackers) is off unless a token is given: only tests and
        # benchmarks use it, on loopback, with the token required on every call.
        self.api_token = api_token
        # Sanic workers for Rasa: more than one needs a shared lock store (Redis), so only the
        # production profile (endpoints.production.yml) asks for them.
        self.workers = workers
        # Extra variables for the child processes, e.g. the production profile's HAVEN_DB_*.
        self.extra_env = dict(extra_env or {})
        # The module that runs `rasa run` (the production profile adds its speed-ups).
        self.rasa_module = rasa_module
        self._processes: List[subprocess.Popen] = []
        self._logs: List[IO[bytes]] = []
        self.actions_process: Optional[subprocess.Popen] = None
        self.rasa_process: Optional[subprocess.Popen] = None

    @property
    def rasa_url(self) -> str:
        return f"http://{LOOPBACK}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{LOOPBACK}:{self.actions_port}"

    def _endpoints_file(self) -> Path:
        if self.endpoints:
            return self.endpoints
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        path = RUN_DIR / f"endpoints-{self.rasa_port}.yml"
        self.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'action_endpoint:\n  url: "{self.actions_url}/webhook"\n'
            "tracker_store:\n"
            "  type: haven_privacy.tracker_store.PrivateSQLTrackerStore\n"
            "  dialect: sqlite\n"
            f'  db: "{self.tracker_db}"\n',
            encoding="utf-8",
        )
        return path

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = open(LOG_DIR / f"{name}.log", "wb")  # one log per start, easy to read
        self._logs.append(log)
        env = service_environment()
        env.update(self.extra_env)
        if self.workers > 1:
            env["SANIC_WORKERS"] = str(self.workers)
        process = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._processes.append(process)
        return process

    def start_actions(self, timeout: float = 60) -> None:
        self.actions_process = self._spawn(
            f"actions-{self.actions_port}",
            [
                sys.executable,
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "-p",
                str(self.actions_port),
            ],
        )
        _wait_until_up(f"{self.actions_url}/health", self.actions_process, "action server", timeout)

    def start_rasa(self, timeout: float = 180) -> None:
        self.rasa_process = self._spawn(
            f"rasa-{self.rasa_port}",
            [
                sys.executable,
                "-m",
                self.rasa_module,
                "--model",
                str(self.model),
                "--interface",
                LOOPBACK,
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(self._endpoints_file()),
                "--credentials",
                str(PROJECT_ROOT / "credentials.yml"),
                *(["--enable-api", "--auth-token", self.api_token] if self.api_token else []),
            ],
        )
        _wait_until_up(f"{self.rasa_url}/", self.rasa_process, "Rasa", timeout)

    def start(self) -> LocalStack:
        """Starts the action server, then Rasa, and returns once both answer."""
        self.start_actions()
        self.start_rasa()
        return self

    @staticmethod
    def _terminate(process: Optional[subprocess.Popen]) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_actions(self) -> None:
        """Stops only the action server (to show the assistant still answers without it)."""
        self._terminate(self.actions_process)

    def stop(self) -> None:
        """Stops every process this stack started and closes their logs."""
        for process in reversed(self._processes):
            self._terminate(process)
        for log in self._logs:
            log.close()
        self._processes.clear()
        self._logs.clear()

    def __enter__(self) -> LocalStack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
