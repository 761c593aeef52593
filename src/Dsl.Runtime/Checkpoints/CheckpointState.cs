using System.Collections.Generic;
using Dsl.Runtime.Training;

namespace Dsl.Runtime.Checkpoints;

/// <summary>Where a run stands: epochs finished, optimizer steps taken, its seed and history.</summary>
public sealed record CheckpointState(string ModelType, int EpochsDone, long Steps, long Seed, IReadOnlyList<EpochResult> History);
