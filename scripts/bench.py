"""`make bench`: the same trained model served two ways, measured in one run, side by side.

* baseline: what a user gets from `rasa run` as Rasa ships it: one process, one Sanic worker, the
  in-memory tracker store, plus the action server;
* production: this project's production profile (endpoints.production.yml: PostgreSQL tracker
  store, Redis lock store) with the Sanic workers of scripts/production.py.

Everything runs on 127.0.0.1 and is bounded in time and count: each load stage runs for a fixed
number of seconds and the ramp stops at the first rate whose p95 passes 1 s. The load generator
runs on the same machine (it takes CPU from the servers; the figures are therefore conservative).
Results, the machine's core count, load and date go to docs/performance.md between the BENCH
markers, so the script can be re-run at any time. See docs/performance.md for the reading.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import httpx

from actions.paths import PROJECT_ROOT
from bot.local_stack import RUN_DIR, LocalStack, service_environment
from bot.rasa_client import REST_WEBHOOK_PATH
from scripts.production import DEFAULT_WORKERS, production_stack
from scripts.rasa_cli import MODELS_DIR, latest_model

PERFORMANCE_DOC = PROJECT_ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- BENCH:BEGIN -->", "<!-- BENCH:END -->"
BENCH_DB = "haven_bench"
BENCH_REDIS = dict(HAVEN_REDIS_DB="14", HAVEN_REDIS_PREFIX="havenbench")
P95_LIMIT = 1.0
TARGET_RATE = 30.0  # the target: 30 msg/s sustained with p95 under 500 ms

# A realistic mix: greetings, country choices, roles, topic questions, crisis messages, asking
# for help. Each simulated user plays one script from the top, then starts it again.
SCRIPTS: List[List[str]] = [
    ["hi", "I'm in Japan", "im 14", "what is sextortion?", "I need help"],
    ["hello", "united kingdom", "I'm a parent", "how do I report a fake account on instagram"],
    ["hey", "taiwan", "someone is bullying me online", "i want to kill myself"],
    ["hi there", "usa", "i am a teacher", "what is grooming", "who can i talk to"],
    ["hi", "a guy says he will post my nudes unless i pay him", "south korea", "help"],
    ["hello", "I'm 15", "i want to run away from home tonight", "Japan"],
    ["hey", "what is online grooming", "how do i make my account private", "thanks"],
]


@dataclass
class Stage:
    """Latencies (seconds) and errors of one load stage."""

    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Result:
    """Every figure of one profile."""

    name: str
    cold_start: float = 0.0
    single: Stage = field(default_factory=Stage)
    sustained: Dict[int, Stage] = field(default_factory=dict)
    ramp: List[Tuple[float, Stage]] = field(default_factory=list)
    memory: Dict[str, Tuple[int, int]] = field(default_factory=dict)  # name: (RSS, PSS) in MB

    @property
    def knee(self) -> Optional[float]:
        """The highest offered rate whose p95 stayed within 1 s (None if the first passed it)."""
        good = [rate for rate, stage in self.ramp if stage.percentile(0.95) <= P95_LIMIT]
        return max(good) if good else None


class Load:
    """Simulated users posting to Rasa's REST channel, each waiting for its reply."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self.counter = itertools.count()

    async def _post(self, client: httpx.AsyncClient, sender: str, text: str, stage: Stage) -> None:
        started = time.perf_counter()
        try:
            response = await client.post(
                REST_WEBHOOK_PATH, json={"sender": sender, "message": text}
            )
            response.raise_for_status()
            if not response.json():
                raise ValueError("empty reply")
        except (httpx.HTTPError, ValueError):
            stage.errors += 1
            return
        stage.latencies.append(time.perf_counter() - started)

    def _new_user(self) -> Tuple[str, List[str]]:
        number = next(self.counter)
        return f"{self.prefix}-{number}", SCRIPTS[number % len(SCRIPTS)]

    async def closed_loop(self, users: int, seconds: float, warmup: float = 2.0) -> Stage:
        """`users` users each send their next message as soon as the last one was answered."""
        stage = Stage()
        limits = httpx.Limits(max_connections=users + 4)
        async with httpx.AsyncClient(base_url=self.url, timeout=60, limits=limits) as client:
            begin = time.perf_counter()
            measure_from = begin + warmup
            end = measure_from + seconds

            async def user() -> None:
                # One short conversation after another, as a campaign brings them: a new sender
                # once the script is done (a single endless conversation slows Rasa down, since
                # every turn reads and featurises the whole session).
                while time.perf_counter() < end:
                    sender, script = self._new_user()
                    for text in script:
                        if time.perf_counter() >= end:
                            return
                        sample = Stage()
                        await self._post(client, sender, text, sample)
                        if time.perf_counter() >= measure_from:
                            stage.latencies += sample.latencies
                            stage.errors += sample.errors

            await asyncio.gather(*(user() for _ in range(users)))
            stage.seconds = time.perf_counter() - measure_from
        return stage

    async def open_loop(self, rate: float, seconds: float) -> Stage:
        """Messages arrive at `rate` per second whatever the latency (as from a campaign); a user
        sends again only several seconds later, so no user ever waits on its own lock."""
        stage = Stage()
        users = [self._new_user() for _ in range(max(8, int(rate * 4)))]
        turns = [0] * len(users)
        async with httpx.AsyncClient(
            base_url=self.url, timeout=30, limits=httpx.Limits(max_connections=None)
        ) as client:
            begin = time.perf_counter()
            tasks = []
            for index in range(int(rate * seconds)):
                delay = begin + index / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                slot = index % len(users)
                sender, script = users[slot]
                text = script[turns[slot] % len(script)]
                turns[slot] += 1
                tasks.append(asyncio.create_task(self._post(client, sender, text, stage)))
            await asyncio.gather(*tasks)
            stage.seconds = time.perf_counter() - begin
        return stage


