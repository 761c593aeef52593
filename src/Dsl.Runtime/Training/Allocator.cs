using System;
using System.Runtime.InteropServices;

namespace Dsl.Runtime.Training;

/// <summary>
/// glibc's malloc hands every freed block above 128 KB back to the operating system, so a
/// training or inference loop maps its large tensors again at every step and faults each page
/// in anew: on the 2-core benchmark machine a third of the time went to the kernel. Serving
/// every block from the heap (no mmap) and never trimming it makes the FashionResNet training
/// step about 1.3× and DeiT-S inference 1.25× faster (docs/benchmarks.md). The cost: memory
/// freed at the peak stays with the process.
/// </summary>
public static class Allocator
{
    private const int TrimThreshold = -1;  // M_TRIM_THRESHOLD
    private const int MmapMax = -4;  // M_MMAP_MAX

    private static bool? _kept;

    /// <summary>Keeps freed native memory for reuse; true where it took effect (Linux with glibc), once per process.</summary>
    public static bool KeepFreedMemory()
    {
        if (_kept is { } kept) return kept;
        if (!OperatingSystem.IsLinux()) return (_kept = false).Value;
        try
        {
            _kept = mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _kept = false; // musl and other C libraries have no mallopt
        }
        return _kept.Value;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
