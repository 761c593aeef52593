using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods;

/// <summary>A compression method's ONNX lowering: the runtime transforms and forward calls it writes, under its annotation's name.</summary>
internal interface IOnnxMethod
{
    /// <summary>The annotation (quant, binarize): a model using a method without one gets a located error.</summary>
    string Annotation { get; }

    /// <summary>Whether models annotated with the method export (false while only its calls' method-free form lowers).</summary>
    bool LowersModels => true;

    IReadOnlyList<ITransformLowering> Transforms { get; }

    IReadOnlyList<ICallLowering> Calls { get; }

    /// <summary>What the method adds to every attention layer.</summary>
    IReadOnlyList<IAttentionHook> AttentionHooks => new IAttentionHook[0];
}
