"""A classroom against one server: students simulated over Streamlit's websocket protocol.

Starts the app on a free loopback port (and stops it), then plays scenarios through
:mod:`optim_lab.ui.ws_client`, which talks to the server as a browser tab does (no browser, no
AppTest): a student "changing a setting" is a rerun of the page with a new, valid URL query
(a lecture preset or the page's defaults, with one numeric control drawn at random).

1. Server CPU per run, per page: one session, for each page a first run (not counted), then
   runs that each bring new settings; each run's CPU from the kernel's CPU clocks of the app
   process and its helpers, the median per page (the target's measure) beside the mean.
2. 30 students on random lessons (playground excluded), an exponential think time (mean 2 s)
   between runs; two of them are "long-run" students who keep asking the search and ensembles
   lessons for long trainings, reported apart so that their runs stalling the others would show.
3. 100 students, the same way, shorter.
4. 10 students training in the playground (Run pressed, fragment clocks rerun as a browser does,
   one request in flight per session) while 20 others use the lessons.
5. Memory: 50 sessions make 2,000 runs in total, then disconnect; the growth is read once the
   server has let their sessions go (Streamlit keeps a closed tab's session for a reconnect).
6. With ``--workers 1,auto`` (the default when ``optim_lab.ui.workers`` and nginx are there):
   scenarios 2 and 4 again on N processes behind nginx, CPU summed over the app processes.

Before the scenarios, every page is opened once with its defaults and with each of its lecture
presets (this warms the server up and checks that every link the students send is valid: a link
that brings the "could not be used" notice is dropped, and counted as an error if seen later).

Latencies depend on what else the machine runs (every scenario prints the load average); CPU per
run much less. The script ends with a Markdown table of the results beside their targets, and
exits with status 0 whether or not the targets are met (it measures; tests assert).

Usage: python bench/bench_classroom.py [--quick] [--scenarios 1,2,...] [--workers 1,auto]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import math
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import websockets

from optim_lab.cpu_tuning import available_cores
from optim_lab.lessons import all_presets
from optim_lab.ui.layout import LESSONS
from optim_lab.ui.ws_client import (
    AppServer,
    FragmentClocks,
    RunResult,
    Session,
    run_clocks,
    server_cpu_seconds,
)

ALL_PAGES = [Path(lesson.path).stem for group in LESSONS.values() for lesson in group]
# The default page (home) is served at the root: its URL name is empty ("/home" is not found).
DEFAULT_PAGE = next(
    Path(lesson.path).stem for group in LESSONS.values() for lesson in group if lesson.default
)


def url_name(page: str) -> str:
    return "" if page == DEFAULT_PAGE else page


LESSON_PAGES = [p for p in ALL_PAGES if p not in ("home", "playground")]
NOTICE = "could not be used"  # the notice of a link parameter the page refused (UrlState)
RUN_TIMEOUT = 60.0  # a run that takes longer counts as an error (timeout)
MAX_RUNS_PER_STUDENT = 10_000  # a bound on every loop, besides its time limit
FRAGMENT = "playground (fragment)"  # how fragment runs are filed in a student's stats

# Targets (printed beside the results).
CPU_TARGET_MS = {"home": 10.0, "arena": 30.0}
CPU_TARGET_LESSON_MS = 50.0
P95_TARGET_S = 1.0
PLAYGROUND_LESSON_P95_S = 1.5
REDRAWS_TARGET = 2.0
MEMORY_TARGET_MB = 150.0


# ------------------------------------------------------------------------------------------------
# New settings: valid URL queries, a new one for every run


@dataclass(frozen=True)
class Knob:
    """A numeric URL parameter of a page, drawn in [low, high]."""

    key: str
    low: float
    high: float
    scale: str = "linear"  # "int", "linear" or "log"

    def draw(self, rng: random.Random) -> str:
        if self.scale == "int":
            return str(rng.randint(int(self.low), int(self.high)))
        if self.scale == "log":
            value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        else:
            value = rng.uniform(self.low, self.high)
        return f"{value:.4g}"


SEED = Knob("seed", 0, 9999, "int")

# Per page: URL parameters always sent, and the one or two numeric controls a student moves.
# (home and lectures have no settings: their runs repeat the same empty query.)
SETTINGS: dict[str, tuple[dict[str, str], tuple[Knob, ...]]] = {
    "home": ({}, ()),
    "lectures": ({}, ()),
    "ewa": ({}, (SEED, Knob("beta", 0.5, 0.99))),
    "arena": ({}, (SEED, Knob("r1.sgd.lr", 0.01, 0.5, "log"))),
    "momentum": ({}, (Knob("lr", 0.05, 1.5, "log"), Knob("beta", 0.3, 0.98))),
    "adaptive": ({}, (Knob("s.angle", -90, 90), Knob("eps", 1e-4, 0.5, "log"))),
    "saddles": ({}, (Knob("steps", 50, 1000, "int"),)),
    "second_order": ({}, (Knob("steps", 100, 2000, "int"), Knob("tol", 1e-8, 1e-2, "log"))),
    "schedules": ({}, (Knob("rsteps", 50, 1000, "int"), Knob("steps", 50, 1000, "int"))),
    "playground": ({}, (SEED, Knob("l2", 1e-5, 1e-2, "log"))),
    "activations": ({"a2": "leaky_relu"}, (Knob("a2.leaky_relu.slope", 0.01, 0.5),)),
    "initialization": ({}, (SEED, Knob("scale", 0.01, 2.0, "log"))),
    "batchnorm": ({}, (SEED, Knob("gamma", -3.0, 3.0))),
    "preprocessing": ({}, (SEED, Knob("lr", 0.01, 1.0, "log"))),
    "sanity": ({}, (Knob("gseed", 0, 9999, "int"), Knob("olr", 0.01, 2.0, "log"))),
    "regularization": ({}, (Knob("seed", 0, 999, "int"),)),
    "search": ({}, (SEED,)),
    "ensembles": ({}, (SEED,)),
    "transfer": ({}, (SEED,)),
}

# The memory scenario leaves out the lessons whose every new setting trains for seconds (the
# long-run students' pages and transfer learning), so that its 2,000 runs fit in a few minutes.
MEMORY_PAGES = [
    p for p in LESSON_PAGES if p not in ("search", "ensembles", "transfer", "batchnorm")
]

# What the long-run students ask for: the longest trainings these pages offer.
LONG_RUNS = {
    "search": {"steps": "400", "budget": "25", "trials": "36", "stages": "4"},
    "ensembles": {"points": "800", "steps": "500", "ssteps": "1000", "k": "8"},
}


def preset_bases() -> dict[str, list[dict[str, str]]]:
    """Per page: its defaults ({}) and its lecture presets' parameters."""
    bases: dict[str, list[dict[str, str]]] = {page: [{}] for page in ALL_PAGES}
    for preset in all_presets():
        bases[Path(preset.page).stem].append(dict(preset.params))
    return bases


