"""Runs a command once and prints `wall_s peak_kib cpu_s` for it, CPU in microsecond steps.

GNU time reports user and system time in 10 ms steps, so a file that takes 5 ms of CPU shows
as 0.00 or 0.01 and a ratio against it means nothing; getrusage over the waited-for children
does not round. GNU time still runs the command, for its peak memory: this interpreter's own
memory would count as the peak of a child it forked. The command's stdout is discarded; its
stderr goes to this script's stderr.
"""
import resource
import subprocess
import sys
import tempfile
import time

with tempfile.NamedTemporaryFile("r") as peak:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = ["/usr/bin/time", "-f", "%M", "-o", peak.name, *sys.argv[1:]]
    subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    kib = peak.read().split()[-1]
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"{wall:.3f} {kib} {cpu:.3f}")
