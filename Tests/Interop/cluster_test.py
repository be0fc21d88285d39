"""The services as separate processes on loopback, driven through the iexec CLI (issue #8): an
`iexec node --dev`, an `iexec scheduler` for a workerpool deployed with the CLI, three
`iexec worker`s, and the CLI as app owner, workerpool owner and requester — each in its own
project folder with its own keystore. web3.py reads the chain on the side: the results' digests,
the contributions and the escrow are checked against it, not against the CLI's own answers.

Usage: python cluster_test.py --iexec .build/debug/iexec [--keep]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time

from web3 import Web3

from node_support import Checks, Failure, Node, dev_accounts, free_port, parse_info, run_in_workdir
from poco_support import KITTY, POCO_ABI

PASSWORD = "cluster-test"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PI = os.path.join(ROOT, "Examples", "apps", "wasm", "pi.wasm")
STATUS = {0: "UNSET", 1: "ACTIVE", 2: "REVEALING", 3: "COMPLETED", 4: "FAILED"}


class Cli:
    """`iexec … --raw` as one role: its keystore folder and project folder; returns the JSON object."""

    def __init__(self, iexec, work, name, key, node_url):
        self.iexec, self.name = iexec, name
        self.project = os.path.join(work, f"{name}-project")
        self.keystore = os.path.join(work, f"{name}-keystore")
        imported = self.run("wallet", "import", key, "--keystoredir", self.keystore, "--password", PASSWORD, "--light",
                            wallet=False, project=False)
        self.address, self.keystore_file = imported["address"], imported["file"]
        self.run("init", "--host", node_url, wallet=False)

    def run(self, *arguments, wallet=True, project=True, timeout=180):
        command = [self.iexec, *arguments]
        if project:
            command += ["--project", self.project]
        if wallet:
            command += ["--keystoredir", self.keystore, "--password", PASSWORD]
        command.append("--raw")
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        answer = json.loads(lines[-1]) if lines else None
        if result.returncode != 0 or not answer or not answer.get("ok"):
            raise Failure(f"{self.name}: `{' '.join(command[1:])}` exited {result.returncode}: "
                          f"{(result.stdout + result.stderr).strip()[-1500:]}")
        return answer

    def edit_project(self, change):
        path = os.path.join(self.project, "iexec.json")
        with open(path) as f:
            project = json.load(f)
        change(project)
        with open(path, "w") as f:
            json.dump(project, f, indent=2)


class Service:
    """A long-running iexec process (scheduler, worker) whose `--raw` banner is its first JSON line."""

    def __init__(self, command, log_path):
        self.command, self.log_path = command, log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)

    def banner(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("{"):
                    answer = json.loads(line)
                    if not answer.get("ok"):
                        raise Failure(f"`{' '.join(self.command)}`: {answer}")
                    return answer
            if self.process.poll() is not None:
                raise Failure(f"`{' '.join(self.command)}` exited {self.process.returncode}; see {self.log_path}")
        raise Failure(f"`{' '.join(self.command)}` printed no banner within {timeout} s")

    def stop(self, timeout=30):
        """SIGTERM; the exit status (SIGKILL and a failure after `timeout` s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise Failure(f"`{' '.join(self.command[:2])}` did not stop within {timeout} s of SIGTERM")
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def run(args, work):
    checks = Checks()
    node = Node(args.iexec, os.path.join(work, "node"), free_port(), [], os.path.join(work, "node.log"))
    info = node.start()
    services = []
    try:
        scenario(args, work, node, info, checks, services)
        for service in services:
            checks.eq(f"{service.command[1]} exits 0 on SIGTERM", service.stop(), 0)
        checks.eq("the node exits 0 on SIGTERM", node.stop(), 0)
    except BaseException:
        print(f"--- node output ---\n{node.tail()}", file=sys.stderr)
        for service in services:
            try:
                with open(service.log_path) as f:
                    print(f"--- {' '.join(service.command[:2])} ({service.log_path}) ---\n{f.read()[-3000:]}", file=sys.stderr)
            except OSError:
                pass
        raise
    finally:
        for service in services:
            service.kill()
        node.kill()
    print(f"cluster: {checks.passed} checks passed (node, scheduler and 3 workers as processes, driven by the CLI)")


def scenario(args, work, node, info, checks, services):
    url = node.url.rstrip("/")
    w3 = Web3(Web3.HTTPProvider(url))
    chain_id, hub_address, *_ = parse_info(info)
    hub = w3.eth.contract(address=hub_address, abi=POCO_ABI)
    keys = [account.key.hex() for account in dev_accounts()]
    keys = [key if key.startswith("0x") else "0x" + key for key in keys]
    app_owner = Cli(args.iexec, work, "app-owner", keys[1], url)
    pool_owner = Cli(args.iexec, work, "pool-owner", keys[2], url)
    requester = Cli(args.iexec, work, "requester", keys[3], url)
    workers = [Cli(args.iexec, work, f"worker-{i}", keys[i], url) for i in (4, 5, 6)]
    deposited = 0

    # The workerpool owner deploys the pool and funds its stake; the app owner deploys π and sells it.
    pool_owner.run("workerpool", "init")
    pool = pool_owner.run("workerpool", "deploy")["address"]
    checks.eq("workerpool owner on chain", hub.functions.viewWorkerpool(pool).call()[0], pool_owner.address)
    pool_owner.run("account", "deposit", "100 RLC")
    deposited += 100 * 10**9
    app_owner.run("app", "init")
    app = app_owner.run("app", "deploy", "--file", PI)["address"]
    with open(PI, "rb") as f:
        checksum = hashlib.sha256(f.read()).digest()
    checks.eq("the app's checksum on chain is the file's SHA-256 (hashlib)", bytes(hub.functions.viewApp(app).call()[4]),
              checksum)
    app_owner.run("order", "init", "--app")

    def sell(project):
        project["order"]["apporder"].update({"appprice": "1000000", "volume": "1000"})
    app_owner.edit_project(sell)
    app_owner.run("order", "sign", "--app")
    app_owner.run("order", "publish", "--app", wallet=False)

    # The scheduler keeps a workerpool order published; three workers join it.
    scheduler_port = free_port()
    scheduler = Service([args.iexec, "scheduler", "--workerpool", pool, "--keystore", pool_owner.keystore_file,
                         "--password", PASSWORD, "--node", url, "--data-dir", os.path.join(work, "scheduler"),
                         "--port", str(scheduler_port), "--orders", "1", "--price", "10000000", "--volume", "1000",
                         "--trust", "100", "--worker-lost-after", "10", "--raw"], os.path.join(work, "scheduler.log"))
    services.append(scheduler)
    scheduler.banner()
    for i, worker in enumerate(workers):
        worker.run("account", "deposit", "10 RLC")
        deposited += 10 * 10**9
        service = Service([args.iexec, "worker", "--scheduler", f"http://127.0.0.1:{scheduler_port}", "--node", url,
                           "--keystore", worker.keystore_file, "--password", PASSWORD,
                           "--data-dir", os.path.join(work, f"worker-{i}"), "--raw"], os.path.join(work, f"worker-{i}.log"))
        services.append(service)
        service.banner()

    # The requester buys two tasks at trust 1, then one at trust 3 (two agreeing new workers).
    requester.run("account", "deposit", "1 RLC")
    deposited += 10**9
    requester_flow(requester, app, hub, work, checks, trust=1, volume=2, args="20000 7")
    requester_flow(requester, app, hub, work, checks, trust=3, volume=1, args="20000 8")

    # Money: every nRLC deposited is held by someone (Σ stake + locked, the kitty too) — web3.py's view.
    accounts = [app_owner, pool_owner, requester, *workers]
    held = sum(sum(hub.functions.viewAccount(a.address).call()) for a in accounts) + sum(hub.functions.viewAccount(KITTY).call())
    checks.eq("Σ stake + locked of every account = nRLC deposited", held, deposited)
    checks.eq("totalSupply = nRLC deposited", hub.functions.totalSupply().call(), deposited)
    paid = hub.functions.viewAccount(app_owner.address).call()[0]
    checks.eq("the app owner was paid 3 tasks × 1000000 nRLC", paid, 3 * 1_000_000)


def requester_flow(requester, app, hub, work, checks, trust, volume, args):
    """`app run --watch` until the tasks are completed, then `task show --download` of each; web3.py
    checks the statuses, the contributions the trust asks for and the downloaded result's digest."""
    run = requester.run("app", "run", app, "--volume", str(volume), "--trust", str(trust), "--args", args,
                        "--watch", "--timeout", "120")
    tasks = run["tasks"]
    checks.eq(f"trust {trust}: app run bought {volume} task(s)", len(tasks), volume)
    for taskid in tasks:
        task = hub.functions.viewTask(taskid).call()
        checks.eq(f"trust {trust}: task {taskid[:10]}… status (web3.py)", STATUS.get(task[0]), "COMPLETED")
        contributors = task[10]
        checks.true(f"trust {trust}: task {taskid[:10]}… has {'1' if trust <= 1 else '≥ 2'} contributor(s)",
                    len(contributors) == 1 if trust <= 1 else len(contributors) >= 2, f"{len(contributors)}")
        folder = os.path.join(work, "results", taskid)
        shown = requester.run("task", "show", taskid, "--download", folder)
        checks.true("task show --download verified the result", shown["downloaded"]["verified"] is True)
        with open(os.path.join(folder, "result.txt"), "rb") as f:
            digest = hashlib.sha256(f.read()).digest()
        checks.eq(f"trust {trust}: SHA-256 (hashlib) of result.txt = resultDigest on chain", digest, bytes(task[11]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iexec", default=".build/debug/iexec")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    args = parser.parse_args()
    run_in_workdir("cluster", args, lambda work: run(args, work))


if __name__ == "__main__":
    main()