class Links:
    """Valid queries per page (a base: defaults or a preset; plus one knob moved)."""

    def __init__(self, bases: dict[str, list[dict[str, str]]]):
        self.bases = bases

    def new(self, page: str, rng: random.Random, *, base: dict[str, str] | None = None) -> str:
        fixed, knobs = SETTINGS[page]
        params = {**(rng.choice(self.bases[page]) if base is None else base), **fixed}
        if knobs:
            knob = rng.choice(knobs)
            params[knob.key] = knob.draw(rng)
        return urlencode(params)

    def long_run(self, page: str, rng: random.Random) -> str:
        return urlencode({**LONG_RUNS[page], "seed": SEED.draw(rng)})


# ------------------------------------------------------------------------------------------------
# What a student saw


@dataclass
class StudentStats:
    """The runs of one simulated student."""

    name: str
    latencies: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)  # (sent, finished) per run
    redraws: int = 0  # finished runs of the fastest fragment (playground students)
    redraw_seconds: float = 0.0

    def record(self, page: str, query: str, result: RunResult) -> None:
        self.latencies.append(result.seconds)
        finished = time.perf_counter()
        self.spans.append((finished - result.seconds, finished))
        self.by_page.setdefault(page, []).append(result.seconds)
        problems = []
        if result.status != "ok":
            problems.append((result.status, ""))
        if result.page_not_found:
            problems.append(("page not found", ""))
        problems += [("exception", text) for text in result.exceptions]
        problems += [("invalid link", text) for text in result.warnings if NOTICE in text]
        for kind, text in problems:
            self.error(kind, f"{page}?{query}: {text[:160]}")

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 3:
            self.error_examples.append(f"{kind}: {detail}")

    @property
    def redraw_rate(self) -> float:
        return self.redraws / self.redraw_seconds if self.redraw_seconds > 0 else 0.0


