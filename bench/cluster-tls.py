#!/usr/bin/env python3
"""Issue 17: policy convergence and failover of a real farm, cluster TLS on vs off.

Starts a Release lighthouse and three nodes on loopback for each mode, then
  convergence: rewrites node 1's policy file and sends it SIGHUP (the farm-wide apply) 20 times;
               a sample is the time from the signal to the last of the three nodes logging
               "Enforcing farm policy version N" (the log lines' own UTC timestamps, same clock);
  failover:    kills node 3 with SIGKILL; reports when the lighthouse logs it unreachable and Removed
               (failure detector and split-brain resolver at the farm's defaults unless FARM__CLUSTER__*
               variables in the environment say otherwise; they are passed to every member).
Every process is killed by PID on exit, whatever happens.

Usage: bench/cluster-tls.py [--applies 20] [--modes on,off] [--port-base 24100] [--no-build]
"""
import argparse
import datetime
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TFM = "net10.0"
STAMP = re.compile(r"\[(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d):(\d\d)\.(\d+)Z\]")
ENFORCING = re.compile(r"Enforcing farm policy version (\d+) ")
POLICY = "# revision {n}\nclient pass from 127.0.0.0/8 name loopback\npass connect from 127.0.0.0/8 to 127.0.0.1 port {port} name bench\n"
DEADLINE = 30.0


def dll(project, name=None):
    return os.path.join(REPO, "src", project, "bin", "Release", TFM, (name or project) + ".dll")


def stamp(line):
    m = STAMP.search(line)
    if not m:
        return None
    month, day, year, hour, minute, second, fraction = m.groups()
    moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=datetime.timezone.utc)
    return moment.timestamp() + float("0." + fraction)


