"""Reference figure for `iexec-bench classad`: the same job matched against the same machine ads
through HTCondor's own ClassAd library (PyPI htcondor, module classad2), timed as the Swift suite
times its own work. Prints one JSON object: {"matches_per_second": …, "matching": …}."""
import argparse
import json
import time

import classad2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--job", required=True)
    parser.add_argument("--machines", required=True)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    with open(args.job) as handle:
        job = classad2.parseOne(handle.read())
    with open(args.machines) as handle:
        machines = list(classad2.parseAds(handle.read()))
    rank = job.lookup("Rank")

    def one_pass():
        matching = 0
        for machine in machines:
            if job.symmetricMatch(machine):
                matching += 1
                rank.eval(job, machine)
        return matching

    matching = one_pass()
    done, start = 0, time.perf_counter()
    while True:
        one_pass()
        done += len(machines)
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds:
            break
    print(json.dumps({"matches_per_second": done / elapsed, "matching": matching, "machines": len(machines)}))


if __name__ == "__main__":
    main()