def machine_load() -> str:
    """The 1-minute load average against the cores: other programs on a shared machine slow the
    server down (latencies), CPU per run is less affected."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def seconds_text(latencies: list[float]) -> str:
    """Their p95 (``–`` for none)."""
    return f"{percentile(latencies, 95):.2f} s" if latencies else "–"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


@dataclass
class GroupSummary:
    runs: int
    p50: float
    p95: float
    max: float
    errors: Counter
    examples: list[str]

    @classmethod
    def of(cls, students: list[StudentStats]) -> GroupSummary:
        latencies = [x for s in students for x in s.latencies]
        errors = sum((s.errors for s in students), Counter())
        examples = [e for s in students for e in s.error_examples][:5]
        return cls(
            len(latencies),
            percentile(latencies, 50),
            percentile(latencies, 95),
            max(latencies, default=math.nan),
            errors,
            examples,
        )

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def errors_text(self) -> str:
        if not self.errors:
            return "0 errors"
        return (
            f"{self.error_count} errors ("
            + ", ".join(f"{k}: {n}" for k, n in self.errors.items())
            + ")"
        )


class CpuMeter:
    """CPU time of each app process (and of this client) since the meter started."""

    def __init__(self, server: AppServer):
        self.server = server
        self.started = time.perf_counter()
        self.client0 = time.process_time()
        self.pids = server.app_pids()
        self.cpu0 = {pid: server_cpu_seconds(pid) for pid in self.pids}

    def per_process(self) -> list[float]:
        return [server_cpu_seconds(pid) - self.cpu0[pid] for pid in self.pids]

    def text(self) -> str:
        """``1.23 cores busy (0.70 + 0.53), client 0.20``."""
        elapsed = time.perf_counter() - self.started
        parts = [c / elapsed for c in self.per_process()]
        split = f" ({' + '.join(f'{p:.2f}' for p in parts)})" if len(parts) > 1 else ""
        client = (time.process_time() - self.client0) / elapsed
        return f"server {sum(parts):.2f} cores busy{split}, this client {client:.2f}"


# ------------------------------------------------------------------------------------------------
# Students


async def open_session(url: str) -> Session:
    session = Session(url, timeout=RUN_TIMEOUT)
    await session.__aenter__()
    return session


async def visit(
    url: str, session: Session | None, stats: StudentStats, page: str, query: str, **kwargs
) -> tuple[Session | None, RunResult | None]:
    """One run (opening the session first if needed); connection problems count as errors."""
    try:
        if session is None or session.closed:
            session = await open_session(url)
        result = await session.run(url_name(page), query, **kwargs)
    except (OSError, websockets.WebSocketException, TimeoutError) as error:
        stats.error("connection", f"{page}: {error!r}"[:200])
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()
        return None, None
    stats.record(page, query, result)
    return session, result


async def lesson_student(
    url: str,
    stats: StudentStats,
    links: Links,
    rng: random.Random,
    until: float,
    *,
    think: float = 2.0,
    pages: list[str] = LESSON_PAGES,
    query_for: Callable[[str, random.Random], str] | None = None,
    max_runs: int = MAX_RUNS_PER_STUDENT,
) -> None:
    """Thinks (exponential, mean ``think`` s), then opens a random page with new settings; again."""
    session = None
    try:
        for _ in range(max_runs):
            pause = rng.expovariate(1 / think) if think > 0 else 0.0
            if time.perf_counter() + pause >= until:
                break
            await asyncio.sleep(pause)
            page = rng.choice(pages)
            query = query_for(page, rng) if query_for else links.new(page, rng)
            session, _ = await visit(url, session, stats, page, query)
    finally:
        if session is not None:
            await session.close()


async def playground_student(
    url: str, stats: StudentStats, links: Links, rng: random.Random, base: dict, until: float
) -> None:
    """Opens the playground, presses Run, then reruns its fragments on their clocks (as the
    browser does) until ``until``."""
    session, result = await visit(
        url, None, stats, "playground", links.new("playground", rng, base=base)
    )
    if result is None:
        return
    try:
        run_button = result.widgets.get("Run")
        if run_button is None:
            stats.error("no Run button", str(sorted(result.widgets))[:160])
            return
        session, result = await visit(
            url, session, stats, "playground", session.query, trigger=run_button
        )
        if result is None:
            return
        clocks = FragmentClocks()
        clocks.update(result)
        fastest = clocks.fastest
        if fastest is None:
            stats.error("no fragment clock", "Run pressed, no auto_rerun received")
            return
        started = time.perf_counter()

        def on_result(fragment_id: str, fragment_result: RunResult) -> None:
            stats.record(FRAGMENT, "", fragment_result)
            if fragment_id == fastest and fragment_result.status == "ok":
                stats.redraws += 1

        try:
            await run_clocks(session, clocks, until, on_result)
        except (OSError, websockets.WebSocketException, TimeoutError) as error:
            stats.error("connection", f"playground fragment: {error!r}"[:200])
        stats.redraw_seconds = time.perf_counter() - started
    finally:
        if session is not None:
            await session.close()


async def gather_bounded(coroutines: list, limit: float) -> None:
    """Runs the students together; none may outlive ``limit`` seconds."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    done, pending = await asyncio.wait(tasks, timeout=limit)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            raise task.exception()
    if pending:
        print(f"  ({len(pending)} students cut off after {limit:.0f} s)")