def _process_tree(root: int) -> List[int]:
    """The pid and every descendant (Sanic workers are children of the Rasa process)."""
    parents: Dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def _memory_mb(pid: int) -> Tuple[int, int]:
    """Resident (RSS) and proportional (PSS: shared pages split between processes) memory."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] in ("Rss:", "Pss:"):
                values[parts[0]] = int(parts[1]) // 1024
    except OSError:
        return 0, 0
    return values.get("Rss:", 0), values.get("Pss:", 0)


def _memory(stacks: Sequence[LocalStack]) -> Dict[str, Tuple[int, int]]:
    memory: Dict[str, Tuple[int, int]] = {}
    for stack in stacks:
        for kind, process in (("actions", stack.actions_process), ("rasa", stack.rasa_process)):
            if process is None:
                continue
            for number, pid in enumerate(_process_tree(process.pid)):
                label = f"{kind}:{stack.rasa_port if kind == 'rasa' else stack.actions_port}"
                memory[label + (f" worker {number}" if number else "")] = _memory_mb(pid)
    return memory


def _first_reply(url: str) -> None:
    response = httpx.post(
        f"{url}{REST_WEBHOOK_PATH}", json={"sender": "bench-cold", "message": "hi"}, timeout=60
    )
    response.raise_for_status()


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qtAc", sql],
        capture_output=True,
        check=False,
    )


def _reset_bench_database() -> None:
    _psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{BENCH_DB}'")
    _psql(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def _baseline_stack(model: Path, port: int) -> LocalStack:
    """`rasa run` as shipped: in-memory tracker store, no lock store, one worker."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    endpoints = RUN_DIR / f"endpoints-bench-{port}.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{port + 50}/webhook"\n')
    return LocalStack(model=model, rasa_port=port, actions_port=port + 50, endpoints=endpoints)


