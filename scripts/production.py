"""Starts Haven's production profile: `HAVEN_PROFILE=production python -m scripts.production`
(`make run-production`).

The embedded profile (`make run`) keeps conversations in SQLite inside one Rasa process. The
production profile swaps in Rasa's own scale-out mechanisms, configured in
endpoints.production.yml: the SQL tracker store on PostgreSQL (still scrubbed, still erasable)
and the Redis lock store, so several Rasa processes, on this machine or on others, can serve the
same conversations. The action server and Rasa run as separate processes, all on 127.0.0.1; the
Telegram front end (`python -m bot`) is a third process that finds Rasa at HAVEN_RASA_URL.
Figures and the reasoning behind the defaults are in docs/performance.md, the deployment shape in
docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from actions.paths import PROJECT_ROOT
from bot.local_stack import LocalStack

PROFILE_ENV = "HAVEN_PROFILE"
PRODUCTION = "production"
PRODUCTION_ENDPOINTS = PROJECT_ROOT / "endpoints.production.yml"
API_TOKEN_ENV = "HAVEN_API_TOKEN"
WORKERS_ENV = "HAVEN_RASA_WORKERS"
RASA_PORT_ENV = "HAVEN_RASA_PORT"
# Two Sanic workers (one Rasa process per core): about 1.7x the messages per second of one worker
# on 2 cores, for twice the memory (each worker loads TensorFlow and the model). See
# docs/performance.md before changing it; more workers than cores only add memory.
DEFAULT_WORKERS = 2

# The variables endpoints.production.yml reads, with the loopback defaults of one machine.
# Rasa refuses to start when a variable it substitutes is unset, so every one gets a value here.
DEFAULTS: Dict[str, str] = {
    "HAVEN_ACTIONS_PORT": "5055",
    "HAVEN_DB_HOST": "127.0.0.1",
    "HAVEN_DB_PORT": "5432",
    "HAVEN_DB_NAME": "haven",
    "HAVEN_DB_USER": "postgres",
    "HAVEN_DB_PASSWORD": "",
    "HAVEN_REDIS_HOST": "127.0.0.1",
    "HAVEN_REDIS_PORT": "6379",
    "HAVEN_REDIS_DB": "1",
    "HAVEN_REDIS_PREFIX": "haven",
}


def production_environment(
    environ: Mapping[str, str] = os.environ, **overrides: str
) -> Dict[str, str]:
    """The variables endpoints.production.yml needs: the overrides, else the environment, else the
    loopback defaults. Secrets (the database password) come only from the environment."""
    values = {name: environ.get(name, default) for name, default in DEFAULTS.items()}
    values.update(overrides)
    return values


def production_stack(
    model: Path = PROJECT_ROOT / "models",
    rasa_port: int = 5005,
    actions_port: Optional[int] = None,
    workers: int = DEFAULT_WORKERS,
    api_token: Optional[str] = None,
    environ: Mapping[str, str] = os.environ,
    **overrides: str,
) -> LocalStack:
    """A LocalStack on endpoints.production.yml: Rasa (with `workers` Sanic workers) and the action
    server on loopback, conversations in PostgreSQL, locks in Redis. Not started yet."""
    env = production_environment(environ, **overrides)
    if actions_port is not None:
        env["HAVEN_ACTIONS_PORT"] = str(actions_port)
    return LocalStack(
        model=model,
        rasa_port=rasa_port,
        actions_port=int(env["HAVEN_ACTIONS_PORT"]),
        endpoints=PRODUCTION_ENDPOINTS,
        api_token=api_token,
        workers=workers,
        extra_env=env,
        rasa_module="scripts.rasa_production_server",
    )


def _wait_for_signal(stack: LocalStack) -> int:
    """Blocks until SIGTERM/SIGINT or until a child exits (so systemd restarts the whole set)."""
    stopping: List[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: stopping.append(number))
    while not stopping:
        for process in (stack.actions_process, stack.rasa_process):
            if process is not None and process.poll() is not None:
                print(f"haven: a service exited with code {process.returncode}", file=sys.stderr)
                return 1
        time.sleep(1)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models")
    parser.add_argument("--port", type=int, default=int(os.environ.get(RASA_PORT_ENV, 5005)))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get(WORKERS_ENV, DEFAULT_WORKERS))
    )
    args = parser.parse_args(argv)
    if os.environ.get(PROFILE_ENV) != PRODUCTION:
        print(
            f"haven: set {PROFILE_ENV}={PRODUCTION} to start the production profile "
            "(PostgreSQL and Redis); `make run` starts the embedded one",
            file=sys.stderr,
        )
        return 2
    # Rasa's HTTP API stays off unless a token is set; the REST channel is loopback-only.
    token = os.environ.get(API_TOKEN_ENV) or None
    stack = production_stack(
        model=args.model, rasa_port=args.port, workers=args.workers, api_token=token
    )
    try:
        stack.start()
        print(f"haven: production profile answering at {stack.rasa_url}", flush=True)
        return _wait_for_signal(stack)
    except (RuntimeError, TimeoutError) as error:
        print(f"haven: {error}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