# ------------------------------------------------------------------------------------------------
# Scenarios


@dataclass
class Row:
    """A line of the final Markdown summary."""

    scenario: str
    result: str
    target: str
    met: bool | None


async def check_links(server: AppServer, bases: dict[str, list[dict[str, str]]], rng) -> Links:
    """Opens every page with its defaults and each preset (plus a moved knob) on every app process;
    keeps the bases whose links every page accepted."""
    started = time.perf_counter()
    kept = {page: [] for page in ALL_PAGES}
    refused, problems = [], []
    probe = Links(bases)
    for url in server.worker_urls:
        async with Session(url, timeout=300) as session:
            for page in ALL_PAGES:
                for base in bases[page]:
                    query = probe.new(page, rng, base=base)
                    result = await session.run(url_name(page), query)
                    if any(NOTICE in w for w in result.warnings):
                        refused.append(f"{page}?{query}")
                    else:
                        if base not in kept[page]:
                            kept[page].append(base)
                    if not result.ok:
                        problems.append(f"{page}?{query}: {result.status} {result.exceptions[:1]}")
    checked = sum(len(b) for b in bases.values())
    print(
        f"warm-up: {checked} links ({len(ALL_PAGES)} pages × defaults and presets) on "
        f"{len(server.worker_urls)} process(es) in {time.perf_counter() - started:.0f} s; "
        f"{len(refused)} refused, {len(problems)} failed"
    )
    for line in [*refused, *problems][:10]:
        print(f"  ! {line}")
    return Links(kept)