class Member:
    def __init__(self, name, work, environment):
        self.name = name
        self.log_path = os.path.join(work, name + ".log")
        self.log = open(self.log_path, "w")
        project = "Farm.Lighthouse" if name == "lighthouse" else "Farm.Node"
        self.process = subprocess.Popen(["dotnet", dll(project)], stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **environment}, cwd=work)

    def lines(self):
        with open(self.log_path, errors="replace") as f:
            return f.readlines()

    def wait_for(self, match, after=0.0, timeout=DEADLINE):
        """The timestamp of the first line that matches and is stamped at or after `after`."""
        end = time.time() + timeout
        while time.time() < end:
            for line in self.lines():
                at = stamp(line)
                if at is not None and at >= after and match(line):
                    return at
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.process.returncode}; see {self.log_path}")
            time.sleep(0.02)
        raise TimeoutError(f"{self.name}: no matching line within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def farmctl(*args):
    subprocess.run(["dotnet", dll("Farm.Cli", "farmctl"), *args], check=True, stdout=subprocess.DEVNULL)


def run_mode(mode, args, work):
    base = args.port_base + (0 if mode == "on" else 50)
    certs = os.path.join(work, "certs")
    members = []
    try:
        common = {"FARM__CLUSTER__HOSTNAME": "127.0.0.1", "DOTNET_gcServer": "0",
                  "FARM__CLUSTER__TLS__ENABLED": "true" if mode == "on" else "false",
                  "FARM__CLUSTER__TLS__CA": os.path.join(certs, "members", "ca.crt")}
        scheme = "akka.ssl.tcp" if mode == "on" else "akka.tcp"
        lighthouse_address = f"{scheme}://farm@127.0.0.1:{base}"
        policy_files = {}
        for index, name in enumerate(["lighthouse", "node1", "node2", "node3"]):
            environment = dict(common)
            environment.update({
                "FARM__CLUSTER__PORT": str(base + index),
                "FARM__CLUSTER__DATADIRECTORY": os.path.join(work, mode, name, "ddata"),
                "FARM__ADMIN__LISTEN": f"127.0.0.1:{base + 10 + index}",
                "FARM__TELEMETRY__LISTEN": f"127.0.0.1:{base + 20 + index}",
                "FARM__CLUSTER__TLS__CERTIFICATE": os.path.join(certs, "members", name + ".crt"),
                "FARM__CLUSTER__TLS__KEY": os.path.join(certs, "members", name + ".key"),
            })
            policy_files[name] = os.path.join(work, f"{mode}-{name}.policy")
            with open(policy_files[name], "w") as f:
                f.write(POLICY.format(n=0, port=9))
            environment["FARM__POLICY__FILE"] = policy_files[name]
            if name == "lighthouse":
                environment["FARM__DNS__LISTEN__0"] = f"127.0.0.1:{base + 30}"
            else:
                environment["FARM__CLUSTER__SEEDS__0"] = lighthouse_address
                environment["FARM__SOCKS__LISTENERS__0"] = f"127.0.0.1:{base + 40 + index}"
                environment["FARM__SESSIONLOG__PATH"] = os.path.join(work, f"{mode}-{name}-sessions.jsonl")
            members.append(Member(f"{mode}-{name}", work, environment))
        nodes = members[1:]
        for member in members:
            member.wait_for(lambda l: ENFORCING.search(l) is not None, timeout=90)

        version = max(int(m.group(1)) for member in nodes for line in member.lines() if (m := ENFORCING.search(line)))
        samples = []
        for n in range(1, args.applies + 1):
            with open(policy_files["node1"], "w") as f:
                f.write(POLICY.format(n=n, port=9 + n))
            version += 1
            sent = time.time()
            nodes[0].process.send_signal(signal.SIGHUP)
            wanted = version
            seen = [node.wait_for(lambda l: (m := ENFORCING.search(l)) is not None and int(m.group(1)) >= wanted, after=sent - 0.001) for node in nodes]
            samples.append(max(seen) - sent)

        victim_port = base + 3
        killed = time.time()
        nodes[2].process.kill()
        lighthouse = members[0]
        unreachable = lighthouse.wait_for(lambda l: f"127.0.0.1:{victim_port} is unreachable" in l, after=killed, timeout=90)
        removed = lighthouse.wait_for(lambda l: f"127.0.0.1:{victim_port} [socks] is Removed" in l, after=killed, timeout=120)
        return samples, unreachable - killed, removed - killed
    finally:
        for member in members:
            member.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applies", type=int, default=20)
    parser.add_argument("--modes", default="on,off")
    parser.add_argument("--port-base", type=int, default=24100)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        for project in ("Farm.Lighthouse", "Farm.Node", "Farm.Cli"):
            subprocess.run(["dotnet", "build", os.path.join(REPO, "src", project), "-c", "Release", "-v", "quiet", "-nologo"], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="farm-cluster-tls-") as work:
        certs = os.path.join(work, "certs")
        farmctl("certs", "init", "--out", os.path.join(certs, "ca"))
        for name in ("lighthouse", "node1", "node2", "node3"):
            farmctl("certs", "issue", name, "--role", "lighthouse" if name == "lighthouse" else "socks", "--ca-dir", os.path.join(certs, "ca"), "--out", os.path.join(certs, "members"), "--ip", "127.0.0.1")
        print(f"{'cluster TLS':<12} {'applies':>7} {'median ms':>10} {'worst ms':>9} {'best ms':>8} {'unreachable s':>14} {'removed s':>10}")
        for mode in args.modes.split(","):
            samples, unreachable, removed = run_mode(mode, args, work)
            ordered = sorted(samples)
            median = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2
            print(f"{mode:<12} {len(samples):>7} {median * 1000:>10.0f} {ordered[-1] * 1000:>9.0f} {ordered[0] * 1000:>8.0f} {unreachable:>14.1f} {removed:>10.1f}", flush=True)
            print("  samples ms: " + ", ".join(f"{s * 1000:.0f}" for s in samples), flush=True)


if __name__ == "__main__":
    sys.exit(main())
