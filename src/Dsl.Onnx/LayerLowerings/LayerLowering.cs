using System;
using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>A layer lowering written as a function, for the families' tables.</summary>
internal sealed class LayerLowering(IReadOnlyList<string> layers, Func<LayerContext, string> lower) : ILayerLowering
{
    public LayerLowering(string layer, Func<LayerContext, string> lower) : this(new[] { layer }, lower)
    {
    }

    public IReadOnlyList<string> Layers { get; } = layers;

    public string Lower(LayerContext c) => lower(c);
}
