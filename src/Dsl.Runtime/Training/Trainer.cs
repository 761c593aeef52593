using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// Trains a classifier: epochs over a loader, one dispose scope per step, evaluation after
/// every epoch, a checkpoint after every epoch when asked (and a resume from it), hooks for the
/// compression methods, and a summary at the end.
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
        model.to(device);
        using var optimizer = Options.Optimizer.Create(model.parameters());
        var hooks = Hooks.Concat(Contributions(model).Where(c => Hooks.All(h => h.GetType() != c.GetType()))).ToList();
        // Companions get their optimizers before a checkpoint restores them with the model.
        var companions = hooks.OfType<CompanionModel>().Select(c => ((nn.Module)c.Model, c.Prepare(device))).ToList();
        var history = new List<EpochResult>();
        var firstEpoch = 0;
        long step = 0;
        if (Options.CheckpointPath is { } path && File.Exists(path))
        {
            var state = Checkpoint.Load(path, model, optimizer, companions);
            history.AddRange(state.History);
            (firstEpoch, step) = (state.EpochsDone, state.Steps);
            _output.WriteLine($"resumed from {path} after epoch {firstEpoch}");
        }
        else
        {
            manual_seed(Options.Seed);
        }
        foreach (var hook in hooks) hook.OnTrainStart(model, optimizer);

        var stepsPerEpoch = train.BatchesPerEpoch;
        var totalSteps = (long)stepsPerEpoch * Options.Epochs;
        using var progress = ProgressReporter.Create(Options.Progress, _output);
        for (var epoch = firstEpoch; epoch < Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            progress.StartEpoch(epoch, Options.Epochs, stepsPerEpoch);
            double lossSum = 0;
            long seen = 0;
            var done = 0;
            var rate = 0.0;
            using (var batches = train.Epoch(epoch, device).GetEnumerator())
            {
                while (true)
                {
                    using var scope = NewDisposeScope();
                    if (!batches.MoveNext()) break;
                    var batch = batches.Current;
                    rate = Options.Optimizer.LearningRate * Options.Schedule.Factor(step, totalSteps, stepsPerEpoch);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                    var loss = TrainStep(model, optimizer, hooks, epoch, step, batch);
                    lossSum += loss * batch.Size;
                    seen += batch.Size;
                    step++;
                    done++;
                    progress.Step(done, lossSum / seen, seen / clock.Elapsed.TotalSeconds);
                }
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var evaluation = Evaluate(model, test, device, Options.LabelSmoothing);
            var result = new EpochResult(epoch, lossSum / Math.Max(1, seen), evaluation.Loss, evaluation.Top1, evaluation.Top5,
                clock.Elapsed.TotalSeconds, seen / trainSeconds, rate);
            history.Add(result);
            progress.EndEpoch(result, Options.Epochs);
            foreach (var hook in hooks) hook.OnEpochEnd(result);
            if (Options.CheckpointPath is { } checkpoint)
                Checkpoint.Save(checkpoint, model, optimizer, new CheckpointState(model.GetType().Name, epoch + 1, step, Options.Seed, history), companions);
        }
        return new TrainingSummary(model.GetType().Name, device.ToString(), train.Data.Source, ModelCost.Of(model), history);
    }

    /// <summary>What the model's public members (a @tokens stack, say) and its modules (a @winograd layer's pruning) bring to training.</summary>
    private IEnumerable<TrainingHook> Contributions(nn.Module<Tensor, Tensor> model) =>
        model.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => typeof(ITrainingContributor).IsAssignableFrom(p.PropertyType) && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(model))
            .Concat(model.modules())
            .OfType<ITrainingContributor>()
            .SelectMany(c => c.Contributions(model, _output));

    /// <summary>
    /// One step as a pipeline: the hooks' starts, the model's pass, what the hooks do right after
    /// it, the task loss under the hooks' weights plus their terms, backward, the optimizer, the hooks' ends.
    /// </summary>
    private double TrainStep(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, IReadOnlyList<TrainingHook> hooks, int epoch, long step, Batch batch)
    {
        var context = new StepContext(model, optimizer, epoch, step, batch.Inputs, batch.Targets);
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
        loss.backward();
        if (Options.GradientClipNorm is { } clip) nn.utils.clip_grad_norm_(model.parameters(), clip);
        optimizer.step();
        foreach (var hook in hooks) hook.OnStepEnd(context);
        return loss.item<float>();
    }

    /// <summary>Loss, top-1 and (with more than five classes) top-5 over a loader, in eval mode.</summary>
    public static (double Loss, double Top1, double? Top5) Evaluate(nn.Module<Tensor, Tensor> model, BatchLoader loader, Device device, double labelSmoothing = 0)
    {
        model.eval();
        using var noGrad = no_grad();
        double loss = 0;
        long top1 = 0, top5 = 0, count = 0;
        var classes = loader.Data.Classes;
        using (var batches = loader.Epoch(0, device).GetEnumerator())
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
        return (loss / count, top1 / (double)count, classes > 5 ? top5 / (double)count : null);
    }
}