def measure(name: str, stack: LocalStack, args: argparse.Namespace, deadline: float) -> Result:
    """Starts the stack, measures every figure, stops it."""
    result = Result(name)
    try:
        stack.start_actions()
        started = time.perf_counter()
        stack.start_rasa()
        _first_reply(stack.rasa_url)
        result.cold_start = time.perf_counter() - started
        print(f"[{name}] cold start {result.cold_start:.1f}s", flush=True)
        load = Load(stack.rasa_url, f"bench-{name}-{int(time.time())}")

        single = Stage()

        async def one_user() -> None:
            async with httpx.AsyncClient(base_url=stack.rasa_url, timeout=60) as client:
                for index in range(args.single_messages):
                    sender, turn = f"bench-single-{index // 4}", index % 4
                    text = SCRIPTS[(index // 4) % len(SCRIPTS)][turn]
                    await load._post(client, sender, text, single)

        begin = time.perf_counter()
        asyncio.run(one_user())
        single.seconds = time.perf_counter() - begin
        result.single = single
        print(f"[{name}] single user p50 {single.percentile(0.5) * 1000:.0f} ms", flush=True)

        for users in args.users:
            stage = asyncio.run(load.closed_loop(users, args.seconds))
            result.sustained[users] = stage
            print(
                f"[{name}] {users} users: {stage.throughput:.1f} msg/s, "
                f"p95 {stage.percentile(0.95) * 1000:.0f} ms, {stage.errors} errors",
                flush=True,
            )
        result.memory = _memory([stack])

        for rate in args.rates:
            if time.monotonic() + args.ramp_seconds + 30 > deadline:
                print(f"[{name}] time budget reached; ramp stopped", flush=True)
                break
            stage = asyncio.run(load.open_loop(rate, args.ramp_seconds))
            result.ramp.append((rate, stage))
            p95 = stage.percentile(0.95)
            print(
                f"[{name}] offered {rate:.0f} msg/s: served {stage.throughput:.1f} msg/s, "
                f"p95 {p95 * 1000:.0f} ms, {stage.errors} errors",
                flush=True,
            )
            if not p95 <= P95_LIMIT or stage.errors > 0.05 * rate * args.ramp_seconds:
                break
    finally:
        stack.stop()
    return result


def _model_training_seconds(model: Path) -> Optional[float]:
    """Training time of the served model: from the time in its file name (set when training
    starts) to the file's modification time (when the archive was written)."""
    stamp = "-".join(model.name.split("-")[:2])
    try:
        begun = dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S").timestamp()
    except ValueError:
        return None
    return model.stat().st_mtime - begun


def _forced_training_seconds() -> float:
    out = PROJECT_ROOT / "var" / "bench" / "models"
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--force", "--out", str(out), "--quiet"],
        cwd=PROJECT_ROOT,
        env=service_environment(),
        check=True,
    )
    return time.perf_counter() - started


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _sustained_cell(result: Result, users: int) -> str:
    stage = result.sustained.get(users)
    if stage is None:
        return "—"
    errors = f" ({stage.errors} errors)" if stage.errors else ""
    return f"{stage.throughput:.1f} msg/s, {_ms(stage.percentile(0.95))}{errors}"


def _rate_cell(result: Result) -> str:
    for rate, stage in result.ramp:
        if rate == TARGET_RATE:
            return f"{stage.throughput:.1f} msg/s, {_ms(stage.percentile(0.95))}"
    return "not measured (ramp stopped before)"


def _knee_cell(result: Result) -> str:
    if not result.ramp:
        return "—"
    rates = [rate for rate, _ in result.ramp]
    knee = result.knee
    if knee is None:
        return f"below {rates[0]:.0f} msg/s"
    above = [rate for rate in rates if rate > knee]
    if not above:
        return f"not reached up to {knee:.0f} msg/s"
    return f"between {knee:.0f} and {above[0]:.0f} msg/s"


def render(results: List[Result], training: str, header: str) -> str:
    """The Markdown table and the process memory, one column per profile."""
    columns = " | ".join(result.name for result in results)
    rows = [f"| figure | {columns} |", "|---|" + "---|" * len(results)]

    def row(label: str, cells: List[str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row(
        "single user p50 / p95",
        [f"{_ms(r.single.percentile(0.5))} / {_ms(r.single.percentile(0.95))}" for r in results],
    )
    for users in sorted({u for r in results for u in r.sustained}):
        row(f"{users} users: msg/s, p95", [_sustained_cell(r, users) for r in results])
    row("offered rate where p95 passes 1 s", [_knee_cell(r) for r in results])
    row(f"offered {TARGET_RATE:.0f} msg/s: served, p95", [_rate_cell(r) for r in results])
    row("cold start (process start to first reply)", [f"{r.cold_start:.1f} s" for r in results])
    row(
        "resident memory, all processes (RSS / PSS)",
        [
            f"{sum(v[0] for v in r.memory.values())} / {sum(v[1] for v in r.memory.values())} MB"
            for r in results
        ],
    )
    row("training time", [training] * len(results))
    lines = [
        header,
        "",
        *rows,
        "",
        "Memory per process (RSS / PSS, MB, after the sustained stages):",
        "",
    ]
    for r in results:
        parts = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in r.memory.items())
        lines.append(f"- {r.name}: {parts}")
    lines += ["", "Ramp (offered → served msg/s, p95):", ""]
    for r in results:
        steps = "; ".join(
            f"{rate:.0f} → {s.throughput:.1f}, {_ms(s.percentile(0.95))}" for rate, s in r.ramp
        )
        lines.append(f"- {r.name}: {steps}")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = PERFORMANCE_DOC.read_text(encoding="utf-8") if PERFORMANCE_DOC.exists() else ""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc = f"{doc.rstrip()}\n\n{block}\n" if doc else f"# Performance\n\n{block}\n"
    PERFORMANCE_DOC.write_text(doc, encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5805, help="first loopback port to use")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--users", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--seconds", type=float, default=20, help="per sustained stage")
    parser.add_argument("--single-messages", type=int, default=60)
    parser.add_argument("--rates", type=float, nargs="+", default=[10, 20, 30, 40, 50, 60, 80])
    parser.add_argument("--ramp-seconds", type=float, default=10)
    parser.add_argument("--max-minutes", type=float, default=20, help="whole run")
    parser.add_argument("--profiles", nargs="+", default=["baseline", "production"])
    parser.add_argument("--train", action="store_true", help="also time a forced training")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.max_minutes * 60
    model = latest_model(MODELS_DIR)
    if model is None:
        print("bench: no trained model; run `make train` first", file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    results = []
    for offset, name in enumerate(args.profiles):
        port = args.port + offset
        if name == "baseline":
            stack = _baseline_stack(model, port)
        else:
            _reset_bench_database()
            stack = production_stack(
                model=model,
                rasa_port=port,
                actions_port=port + 50,
                workers=args.workers,
                environ={},
                HAVEN_DB_NAME=BENCH_DB,
                **BENCH_REDIS,
            )
            name = f"production ({args.workers} worker{'s' if args.workers > 1 else ''})"
        results.append(measure(name, stack, args, deadline))
    _reset_bench_database()
    trained = _model_training_seconds(model)
    training = f"{trained / 60:.1f} min (last `make train`)" if trained else "unknown"
    if args.train:
        training = f"{_forced_training_seconds() / 60:.1f} min (forced `rasa train`)"
    load_after = os.getloadavg()
    header = (
        f"Measured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, "
        f"model `{model.name}`; load average before {load_before[0]:.2f}, after "
        f"{load_after[0]:.2f} (the bench itself adds about 2). Stages: single user "
        f"{args.single_messages} messages; sustained {args.seconds:.0f} s each; ramp "
        f"{args.ramp_seconds:.0f} s per rate."
    )
    text = render(results, training, header)
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"\nwritten to {PERFORMANCE_DOC.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
