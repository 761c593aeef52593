using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>A model declared with @distill: its teacher, loss weights and distillation head.</summary>
public interface IDistilled
{
    DistillationState Distillation { get; }
}

/// <summary>
/// A @distill model's settings and, with hard distillation, its distillation head's latest
/// logits. The losses: <see cref="Soft"/> weighs cross-entropy to the teacher's softmax at
/// <see cref="Temperature"/> (times T²); <see cref="Hard"/> splits the task loss (1 − hard) and
/// the distillation head's cross-entropy to the teacher's argmax (hard), DeiT-style;
/// <see cref="Ranking"/> weighs the attention-ranking loss on <see cref="Pairs"/> sampled key
/// pairs per query (0: all pairs). It brings those losses to <see cref="Training.Trainer.Fit"/>
/// once the trained teacher is given with <see cref="From"/> (or trains on the task loss alone
/// after <see cref="WithoutTeacher"/>).
/// </summary>
public sealed class DistillationState : Training.ITrainingContributor
{
    private nn.Module<Tensor, Tensor>? _teacherModel;
    private bool _withoutTeacher;

    public DistillationState(Type teacher, double soft, double temperature, double hard, double ranking, long pairs)
    {
        if (soft < 0 || hard is < 0 or > 1 || ranking < 0) throw new ArgumentOutOfRangeException(nameof(soft), "loss weights are non-negative and hard is at most 1");
        if (temperature <= 0) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive");
        (Teacher, Soft, Temperature, Hard, Ranking, Pairs) = (teacher, soft, temperature, hard, ranking, pairs);
    }

    public Type Teacher { get; }
    public double Soft { get; }
    public double Temperature { get; }
    public double Hard { get; }
    public double Ranking { get; }
    public long Pairs { get; }

    /// <summary>The latest step's losses: task, soft, hard and ranking (0 when not used).</summary>
    public (double Task, double Soft, double Hard, double Ranking) LastLosses { get; internal set; }

    /// <summary>Distils from <paramref name="teacher"/>, an instance of <see cref="Teacher"/> with its trained weights loaded.</summary>
    public void From(nn.Module<Tensor, Tensor> teacher)
    {
        if (teacher.GetType() != Teacher)
            throw new ArgumentException($"the student is distilled from {Teacher.Name}, not {teacher.GetType().Name}", nameof(teacher));
        (_teacherModel, _withoutTeacher) = (teacher, false);
    }

    /// <summary>Trains on the task loss alone (a baseline without a teacher).</summary>
    public void WithoutTeacher() => (_teacherModel, _withoutTeacher) = (null, true);

    /// <summary>The distillation losses against the given teacher; a model declared with @distill and no teacher given is an error, not a silent baseline.</summary>
    public System.Collections.Generic.IEnumerable<Training.TrainingHook> Contributions(nn.Module<Tensor, Tensor> model, System.IO.TextWriter log)
    {
        if (_withoutTeacher) return Array.Empty<Training.TrainingHook>();
        if (_teacherModel == null)
            throw new InvalidOperationException($"the model is distilled from {Teacher.Name}: give its trained teacher with model.Distillation.From(teacher), or call model.Distillation.WithoutTeacher(), before Fit");
        return new Training.TrainingHook[] { new Distiller(model, this, _teacherModel) };
    }

    /// <summary>The distillation head's logits from the latest training forward.</summary>
    public Tensor? DistillationLogits { get; private set; }

    /// <summary>
    /// The classifier and the distillation head on the same features: in training the
    /// classifier's logits (the head's are kept for the loss); in eval their mean, as DeiT.
    /// </summary>
    public Tensor Heads(nn.Module<Tensor, Tensor> head, nn.Module<Tensor, Tensor> distillationHead, Tensor features, bool training)
    {
        var logits = head.forward(features);
        var distilled = distillationHead.forward(features);
        if (!training) return (logits + distilled) / 2;
        DistillationLogits = distilled;
        return logits;
    }
}