async def scenario_cpu_per_page(server: AppServer, links: Links, runs: int, rng) -> list[Row]:
    print(
        f"\n1. Server CPU per run, one session, {runs} runs per page, each with new settings "
        f"[{machine_load()}]"
    )
    print(
        "   (the page's defaults with one control moved, the controls in turn; ms of CPU a run, of\n"
        "   the server and its helpers, from the kernel's CPU clocks. The target is the median; the\n"
        "   mean also counts a new size's first run, which compiles what later runs reuse)"
    )
    print(
        f"   {'page':<16}{'median':>7}{'mean':>6}{'wall':>6}{'target':>8}"
        "   CPU ms/run per control moved (mean)"
    )
    misses = []
    stats = StudentStats("cpu")
    async with Session(server.url, timeout=RUN_TIMEOUT) as session:
        for page in ALL_PAGES:
            fixed, knobs = SETTINGS[page]
            await session.run(url_name(page), links.new(page, rng, base={}))  # not counted
            seen: set[str] = set()
            walls, cpus, per_knob = [], [], {}
            for i in range(runs):
                knob = knobs[i % len(knobs)] if knobs else None
                query = _fresh_query(fixed, knob, rng, seen)
                before = server.cpu_seconds()
                result = await session.run(url_name(page), query)
                cpus.append(server.cpu_seconds() - before)
                if knob is not None:
                    per_knob.setdefault(knob.key, []).append(cpus[-1])
                stats.record(page, query, result)
                walls.append(result.seconds)
            median_ms = statistics.median(cpus) * 1e3
            target = CPU_TARGET_MS.get(page, CPU_TARGET_LESSON_MS)
            if median_ms > target:
                misses.append(f"{page} {median_ms:.0f}")
            detail = " · ".join(
                f"{key} {statistics.mean(values) * 1e3:.0f}" for key, values in per_knob.items()
            )
            flag = "*" if median_ms > target else " "
            print(
                f"   {page:<16}{median_ms:>7.0f}{statistics.mean(cpus) * 1e3:>6.0f}"
                f"{statistics.mean(walls) * 1e3:>6.0f}{target:>8.0f}{flag}  "
                f"{detail or '(no settings: the same run again)'}"
            )
    print("   (* over target)")
    summary = GroupSummary.of([stats])
    print(f"   {summary.errors_text()}")
    for example in summary.examples:
        print(f"   ! {example}")
    return [
        Row(
            "1. CPU per run, per page (1 process)",
            "median over target (ms): " + (", ".join(misses) if misses else "none"),
            "home ≤ 10 ms, arena ≤ 30 ms, lessons ≤ 50 ms",
            not misses and summary.error_count == 0,
        )
    ]


def _fresh_query(fixed: dict[str, str], knob: Knob | None, rng, seen: set[str]) -> str:
    """The page's defaults (plus ``fixed``) with ``knob`` at a value not sent before."""
    query = urlencode(fixed)
    for _ in range(50):
        if knob is None:
            break
        query = urlencode({**fixed, knob.key: knob.draw(rng)})
        if query not in seen:
            break
    seen.add(query)
    return query


