"""The time limits of the test tools' subprocesses, scaled for slow builds.

A limit is a guard against a hang, never a measure of speed: the sanitizer
build (ASan and UBSan, several times slower) on a loaded machine needs more
room. tests/CMakeLists.txt sets NETC_TIMEOUT_SCALE for every script test of
that build; each tool passes its limits through scaled().
"""
import os


def scaled(seconds):
    """\\p seconds times NETC_TIMEOUT_SCALE (1 when unset or malformed)."""
    try:
        factor = float(os.environ.get("NETC_TIMEOUT_SCALE", "1"))
    except ValueError:
        factor = 1.0
    return seconds * max(factor, 1.0)
