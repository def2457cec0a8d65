"""Benchmark the engines: start-up time, latency per message, peak memory.

Each engine is measured in a fresh Python process (`python -m bot.nlu.bench ENGINE ...`), so
that memory figures are not mixed up with the other engine or with the CLI itself. The worker
prints one JSON line; `run_bench` collects those and the CLI prints a table.

- embedded: start = importing the engine (numpy) and loading the cached model, timed from the
  worker's first line. Memory = the worker's own peak RSS.
- embedded-cold: the same with an empty cache, so start includes importing scikit-learn and
  training from the YAML (the first start after a content change).
- rasa: start = from spawning `rasa run` until its model is loaded. Latency is measured through
  the same client the bot uses (HTTP to localhost, plus crisis and cue rules). Memory = peak RSS
  of the Rasa server process (VmHWM), plus the client worker.
"""

from __future__ import annotations

import time

_PROCESS_T0 = time.perf_counter()  # before the heavy imports: start-up includes them

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from bot.settings import Settings  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _latencies(nlu, messages: list[str]) -> list[float]:
    for text in messages[:20]:  # warm-up
        nlu.parse(text)
    out: list[float] = []
    for text in messages:
        start = time.perf_counter()
        nlu.parse(text)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _self_peak_mb() -> float:
    """This process's own peak RSS since it started.

    Why not `getrusage`: Linux carries `ru_maxrss` over from the forking parent through exec, so
    a worker spawned by a parent that had just trained a model would report the parent's peak.
    """
    peak = _proc_peak_mb(os.getpid())
    if peak == peak:  # not NaN: /proc is there
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _proc_peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def worker(engine: str, settings_json: str, messages_file: str) -> dict:
    """Run inside the fresh process: measure one engine, return the figures."""
    settings = Settings.model_validate_json(settings_json)
    messages = json.loads(Path(messages_file).read_text(encoding="utf-8"))
    if engine in ("embedded", "embedded-cold"):
        # Start-up = importing the engine and getting its model, timed from the worker's first
        # line: from the cache the parent filled ("embedded", numpy only), or trained from the
        # YAML into an empty cache ("embedded-cold": scikit-learn import plus fit), as a real
        # first start after a content change does. Memory is the worker's own peak RSS.
        from bot.nlu.embedded import EmbeddedNLU
        from bot.nlu.engines import cache_dir, dialogen_dir

        with tempfile.TemporaryDirectory() as empty:
            cache = cache_dir(settings) if engine == "embedded" else Path(empty)
            nlu = EmbeddedNLU.from_dialogen(dialogen_dir(settings),
                                            settings.confidence_threshold, cache)
            start_s = time.perf_counter() - _PROCESS_T0
        lat = _latencies(nlu, messages)
        return {"engine": engine, "start_s": start_s, "median_ms": statistics.median(lat),
                "p99_ms": _percentile(lat, 99), "peak_mb": _self_peak_mb(),
                "messages": len(lat)}
    from bot.nlu import rasa_project
    from bot.nlu.rasa_client import RasaNLU

    model = rasa_project.train(settings, log=lambda _m: None)
    port = rasa_project.free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    process = subprocess.Popen(
        rasa_project.serve_command(settings, model, port), env=rasa_project.rasa_env(),
        cwd=rasa_project.work_dir(settings), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        rasa_project.wait_ready(url, process)
        start_s = time.perf_counter() - t0
        nlu = RasaNLU(url, settings.confidence_threshold)
        lat = _latencies(nlu, messages)
        server_mb = _proc_peak_mb(process.pid)
    finally:
        rasa_project.stop(process)
    return {"engine": engine, "start_s": start_s, "median_ms": statistics.median(lat),
            "p99_ms": _percentile(lat, 99), "peak_mb": server_mb + _self_peak_mb(),
            "server_mb": server_mb, "messages": len(lat)}


def run_bench(settings: Settings, engines: list[str], messages: list[str]) -> list[dict]:
    """Measure each engine in its own fresh process; a failure becomes an 'error' entry."""
    results: list[dict] = []
    if "embedded" in engines:  # fill the model cache, so the worker measures a normal start
        from bot.nlu.engines import load_engine

        load_engine(settings, "embedded")
    workers = [w for e in engines for w in ([e, "embedded-cold"] if e == "embedded" else [e])]
    with tempfile.TemporaryDirectory() as tmp:
        messages_file = Path(tmp) / "messages.json"
        messages_file.write_text(json.dumps(messages), encoding="utf-8")
        for engine in workers:
            done = subprocess.run(
                [sys.executable, "-m", "bot.nlu.bench", engine,
                 settings.model_dump_json(exclude={"telegram_token"}), str(messages_file)],
                capture_output=True, text=True, check=False,
            )
            lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
            if done.returncode == 0 and lines:
                results.append(json.loads(lines[-1]))
            else:
                reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                results.append({"engine": engine, "error": reason[0]})
    return results


if __name__ == "__main__":
    print(json.dumps(worker(sys.argv[1], sys.argv[2], sys.argv[3])))
