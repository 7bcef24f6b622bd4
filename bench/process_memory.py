"""Resident memory of this process from /proc/self (Linux), in MiB, to measure one phase of a peer."""


def _status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def resident_mib():
    return _status_mib("VmRSS")


def peak_resident_mib():
    return _status_mib("VmHWM")


def reset_peak_resident():
    """Lowers the recorded peak to the current resident size; False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False
