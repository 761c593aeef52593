using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using Dsl.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// Trains a classifier: epochs over a loader, one dispose scope per step, evaluation after
/// every epoch, a checkpoint after every epoch when asked (and a resume from it), hooks for the
/// compression methods, and a summary at the end. Launched by mpirun or srun as K processes it
/// trains data-parallel (<see cref="TrainerOptions.DataParallel"/>): rank 0's weights to start,
/// a shard of every global batch per rank, gradients averaged over the ranks, and only rank 0
/// writing output and checkpoints, so the result is the one process's with the whole batch.
/// </summary>
public sealed class Trainer
{
    private readonly TextWriter _output;

    public Trainer(TrainerOptions options, TextWriter? output = null)
    {
        Options = options;
        _output = output ?? Console.Out;
    }

    public TrainerOptions Options { get; }

    /// <summary>Hooks added by hand; <see cref="Fit"/> adds the model's own contributions (<see cref="ITrainingContributor"/>) to them.</summary>
    public List<TrainingHook> Hooks { get; } = new();

    public TrainingSummary Fit(nn.Module<Tensor, Tensor> model, BatchLoader train, BatchLoader test)
    {
        var device = Devices.Resolve(Options.Device);
        if (Options.KeepFreedMemory) Allocator.KeepFreedMemory();
        var parallel = Options.DataParallel && Communicator.World is { Size: > 1 } world ? new DataParallel(world, Options.GradientBucketMegabytes) : null;
        var root = parallel?.Replicas.IsRoot ?? true;
        var output = root ? _output : TextWriter.Null;
        if (parallel != null) ShareCores(parallel.Replicas);
        model.to(device);
        using var optimizer = Options.Optimizer.Create(model.parameters());
        var hooks = Hooks.Concat(Contributions(model, output).Where(c => Hooks.All(h => h.GetType() != c.GetType()))).ToList();
        // Companions get their optimizers before a checkpoint restores them with the model.
        var companions = hooks.OfType<CompanionModel>().Select(c => ((nn.Module)c.Model, c.Prepare(device, parallel))).ToList();
        var history = new List<EpochResult>();
        var firstEpoch = 0;
        long step = 0;
        if (Resume(parallel, model, optimizer, companions) is { } state)
        {
            history.AddRange(state.History);
            (firstEpoch, step) = (state.EpochsDone, state.Steps);
            output.WriteLine($"resumed from {Options.CheckpointPath} after epoch {firstEpoch}");
        }
        else
        {
            manual_seed(Options.Seed);
        }
        if (parallel != null) StartTogether(parallel, model, companions, hooks, firstEpoch);
        foreach (var hook in hooks) hook.OnTrainStart(model, optimizer);

        var shard = parallel?.Shard ?? Shard.Whole;
        var stepsPerEpoch = train.BatchesPerEpochOf(shard);
        var totalSteps = (long)stepsPerEpoch * Options.Epochs;
        // mpirun hands rank 0 a pseudo-terminal even when its own output goes to a file: lines, not a live bar.
        var mode = !root ? ProgressMode.Silent : parallel != null && Options.Progress == ProgressMode.Auto ? ProgressMode.Lines : Options.Progress;
        using var progress = ProgressReporter.Create(mode, output);
        try
        {
            for (var epoch = firstEpoch; epoch < Options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                model.train();
                progress.StartEpoch(epoch, Options.Epochs, stepsPerEpoch);
                double lossSum = 0;
                double seen = 0;
                var done = 0;
                var rate = 0.0;
                using (var batches = train.Epoch(epoch, device, shard).GetEnumerator())
                {
                    while (true)
                    {
                        using var scope = NewDisposeScope();
                        if (!batches.MoveNext()) break;
                        var batch = batches.Current;
                        rate = Options.Optimizer.LearningRate * Options.Schedule.Factor(step, totalSteps, stepsPerEpoch);
                        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                        var loss = TrainStep(model, optimizer, hooks, epoch, step, batch, parallel);
                        lossSum += loss * batch.Size;
                        seen += batch.Size;
                        step++;
                        done++;
                        progress.Step(done, lossSum / seen, seen * (parallel?.Replicas.Size ?? 1) / clock.Elapsed.TotalSeconds);
                    }
                }
                if (parallel != null)
                {
                    var totals = parallel.Sum(lossSum, seen);
                    (lossSum, seen) = (totals[0], totals[1]);
                    // Unsynchronised BatchNorms kept each rank's statistics: rank 0's become everyone's.
                    if (!Options.SyncBatchNorm) parallel.BroadcastBuffers(model);
                }
                var trainSeconds = clock.Elapsed.TotalSeconds;
                var evaluation = Evaluate(model, test, device, Options.LabelSmoothing, parallel?.Replicas);
                var result = new EpochResult(epoch, lossSum / Math.Max(1, seen), evaluation.Loss, evaluation.Top1, evaluation.Top5,
                    clock.Elapsed.TotalSeconds, seen / trainSeconds, rate);
                history.Add(result);
                progress.EndEpoch(result, Options.Epochs);
                foreach (var hook in hooks) hook.OnEpochEnd(result);
                if (Options.CheckpointPath is { } checkpoint && root)
                    Checkpoint.Save(checkpoint, model, optimizer, new CheckpointState(model.GetType().Name, epoch + 1, step, Options.Seed, history), companions);
            }
        }
        finally
        {
            // The model and its companions leave Fit as plain modules again.
            if (parallel != null)
            {
                foreach (var trained in companions.Select(c => c.Item1).Prepend(model)) DataParallel.ReduceStatistics(trained, null, false);
            }
        }
        var where = parallel == null ? device.ToString() : $"{device} × {parallel.Replicas.Size} ranks (MPI)";
        return new TrainingSummary(model.GetType().Name, where, train.Data.Source, ModelCost.Of(model), history);
    }

