namespace Dsl.Runtime.Training;

/// <summary>How to train; every field has the default a person would expect from PyTorch Lightning.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 10;

    public OptimizerSpec Optimizer { get; init; } = new OptimizerSpec.Sgd(0.1, Momentum: 0.9, Nesterov: true, Decay: 5e-4);

    public LearningRateSchedule Schedule { get; init; } = new LearningRateSchedule.Cosine(WarmupEpochs: 1);

    public double LabelSmoothing { get; init; }

    /// <summary>Clip the gradients' global L2 norm to this; null leaves them alone.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Seeds weight initialisation, data order, augmentation and dropout: a CPU run repeats exactly.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>"auto" (CUDA when available), "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Saves a checkpoint here after every epoch; a run finds and resumes from it.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Keep freed native memory for the next step instead of returning it to the OS (<see cref="Allocator"/>): about 1.3× faster on Linux.</summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>Train data-parallel when mpirun or srun launched this process as one of several ranks (docs/distributed.md).</summary>
    public bool DataParallel { get; init; } = true;

    /// <summary>In a data-parallel run, normalise with the whole batch's statistics across the ranks (PyTorch's SyncBatchNorm); otherwise each rank's shard's.</summary>
    public bool SyncBatchNorm { get; init; }

    /// <summary>Gradients are averaged over the ranks in buckets of about this size (PyTorch DDP's bucket_cap_mb).</summary>
    public double GradientBucketMegabytes { get; init; } = 25;

    /// <summary>Live progress bar (terminal), one line per epoch (logs), or nothing.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;
}

public enum ProgressMode
{
    Auto,
    Live,
    Lines,
    Silent,
}
