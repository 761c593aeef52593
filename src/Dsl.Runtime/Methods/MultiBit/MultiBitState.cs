using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Runtime.MultiBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// What a @multibit model keeps: its widths, the width it runs at (the highest until switched),
/// where its branched body starts and ends in forward, and the in-place distillation it brings
/// to <see cref="Training.Trainer.Fit"/>.
/// </summary>
public sealed class MultiBitState : Training.ITrainingContributor
{
    public MultiBitState(long[] bits, string method, bool amortized, bool distill)
    {
        Widths = new MultiBitWidths(bits, method, amortized);
        Distill = distill;
        BitWidth = Widths.Max;
    }

    public MultiBitWidths Widths { get; }

    /// <summary>Whether the lower widths learn half from the highest width's softmax (in-place distillation) or from the labels alone.</summary>
    public bool Distill { get; }

    public long BitWidth { get; private set; }

    /// <summary>The branches the current width runs.</summary>
    public IReadOnlyList<BranchUse> Plan => Widths.Plan(BitWidth);

    /// <summary>Runs <paramref name="model"/> (which holds this state) at <paramref name="bits"/>: every layer and BatchNorm of its body switches.</summary>
    public void Switch(nn.Module model, long bits)
    {
        Widths.IndexOf(bits);
        foreach (var part in model.modules().OfType<BranchedModule>()) part.Use(bits);
        BitWidth = bits;
    }

    /// <summary>Where the branched body starts: one copy of the batch per branch the width runs.</summary>
    public Tensor Enter(Tensor x)
    {
        var copies = Plan.Count;
        if (copies == 1) return x;
        var times = new long[x.dim()];
        Array.Fill(times, 1L);
        times[0] = copies;
        return x.repeat(times);
    }

    /// <summary>Where it ends: the branches' outputs averaged.</summary>
    public Tensor Leave(Tensor y)
    {
        var copies = Plan.Count;
        if (copies == 1) return y;
        var shape = y.shape.ToList();
        shape[0] /= copies;
        shape.Insert(0, copies);
        return y.reshape(shape.ToArray()).mean(new long[] { 0 });
    }

    public IEnumerable<Training.TrainingHook> Contributions(nn.Module<Tensor, Tensor> model, TextWriter log) =>
        Widths.Bits.Count > 1 ? new Training.TrainingHook[] { new InPlaceDistillation(this) } : Array.Empty<Training.TrainingHook>();
}
