#!/usr/bin/env python3
"""The M/M/c reference in SimPy, for the simulate bench.

Runs the same station as `cargo bench --bench simulate` (arrival rate LAMBDA,
service rate MU per server, C servers, HORIZON time units) and prints the
events per second SimPy handles, with the mean wait beside the Erlang C value
so both simulators are seen to model the same thing. Events are counted the
same way as Signpost counts them: one per arrival and one per end of service.

    pip install simpy
    python3 bench/simpy_mmc.py [LAMBDA MU C HORIZON]
"""

import random
import sys
import time

import simpy


def erlang_c_wait(lam, mu, c):
    a = lam / mu
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    p_wait = b / (1 - rho * (1 - b))
    return p_wait / (c * mu - lam)


def run(lam, mu, c, horizon, seed=1):
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    waits = []
    events = [0]

    def customer(env):
        arrived = env.now
        with servers.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(mu))
        events[0] += 1

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(lam))
            events[0] += 1
            env.process(customer(env))

    env.process(source(env))
    start = time.perf_counter()
    env.run(until=horizon)
    seconds = time.perf_counter() - start
    return events[0], seconds, sum(waits) / max(len(waits), 1)


def main():
    args = sys.argv[1:]
    lam, mu, c, horizon = 0.9, 1.0, 1, 200_000.0
    if len(args) == 4:
        lam, mu, c, horizon = float(args[0]), float(args[1]), int(args[2]), float(args[3])
    events, seconds, mean_wait = run(lam, mu, c, horizon)
    print(f"SimPy {simpy.__version__}: M/M/{c} lambda={lam} mu={mu} horizon={horizon:g}")
    print(f"  events          {events}")
    print(f"  seconds         {seconds:.3f}")
    print(f"  events/s        {events / seconds:,.0f}")
    print(f"  mean wait       {mean_wait:.4f} (Erlang C {erlang_c_wait(lam, mu, c):.4f})")


if __name__ == "__main__":
    main()