    /// <summary>
    /// The run's checkpoint restored into the model, optimizer and companions, or null when there
    /// is none. In a data-parallel run rank 0 reads it and sends its bytes to every rank.
    /// </summary>
    private CheckpointState? Resume(DataParallel? parallel, nn.Module model, OptimizerHelper optimizer, IReadOnlyList<(nn.Module Model, OptimizerHelper Optimizer)> companions)
    {
        if (Options.CheckpointPath is not { } path) return null;
        var local = parallel != null ? parallel.ShareFile(path, ".ckpt") : File.Exists(path) ? path : null;
        if (local == null) return null;
        try
        {
            return Checkpoint.Load(local, model, optimizer, companions);
        }
        finally
        {
            if (local != path) File.Delete(local);
        }
    }

    /// <summary>Every rank from rank 0's state, the methods' batch statistics over all ranks, and each rank its own random stream (dropout).</summary>
    private void StartTogether(DataParallel parallel, nn.Module model, IEnumerable<(nn.Module Model, OptimizerHelper)> companions, IEnumerable<TrainingHook> hooks, int firstEpoch)
    {
        parallel.BroadcastState(model);
        foreach (var used in hooks.SelectMany(h => h.Models)) parallel.BroadcastState(used);
        DataParallel.ReduceStatistics(model, parallel.Replicas, Options.SyncBatchNorm);
        foreach (var (companion, _) in companions)
        {
            parallel.BroadcastState(companion);
            DataParallel.ReduceStatistics(companion, parallel.Replicas, Options.SyncBatchNorm);
        }
        // Rank 0 keeps the stream one process would have; the others draw their own masks.
        if (!parallel.Replicas.IsRoot) manual_seed(Options.Seed + 1_000_003L * parallel.Replicas.Rank + firstEpoch);
    }

    /// <summary>The ranks on one machine split its cores, as torchrun's one thread per process does for one core each.</summary>
    private static void ShareCores(Communicator replicas)
    {
        var cores = Math.Max(1, Environment.ProcessorCount / Math.Max(1, replicas.LocalSize));
        if (get_num_threads() > cores) set_num_threads(cores);
    }

