using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Dsl.Runtime.Distributed.Mpi;
using static TorchSharp.torch;

namespace Dsl.Runtime.Distributed;

/// <summary>
/// The processes of one MPI job (<c>MPI_COMM_WORLD</c>): their rank and count, and the
/// collectives data parallelism needs on tensors (broadcast, all-reduce) and bytes. Every
/// collective waits at most <see cref="Timeout"/>: a rank that died or hangs makes the others
/// throw a <see cref="DistributedException"/> that names the collective, instead of waiting forever.
/// </summary>
public sealed unsafe class Communicator
{
    private static readonly Lazy<Communicator?> world = new(Join, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly MpiLibrary _mpi;
    private bool _failed;

    private Communicator(MpiLibrary mpi, int rank, int size, int localSize)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
        LocalSize = localSize;
        var seconds = Environment.GetEnvironmentVariable("CMODEL_COLLECTIVE_TIMEOUT");
        Timeout = double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(5);
    }

    /// <summary>
    /// This job's processes when an MPI launcher (mpirun, or Slurm's srun with PMIx) started
    /// this process, joined on first use; null in a process started alone.
    /// </summary>
    public static Communicator? World => world.Value;

    public int Rank { get; }

    public int Size { get; }

    /// <summary>Ranks on this machine, which share its cores (1 when the launcher does not say).</summary>
    public int LocalSize { get; }

    public bool IsRoot => Rank == 0;

    /// <summary>Whether this process is rank 0 of a job, or runs alone: the one that prints and saves.</summary>
    public static bool IsMainProcess => World?.IsRoot ?? true;

    /// <summary>How long a collective may wait for the other ranks (CMODEL_COLLECTIVE_TIMEOUT seconds; 5 minutes by default).</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>All-reduce calls, bytes and seconds so far on this rank: what a benchmark reports.</summary>
    public CollectiveStatistics AllReduceStatistics { get; } = new();

    /// <summary>Copies <paramref name="tensor"/> of rank <paramref name="root"/> into every rank's, in place.</summary>
    public void Broadcast(Tensor tensor, int root = 0) =>
        InPlace(tensor, "a broadcast", asBytes: true, (buffer, count, type) =>
        {
            IntPtr request;
            Check(_mpi.Ibcast((void*)buffer, count, type, root, _mpi.CommWorld, &request), "MPI_Ibcast");
            return request;
        });