async def scenario_lessons(
    server: AppServer,
    links: Links,
    seed: int,
    *,
    title: str,
    students: int,
    seconds: float,
    long_students: int = 0,
) -> tuple[GroupSummary, list[Row]]:
    """``students`` lesson students for ``seconds``, ``long_students`` of them long-run ones."""
    rss0, meter = server.rss_mb(), CpuMeter(server)
    started = time.perf_counter()
    until = started + seconds
    regular = [StudentStats(f"student {i}") for i in range(students - long_students)]
    long = [StudentStats(f"long {i}") for i in range(long_students)]
    jobs = [
        lesson_student(server.url, s, links, random.Random(seed * 1000 + i), until)
        for i, s in enumerate(regular)
    ]
    jobs += [
        lesson_student(
            server.url,
            s,
            links,
            random.Random(seed * 1000 + 500 + i),
            until,
            pages=list(LONG_RUNS),
            query_for=links.long_run,
        )
        for i, s in enumerate(long)
    ]
    await gather_bounded(jobs, seconds + RUN_TIMEOUT + 30)
    elapsed = time.perf_counter() - started
    cpu, rss1 = sum(meter.per_process()), server.rss_mb()
    summary = GroupSummary.of(regular)
    total_runs = summary.runs + sum(len(s.latencies) for s in long)
    cpu_ms = cpu / max(total_runs, 1) * 1e3
    print(
        f"   {server.workers} process(es): {summary.runs} runs in {elapsed:.0f} s "
        f"({summary.runs / elapsed:.1f} runs/s), latency p50 {summary.p50:.2f} s, "
        f"p95 {summary.p95:.2f} s, max {summary.max:.2f} s; {summary.errors_text()}\n"
        f"   server CPU {cpu_ms:.0f} ms/run (all runs), {meter.text()}; "
        f"RSS {rss0:.0f} → {rss1:.0f} MB"
    )
    slow = sorted(
        ((percentile(v, 95), page) for page, v in _by_page(regular).items()), reverse=True
    )[:4]
    print("   slowest pages (p95): " + ", ".join(f"{page} {p95:.2f} s" for p95, page in slow))
    if long:
        ls = GroupSummary.of(long)
        spans = [span for s in long for span in s.spans]
        during, apart = [], []
        for s in regular:
            for start, end in s.spans:
                overlaps = any(a < end and start < b for a, b in spans)
                (during if overlaps else apart).append(end - start)
        print(
            f"   long-run students ({long_students}, search/ensembles at their longest): "
            f"{ls.runs} runs, latency p50 {ls.p50:.2f} s, max {ls.max:.2f} s; {ls.errors_text()}\n"
            f"   the others' p95 while a long run was in progress {seconds_text(during)} "
            f"({len(during)} runs), otherwise {seconds_text(apart)} ({len(apart)} runs)"
        )
    for example in summary.examples:
        print(f"   ! {example}")
    name = f"{title}, {server.workers} process(es)"
    rows = [
        Row(
            name,
            f"p95 {summary.p95:.2f} s, {summary.errors_text()}, "
            f"{summary.runs / elapsed:.1f} runs/s, {cpu_ms:.0f} ms CPU/run",
            f"p95 ≤ {P95_TARGET_S:g} s, 0 errors",
            summary.p95 <= P95_TARGET_S and summary.error_count == 0,
        )
    ]
    return summary, rows


def _by_page(students: list[StudentStats]) -> dict[str, list[float]]:
    merged: dict[str, list[float]] = {}
    for s in students:
        for page, values in s.by_page.items():
            merged.setdefault(page, []).extend(values)
    return merged


async def scenario_playground(
    server: AppServer, links: Links, seed: int, *, trainers: int, lessons: int, seconds: float
) -> list[Row]:
    meter = CpuMeter(server)
    started = time.perf_counter()
    until = started + seconds
    rng = random.Random(seed)
    bases = [
        b for b in links.bases["playground"] if b.get("o1.sgd.lr") != "10"
    ]  # not the diverging one
    players = [StudentStats(f"playground {i}") for i in range(trainers)]
    others = [StudentStats(f"lesson {i}") for i in range(lessons)]
    jobs = [
        playground_student(
            server.url, s, links, random.Random(rng.random()), bases[i % len(bases)], until
        )
        for i, s in enumerate(players)
    ]
    jobs += [
        lesson_student(server.url, s, links, random.Random(rng.random()), until) for s in others
    ]
    await gather_bounded(jobs, seconds + RUN_TIMEOUT + 30)
    rates = sorted(s.redraw_rate for s in players)
    lesson = GroupSummary.of(others)
    play = GroupSummary.of(players)
    fragment_p50 = percentile([x for s in players for x in s.by_page.get(FRAGMENT, [])], 50)
    print(
        f"   {server.workers} process(es): playground redraws/s per student min {rates[0]:.1f}, "
        f"median {statistics.median(rates):.1f}, max {rates[-1]:.1f} (fastest fragment; "
        f"{play.runs} playground runs, fragment run p50 {fragment_p50 * 1e3:.0f} ms, "
        f"{play.errors_text()})\n"
        f"   lessons: {lesson.runs} runs, p50 {lesson.p50:.2f} s, p95 {lesson.p95:.2f} s, "
        f"{lesson.errors_text()}; {meter.text()}"
    )
    for example in [*play.examples, *lesson.examples][:5]:
        print(f"   ! {example}")
    met = rates[0] >= REDRAWS_TARGET and lesson.p95 <= PLAYGROUND_LESSON_P95_S
    met = met and play.error_count == 0 and lesson.error_count == 0
    return [
        Row(
            f"4. {trainers} playgrounds + {lessons} lessons, {server.workers} process(es)",
            f"redraws/s min {rates[0]:.1f}, median {statistics.median(rates):.1f}; lesson p95 "
            f"{lesson.p95:.2f} s; {play.error_count + lesson.error_count} errors",
            f"≥ {REDRAWS_TARGET:g} redraws/s, lesson p95 ≤ {PLAYGROUND_LESSON_P95_S:g} s",
            met,
        )
    ]


