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
/// pairs per query (0: all pairs).
/// </summary>
public sealed class DistillationState
{
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
