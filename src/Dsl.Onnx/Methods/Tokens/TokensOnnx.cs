using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods.Tokens;

/// <summary>
/// @tokens with its counts fixed (a schedule, or what a learned one chose): sorting by class
/// attention, gathering the kept tokens, merging the rest; a block written for a schedule but built
/// without one (a plain ViT) reduces nothing.
/// </summary>
internal sealed class TokensOnnx : IOnnxMethod
{
    public string Annotation => "tokens";

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[0];

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[] { new TokenStart(), new TokenReduction() };

    public IReadOnlyList<IAttentionHook> AttentionHooks { get; } = new IAttentionHook[] { new TokenAttention() };
}
