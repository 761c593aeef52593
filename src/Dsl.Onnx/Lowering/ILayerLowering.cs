using System;
using System.Collections.Generic;

namespace Dsl.Onnx.Lowering;

/// <summary>How layers of the language are written in ONNX: their nodes for the inputs, given the arguments and the trained module.</summary>
internal interface ILayerLowering
{
    /// <summary>The layer names (as the .cmodel file writes them) this lowers.</summary>
    IReadOnlyList<string> Layers { get; }

    /// <summary>Writes the layer's nodes; returns its output.</summary>
    string Lower(LayerContext c);
}

/// <summary>How a method's call in forward (a token reduction, DeiT's two heads) is written in ONNX.</summary>
internal interface ICallLowering
{
    /// <summary>The call as the IR names it: a static runtime function (TokenBlock.Reduce), or member.function (distillation.Heads).</summary>
    string Function { get; }

    /// <summary>Writes the call; returns its output.</summary>
    string Lower(CallContext c);
}

/// <summary>
/// A method call being lowered: its tensor operands (lowered), the fields it names, whether the
/// class was given the method's object (without it a call may be the identity), how to apply one
/// of the class's fields to a value, and the class's runtime child of a name (a block's TokenBlock).
/// </summary>
internal sealed record CallContext(ExportSession Session, string Name, IReadOnlyList<string> Tensors, IReadOnlyList<string> Names, bool MethodGiven,
    Func<string, string, string> ApplyField, Func<string, TorchSharp.torch.nn.Module?> Member)
{
    public OnnxGraph Graph => Session.Graph;
}

/// <summary>
/// A method's part in every attention layer (the token stack's proportional attention and class
/// attention): a bias on the logits, and a look at the weights.
/// </summary>
internal interface IAttentionHook
{
    /// <summary>A value added to the logits [N, heads, T, T] before the softmax, or null.</summary>
    string? LogitBias(LayerContext attention);

    /// <summary>Sees the attention weights [N, heads, T, T].</summary>
    void Weights(LayerContext attention, string weights);
}
