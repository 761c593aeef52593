using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>Per-channel values against a tensor: one value per index of one axis (output channels, heads).</summary>
internal static class ChannelAxis
{
    /// <summary>[C] reshaped to broadcast along <paramref name="axis"/> of <paramref name="x"/>; unchanged without an axis.</summary>
    public static Tensor Broadcast(Tensor perChannel, Tensor x, long? axis)
    {
        if (axis is not { } a) return perChannel;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[a] = -1;
        return perChannel.reshape(shape);
    }

    /// <summary>Every axis of <paramref name="x"/> but <paramref name="axis"/>: what a per-channel statistic reduces over.</summary>
    public static long[] Others(Tensor x, long axis)
    {
        var dims = new List<long>();
        for (long d = 0; d < x.dim(); d++) if (d != axis) dims.Add(d);
        return dims.ToArray();
    }

    /// <summary>One value per channel ([C]), or one for the tensor ([1]) without an axis.</summary>
    public static Tensor Reduce(Tensor x, long? axis, Func<Tensor, long[], Tensor> reduce) =>
        axis is { } a ? reduce(x, Others(x, a)).reshape(-1) : reduce(x.flatten(), new long[] { 0 }).reshape(1);
}