def reconnect_seconds() -> float:
    """How long the server keeps a closed tab's session (``server.disconnectedSessionTTL``)."""
    from streamlit import config

    return float(config.get_option("server.disconnectedSessionTTL"))


async def scenario_memory(
    server: AppServer, links: Links, seed: int, *, sessions: int, total_runs: int, seconds: float
) -> list[Row]:
    print(
        f"\n5. Memory: {sessions} sessions, {total_runs} runs in total (new settings each, "
        f"no think time), then all disconnect [{machine_load()}]"
    )
    rss_start = server.rss_mb()
    started = time.perf_counter()
    until = started + seconds
    rng = random.Random(seed)
    per_session = math.ceil(total_runs / sessions)
    stats = [StudentStats(f"memory {i}") for i in range(sessions)]
    jobs = [
        lesson_student(
            server.url,
            s,
            links,
            random.Random(rng.random()),
            until,
            think=0.0,
            pages=MEMORY_PAGES,
            max_runs=per_session,
        )
        for s in stats
    ]
    await gather_bounded(jobs, seconds + RUN_TIMEOUT + 30)
    summary = GroupSummary.of(stats)
    elapsed = time.perf_counter() - started
    rss_runs = server.rss_mb()
    await asyncio.sleep(5.0)
    rss_closed = server.rss_mb()
    # Streamlit keeps a closed tab's session this long for a reconnect; the server shuts it
    # down within its next 5-second tick after that.
    reconnect = reconnect_seconds()
    await asyncio.sleep(reconnect + 10.0 - 5.0)
    rss_after = server.rss_mb()
    growth = rss_after - rss_start
    cut = "" if summary.runs >= total_runs else f" (time limit {seconds:.0f} s reached)"
    print(
        f"   {summary.runs} runs in {elapsed:.0f} s{cut}, {summary.errors_text()}; RSS: start "
        f"{rss_start:.0f} MB, after the runs {rss_runs:.0f} MB, 5 s after disconnect "
        f"{rss_closed:.0f} MB, once the sessions are gone ({reconnect:.0f} s for a "
        f"reconnect, then shut down) {rss_after:.0f} MB ({growth:+.0f} MB)"
    )
    for example in summary.examples:
        print(f"   ! {example}")
    return [
        Row(
            f"5. memory, {sessions} sessions × {summary.runs} runs",
            f"RSS {rss_start:.0f} → {rss_runs:.0f} → {rss_after:.0f} MB once the sessions are "
            f"gone ({growth:+.0f} MB)",
            f"≤ +{MEMORY_TARGET_MB:g} MB after disconnect",
            growth <= MEMORY_TARGET_MB and summary.error_count == 0,
        )
    ]


# ------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Sizes of the scenarios (full, or ``--quick`` for development)."""

    cpu_runs: int = 10
    s2_seconds: float = 60.0
    s3_seconds: float = 40.0
    s4_seconds: float = 60.0
    memory_runs: int = 2000
    memory_seconds: float = 420.0

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            cpu_runs=2,
            s2_seconds=15,
            s3_seconds=12,
            s4_seconds=15,
            memory_runs=200,
            memory_seconds=60,
        )