    /// <summary>Replaces <paramref name="tensor"/> by its sum (or minimum, maximum) over the ranks, in place.</summary>
    public void AllReduce(Tensor tensor, ReduceOperation operation = ReduceOperation.Sum)
    {
        var clock = Stopwatch.StartNew();
        var op = operation switch
        {
            ReduceOperation.Sum => _mpi.Sum,
            ReduceOperation.Max => _mpi.Max,
            ReduceOperation.Min => _mpi.Min,
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
        InPlace(tensor, "an all-reduce", asBytes: false, (buffer, count, type) =>
        {
            IntPtr request;
            Check(_mpi.Iallreduce((void*)MpiLibrary.InPlace, (void*)buffer, count, type, op, _mpi.CommWorld, &request), "MPI_Iallreduce");
            return request;
        });
        AllReduceStatistics.Add(tensor.numel() * tensor.element_size(), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Rank <paramref name="root"/>'s bytes on every rank (the others pass anything; a checkpoint read once and sent).</summary>
    public byte[] Broadcast(byte[] bytes, int root = 0)
    {
        using var length = tensor(new[] { Rank == root ? (long)bytes.Length : 0 });
        Broadcast(length, root);
        var data = Rank == root ? bytes : new byte[length.item<long>()];
        using var buffer = tensor(data);
        Broadcast(buffer, root);
        return Rank == root ? bytes : buffer.data<byte>().ToArray();
    }

    /// <summary>Waits until every rank is here.</summary>
    public void Barrier()
    {
        IntPtr request;
        Check(_mpi.Ibarrier(_mpi.CommWorld, &request), "MPI_Ibarrier");
        Wait(request, "a barrier", 0);
    }

    /// <param name="asBytes">Moves the memory as bytes, whatever the element type (a copy needs no arithmetic).</param>
    private void InPlace(Tensor tensor, string what, bool asBytes, Func<IntPtr, int, IntPtr, IntPtr> start)
    {
        if (_failed) throw new DistributedException($"rank {Rank}: an earlier collective failed; this job cannot go on");
        var type = asBytes ? _mpi.Byte : tensor.dtype switch
        {
            ScalarType.Float32 => _mpi.Float,
            ScalarType.Float64 => _mpi.Double,
            ScalarType.Int64 => _mpi.Int64,
            ScalarType.Byte => _mpi.Byte,
            _ => throw new ArgumentException($"collectives take float32, float64, int64 or byte tensors, not {tensor.dtype}", nameof(tensor)),
        };
        // MPI reads and writes host memory: a GPU or strided tensor goes through a contiguous CPU copy.
        var direct = tensor.device_type == TorchSharp.DeviceType.CPU && tensor.is_contiguous();
        using var host = direct ? tensor.alias() : tensor.detach().to(CPU).contiguous();
        var (total, width) = asBytes ? (host.numel() * host.element_size(), 1L) : (host.numel(), host.element_size());
        if (total == 0) return;
        fixed (byte* memory = host.bytes)
        {
            // One MPI call counts at most int.MaxValue elements.
            for (long offset = 0; offset < total; offset += int.MaxValue)
            {
                var count = (int)Math.Min(int.MaxValue, total - offset);
                Wait(start((IntPtr)(memory + offset * width), count, type), what, count * width);
            }
        }
        if (!direct)
        {
            using var noGrad = no_grad();
            tensor.copy_(host);
        }
    }

    private void Wait(IntPtr request, string what, long bytes)
    {
        var deadline = Stopwatch.StartNew();
        var spin = new SpinWait();
        int done;
        while (true)
        {
            Check(_mpi.Test(&request, &done, null), "MPI_Test");
            if (done != 0) return;
            if (deadline.Elapsed > Timeout)
            {
                _failed = true;
                throw new DistributedException(
                    $"rank {Rank} of {Size}: {what}{(bytes > 0 ? $" of {bytes:N0} bytes" : "")} waited {Timeout.TotalSeconds:F0} s for the other ranks; one of them has died or hangs (see its output), so this rank stops. CMODEL_COLLECTIVE_TIMEOUT sets the wait in seconds");
            }
            // Spin briefly for the low latency of small messages, then give the core to the other ranks.
            if (deadline.ElapsedMilliseconds < 2) spin.SpinOnce(-1);
            else Thread.Sleep(deadline.ElapsedMilliseconds < 50 ? 0 : 1);
        }
    }

    private void Check(int code, string call)
    {
        if (code == 0) return;
        _failed = true;
        throw new DistributedException($"rank {Rank}: {call} failed with MPI error {code}");
    }

    /// <summary>Joins the job when a launcher started this process; null otherwise.</summary>
    private static Communicator? Join()
    {
        if (!Launched(out var localSize)) return null;
        var mpi = MpiLibrary.Load();
        int initialized, provided, rank, size;
        mpi.Initialized(&initialized);
        if (initialized == 0 && mpi.InitThread(null, null, MpiLibrary.ThreadSerialized, &provided) != 0)
            throw new DistributedException("MPI_Init_thread failed: see Open MPI's message above");
        mpi.CommRank(mpi.CommWorld, &rank);
        mpi.CommSize(mpi.CommWorld, &size);
        var communicator = new Communicator(mpi, rank, size, localSize ?? 1);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => communicator.Finish();
        return communicator;
    }

    /// <summary>
    /// MPI_Finalize at a normal exit (Open MPI reports a process that skips it as failed). After
    /// a failed collective it is skipped: finalizing waits for ranks that may never come.
    /// </summary>
    private void Finish()
    {
        int finalized;
        _mpi.Finalized(&finalized);
        if (finalized == 0 && !_failed) _mpi.Finalize();
    }

    /// <summary>Whether mpirun or srun started this process as one rank of a job, and how many ranks share this machine.</summary>
    private static bool Launched(out int? localSize)
    {
        static int? Number(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) ? n : null;
        localSize = Number("OMPI_COMM_WORLD_LOCAL_SIZE") ?? Number("SLURM_NTASKS_PER_NODE") ?? Number("PMIX_LOCAL_SIZE");
        if (Number("OMPI_COMM_WORLD_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null || Number("PMI_SIZE") is not null) return true;
        if (Number("SLURM_STEP_NUM_TASKS") is > 1 && Environment.GetEnvironmentVariable("SLURM_PROCID") is not null)
            throw new DistributedException("srun started several tasks without an MPI process manager interface, so each would train alone: run srun --mpi=pmix (docs/distributed.md)");
        return false;
    }
}

public enum ReduceOperation
{
    Sum,
    Max,
    Min,
}

/// <summary>Running totals of one kind of collective on one rank.</summary>
public sealed class CollectiveStatistics
{
    public long Calls { get; private set; }
    public long Bytes { get; private set; }
    public double Seconds { get; private set; }

    internal void Add(long bytes, double seconds)
    {
        Calls++;
        Bytes += bytes;
        Seconds += seconds;
    }

    public void Reset() => (Calls, Bytes, Seconds) = (0, 0, 0);
}
