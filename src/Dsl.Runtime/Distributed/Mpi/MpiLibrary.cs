using System;
using System.Runtime.InteropServices;

namespace Dsl.Runtime.Distributed.Mpi;

/// <summary>
/// The few MPI calls data parallelism needs, bound at run time to Open MPI's <c>libmpi.so.40</c>
/// (Debian's openmpi-bin). Open MPI's handles are addresses of its predefined objects
/// (<c>ompi_mpi_comm_world</c>, <c>ompi_mpi_float</c>, …), read from the library's exports; the
/// library is opened RTLD_GLOBAL because Open MPI's plugins resolve their symbols against it.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;
    public const int ThreadSerialized = 2;

    private readonly IntPtr _handle;

    private MpiLibrary(IntPtr handle, string path)
    {
        _handle = handle;
        Path = path;
        if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out CommWorld))
            throw new DistributedException($"{path} is not Open MPI's library (no ompi_mpi_comm_world); CModel speaks Open MPI's ABI: install openmpi-bin, or point CMODEL_MPI_LIBRARY at Open MPI's libmpi.so.40");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Int64 = Export("ompi_mpi_int64_t");
        Byte = Export("ompi_mpi_byte");
        Sum = Export("ompi_mpi_op_sum");
        Max = Export("ompi_mpi_op_max");
        Min = Export("ompi_mpi_op_min");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_size");
        Ibcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, IntPtr*, int>)Export("MPI_Ibcast");
        Iallreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int>)Export("MPI_Iallreduce");
        Ibarrier = (delegate* unmanaged<IntPtr, IntPtr*, int>)Export("MPI_Ibarrier");
        Test = (delegate* unmanaged<IntPtr*, int*, void*, int>)Export("MPI_Test");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Export("MPI_Abort");
    }

    public string Path { get; }

    public readonly IntPtr CommWorld;
    public readonly IntPtr Float, Double, Int64, Byte;
    public readonly IntPtr Sum, Max, Min;

    /// <summary>Open MPI's MPI_IN_PLACE.</summary>
    public static readonly IntPtr InPlace = 1;

    public readonly delegate* unmanaged<int*, byte***, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int*, int> Initialized;
    public readonly delegate* unmanaged<int*, int> Finalized;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<IntPtr, int*, int> CommRank;
    public readonly delegate* unmanaged<IntPtr, int*, int> CommSize;
    public readonly delegate* unmanaged<void*, int, IntPtr, int, IntPtr, IntPtr*, int> Ibcast;
    public readonly delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int> Iallreduce;
    public readonly delegate* unmanaged<IntPtr, IntPtr*, int> Ibarrier;
    public readonly delegate* unmanaged<IntPtr*, int*, void*, int> Test;
    public readonly delegate* unmanaged<IntPtr, int, int> Abort;

    /// <summary>Opens CMODEL_MPI_LIBRARY, or libmpi.so.40, or libmpi.so.</summary>
    public static MpiLibrary Load()
    {
        var candidates = Environment.GetEnvironmentVariable("CMODEL_MPI_LIBRARY") is { Length: > 0 } chosen
            ? new[] { chosen }
            : new[] { "libmpi.so.40", "libmpi.so" };
        foreach (var candidate in candidates)
        {
            var handle = dlopen(candidate, RtldNow | RtldGlobal);
            if (handle != IntPtr.Zero) return new MpiLibrary(handle, candidate);
        }
        var reason = Marshal.PtrToStringAnsi(dlerror()) ?? "not found";
        throw new DistributedException($"this process was launched by an MPI launcher but cannot open Open MPI's library ({string.Join(", ", candidates)}: {reason}); install it (Debian: apt-get install openmpi-bin) or set CMODEL_MPI_LIBRARY");
    }

    private IntPtr Export(string name) =>
        NativeLibrary.TryGetExport(_handle, name, out var address)
            ? address
            : throw new DistributedException($"{Path} has no {name}: CModel needs Open MPI 3 or newer");

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc", EntryPoint = "dlerror")]
    private static extern IntPtr dlerror();
}