def launcher_available() -> bool:
    has_module = importlib.util.find_spec("optim_lab.ui.workers") is not None
    return has_module and (shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


def parse_workers(text: str) -> list[int]:
    """``1,auto`` -> ``[1, usable cores]``."""
    counts = []
    for part in text.split(","):
        count = available_cores() if part.strip() == "auto" else int(part)
        if count not in counts:
            counts.append(count)
    return counts


async def run_server(workers: int, scenarios: set[int], plan: Plan, seed: int) -> list[Row]:
    rows: list[Row] = []
    started = time.perf_counter()
    with AppServer(workers) as server:
        print(
            f"\n== {workers} app process(es) on {server.url} (ready in "
            f"{time.perf_counter() - started:.0f} s, RSS {server.rss_mb():.0f} MB)"
        )
        rng = random.Random(seed)
        links = await check_links(server, preset_bases(), rng)
        if 1 in scenarios and workers == 1:
            rows += await scenario_cpu_per_page(server, links, plan.cpu_runs, rng)
        if 2 in scenarios:
            print(
                f"\n2. 30 students (2 of them long-run), think time 2 s, {plan.s2_seconds:.0f} s "
                f"[{machine_load()}]"
            )
            _, more = await scenario_lessons(
                server,
                links,
                seed + 2,
                title="2. 30 students",
                students=30,
                seconds=plan.s2_seconds,
                long_students=2,
            )
            rows += more
        if 3 in scenarios and workers == 1:
            print(f"\n3. 100 students, think time 2 s, {plan.s3_seconds:.0f} s [{machine_load()}]")
            _, more = await scenario_lessons(
                server,
                links,
                seed + 3,
                title="3. 100 students",
                students=100,
                seconds=plan.s3_seconds,
            )
            rows += more
        if 4 in scenarios:
            print(
                f"\n4. 10 students training in the playground + 20 on lessons, "
                f"{plan.s4_seconds:.0f} s [{machine_load()}]"
            )
            rows += await scenario_playground(
                server, links, seed + 4, trainers=10, lessons=20, seconds=plan.s4_seconds
            )
        if 5 in scenarios and workers == 1:
            rows += await scenario_memory(
                server,
                links,
                seed + 5,
                sessions=50,
                total_runs=plan.memory_runs,
                seconds=plan.memory_seconds,
            )
    problems = server.log_problems()
    print(f"   server log: {len(problems)} tracebacks/errors")
    for line, count in Counter(problems).most_common(8):
        print(f"   ! {count}× {line[:200]}")
    return rows


def print_summary(rows: list[Row]) -> None:
    """The Markdown table (one process and N processes of a scenario side by side)."""
    print("\n| scenario | result | target | met |\n|---|---|---|---|")
    for row in sorted(rows, key=lambda r: r.scenario.split(".")[0]):
        met = "–" if row.met is None else ("yes" if row.met else "**no**")
        print(f"| {row.scenario} | {row.result} | {row.target} | {met} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short scenarios (development)")
    parser.add_argument("--scenarios", default="1,2,3,4,5", help="which scenarios (1-5), e.g. 1,2")
    parser.add_argument(
        "--workers",
        default=None,
        help="app processes to compare for scenarios 2 and 4, e.g. 1,auto (default: 1,auto when "
        "optim_lab.ui.workers and nginx are installed, 1 with --quick); the others run on 1",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    plan = Plan.quick() if args.quick else Plan()
    scenarios = {int(s) for s in args.scenarios.split(",") if s.strip()}
    available = launcher_available()
    workers = parse_workers(args.workers or ("1,auto" if available and not args.quick else "1"))
    if max(workers) > 1 and not available:
        sys.exit("several app processes need optim_lab.ui.workers and nginx")
    if 1 not in workers:  # scenarios 1, 3 and 5 run on one process
        workers.insert(0, 1)
    rows: list[Row] = []
    for count in workers:
        wanted = scenarios if count == 1 else scenarios & {2, 4}
        if wanted:
            rows += asyncio.run(run_server(count, wanted, plan, args.seed))
    print_summary(rows)


if __name__ == "__main__":
    main()
