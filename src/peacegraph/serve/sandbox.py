"""The walls around a query worker: no network at all, and a memory cap.

A worker calls :func:`isolate` first thing, before it loads anything. Two independent walls keep it
off the network, so that no query (whatever the guard let through) can fetch a URL:

- a **network namespace** of its own (``unshare(CLONE_NEWUSER | CLONE_NEWNET)``): the worker sees
  only a loopback interface that is down, so every ``connect`` fails, to 127.0.0.1 as much as to
  the Internet. Needs unprivileged user namespaces (most Linux distributions allow them);
- a **seccomp filter** (Linux ≥ 3.5, no privilege needed): ``socket()`` for any family but
  ``AF_UNIX`` (the worker's pipe to the server) fails with ``EACCES``, and so does ``io_uring``,
  which could open sockets behind the filter's back.

Either is enough; where the system allows neither (not Linux, or seccomp disabled), the worker
says so in the server's log and only the guard protects the machine (see docs/reference/endpoint.md).

The memory cap is ``RLIMIT_DATA`` (Linux ≥ 4.7 counts every private writable mapping: the heap
and what malloc maps): an allocation past it fails, Oxigraph aborts, the worker dies and the pool
replaces it; the query gets a one-line error. Not ``RLIMIT_AS``: address space that malloc only
reserves (64 MB per thread arena) counts there, so on a machine with many cores a worker could
hit the cap before it has loaded anything.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import resource
import struct
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
AF_UNIX = 1
X32_SYSCALL_BIT = 0x40000000

#: machine -> (AUDIT_ARCH, socket, io_uring_setup)
ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def seccomp_program(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    """A filter: ``socket(family != AF_UNIX)`` and ``io_uring_setup`` fail with EACCES, all else runs."""
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    program = [
        _instruction(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        _instruction(_JEQ_K, 1, 0, arch),
        _instruction(_RET_K, 0, 0, deny),  # another ABI (i386 on x86_64): nothing runs
        _instruction(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        _instruction(_JGE_K, 0, 1, X32_SYSCALL_BIT),
        _instruction(_RET_K, 0, 0, deny),  # the x32 ABI
        _instruction(_JEQ_K, 0, 1, io_uring_nr),
        _instruction(_RET_K, 0, 0, deny),
        _instruction(_JEQ_K, 1, 0, socket_nr),
        _instruction(_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        _instruction(_LD_W_ABS, 0, 0, 16),  # seccomp_data.args[0], low half: the address family
        _instruction(_JEQ_K, 0, 1, AF_UNIX),
        _instruction(_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        _instruction(_RET_K, 0, 0, deny),
    ]
    return b"".join(program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _install_seccomp() -> str | None:
    """Install the filter; ``None`` if done, else why not."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if platform.machine() not in ARCHITECTURES:
        return f"no seccomp filter for {platform.machine()}"
    program = seccomp_program(*ARCHITECTURES[platform.machine()])
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return os.strerror(ctypes.get_errno())
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return os.strerror(ctypes.get_errno())
    return None


def _unshare_network() -> str | None:
    """A network namespace of our own; ``None`` if done, else why not."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if _libc().unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return os.strerror(ctypes.get_errno())
    return None


def isolate() -> dict[str, str | None]:
    """Cut this process off the network as far as the system allows: each wall, and why it failed."""
    return {"network namespace": _unshare_network(), "seccomp filter": _install_seccomp()}


def limit_memory(max_bytes: int | None) -> None:
    """Cap this process's data memory (``None``: no cap)."""
    if max_bytes is not None:
        resource.setrlimit(resource.RLIMIT_DATA, (max_bytes, max_bytes))
