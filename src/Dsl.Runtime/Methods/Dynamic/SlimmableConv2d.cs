using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// A convolution that runs on a fraction of its channels with one set of weights (a slimmable
/// convolution): at width w it computes its first int(w·C_out) output channels when it slims its
/// output, and reads the first int(w·C) channels of each part of its input when it slims its
/// input (one part, or the parts a concatenation joined, each slimmed on its own or kept whole).
/// It keeps the convolution's <c>weight</c> and <c>bias</c>, so a full-width checkpoint loads unchanged.
/// </summary>
public sealed class SlimmableConv2d : nn.Module<Tensor, Tensor>, ISlimmable
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long[] _stride;
    private readonly long[] _padding;
    private readonly long[] _dilation;
    private readonly long _groups;
    private readonly IReadOnlyList<InputPart> _inputParts;

    /// <param name="inputParts">The parts of the input along its channels, in order; null: one part, slimmed when <paramref name="slimInput"/>.</param>
    public SlimmableConv2d(nn.Module<Tensor, Tensor> layer, DynamicWidths widths, bool slimInput, bool slimOutput, IReadOnlyList<InputPart>? inputParts = null)
        : base(nameof(SlimmableConv2d))
    {
        if (layer is not Conv2d conv) throw new ArgumentException("@dynamic slims conv2d layers", nameof(layer));
        if (conv.groups != 1) throw new ArgumentException("@dynamic slims ungrouped convolutions", nameof(layer));
        var padding = conv.padding ?? throw new ArgumentException("@dynamic needs numeric padding", nameof(layer));
        weight = conv.weight!;
        bias = conv.bias;
        (_stride, _padding, _dilation, _groups) = (conv.stride, padding, conv.dilation, conv.groups);
        _inputParts = inputParts ?? new[] { new InputPart(weight.shape[1], slimInput) };
        if (_inputParts.Sum(p => p.Channels) != weight.shape[1])
            throw new ArgumentException($"the input parts [{string.Join(", ", _inputParts.Select(p => p.Channels))}] do not add up to the {weight.shape[1]} input channels", nameof(inputParts));
        (SlimsInput, SlimsOutput, Widths) = (slimInput, slimOutput, widths);
        RegisterComponents();
    }

    public DynamicWidths Widths { get; }

    public bool SlimsInput { get; }

    public bool SlimsOutput { get; }

    /// <summary>The output channels at <paramref name="width"/>.</summary>
    public long OutputChannels(double width) => SlimsOutput ? DynamicWidths.Active(weight.shape[0], width) : weight.shape[0];

    /// <summary>The input channels read at <paramref name="width"/>: the first int(w·C) of each slimmed part, all of the others.</summary>
    public IReadOnlyList<long> InputChannels(double width)
    {
        var channels = new List<long>();
        long start = 0;
        foreach (var part in _inputParts)
        {
            var kept = part.Slimmed ? DynamicWidths.Active(part.Channels, width) : part.Channels;
            for (var c = 0L; c < kept; c++) channels.Add(start + c);
            start += part.Channels;
        }
        return channels;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var width = Widths.Current;
        var inputs = InputChannels(width);
        if (x.shape[1] != inputs.Count)
            throw new ArgumentException($"at width {width} this convolution reads {inputs.Count} channels, but its input has {x.shape[1]}");
        var outputs = OutputChannels(width);
        var w = weight.narrow(0, 0, outputs);
        // One part slimmed (or none): a prefix of the input channels; several: each part's prefix.
        w = inputs.Count == weight.shape[1] || inputs[^1] == inputs.Count - 1
            ? w.narrow(1, 0, inputs.Count)
            : w.index_select(1, tensor(inputs.ToArray(), device: x.device));
        var b = bias?.narrow(0, 0, outputs);
        return nn.functional.conv2d(x, w, b, _stride, _padding, _dilation, _groups).MoveToOuterDisposeScope();
    }
}

/// <summary>A run of a slimmable convolution's input channels: slimmed at each width, or read whole.</summary>
public sealed record InputPart(long Channels, bool Slimmed);