    /// <summary>What the model's public members (a @tokens stack, say) and its modules (a @winograd layer's pruning) bring to training.</summary>
    private static IEnumerable<TrainingHook> Contributions(nn.Module<Tensor, Tensor> model, TextWriter output) =>
        model.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => typeof(ITrainingContributor).IsAssignableFrom(p.PropertyType) && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(model))
            .Concat(model.modules())
            .OfType<ITrainingContributor>()
            .SelectMany(c => c.Contributions(model, output));

    /// <summary>
    /// One step as a pipeline: the hooks' starts, the model's pass, what the hooks do right after
    /// it, the task loss under the hooks' weights plus their terms, backward, the optimizer, the hooks' ends.
    /// </summary>
    private double TrainStep(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, IReadOnlyList<TrainingHook> hooks, int epoch, long step, Batch batch,
        DataParallel? parallel)
    {
        var context = new StepContext(model, optimizer, epoch, step, batch.Inputs, batch.Targets) { Share = batch.Share };
        foreach (var hook in hooks) hook.OnStepStart(context);
        optimizer.zero_grad();
        context.Outputs = model.forward(batch.Inputs);
        foreach (var hook in hooks) hook.AfterForward(context);
        context.TaskLoss = nn.functional.cross_entropy(context.Outputs, batch.Targets, label_smoothing: Options.LabelSmoothing);
        var weight = hooks.Aggregate(1.0, (product, hook) => product * hook.TaskWeight(context));
        var loss = weight == 1 ? context.TaskLoss : weight * context.TaskLoss;
        foreach (var hook in hooks)
        {
            if (hook.AdditionalLoss(context) is { } extra) loss = loss + extra;
        }
        context.Loss = loss;
        var share = parallel?.LossWeight(batch.Share) ?? 1;
        (share == 1 ? loss : loss * share).backward();
        parallel?.AverageGradients(model.parameters());
        if (Options.GradientClipNorm is { } clip) nn.utils.clip_grad_norm_(model.parameters(), clip);
        optimizer.step();
        foreach (var hook in hooks) hook.OnStepEnd(context);
        return loss.item<float>();
    }

    /// <summary>Loss, top-1 and (with more than five classes) top-5 over a loader, in eval mode; with <paramref name="replicas"/>, each rank takes its shard and the counts are summed.</summary>
    public static (double Loss, double Top1, double? Top5) Evaluate(nn.Module<Tensor, Tensor> model, BatchLoader loader, Device device, double labelSmoothing = 0,
        Communicator? replicas = null)
    {
        model.eval();
        using var noGrad = no_grad();
        double loss = 0;
        long top1 = 0, top5 = 0, count = 0;
        var classes = loader.Data.Classes;
        var shard = replicas is { Size: > 1 } ? new Shard(replicas.Rank, replicas.Size) : Shard.Whole;
        using (var batches = loader.Epoch(0, device, shard).GetEnumerator())
        {
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!batches.MoveNext()) break;
                var batch = batches.Current;
                var outputs = model.forward(batch.Inputs);
                loss += nn.functional.cross_entropy(outputs, batch.Targets, label_smoothing: labelSmoothing).item<float>() * batch.Size;
                var k = Math.Min(5, classes);
                var (_, best) = outputs.topk(k, dim: 1);
                var hits = best.eq(batch.Targets.unsqueeze(1));
                top1 += hits.select(1, 0).sum().item<long>();
                top5 += hits.any(1).sum().item<long>();
                count += batch.Size;
            }
        }
        if (shard.Count > 1)
        {
            using var sums = tensor(new[] { loss, top1, top5, count });
            replicas!.AllReduce(sums);
            var total = sums.data<double>().ToArray();
            (loss, top1, top5, count) = (total[0], (long)total[1], (long)total[2], (long)total[3]);
        }
        return (loss / count, top1 / (double)count, classes > 5 ? top5 / (double)count : null);
    }
}
