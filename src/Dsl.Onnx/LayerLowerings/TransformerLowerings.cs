using System;
using System.Collections.Generic;
using Dsl.Onnx.Lowering;
using Dsl.Onnx.Methods;
using Dsl.Runtime;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>timm's ViT pieces: patch embedding, class token, position embedding, multi-head attention, MLP.</summary>
internal static class TransformerLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("patch_embed", PatchEmbed),
        new LayerLowering("cls_token", ClsToken),
        new LayerLowering("pos_embed", c => c.Node("Add", new[] { c.Input, c.Initializer("", c.Parameter!) })),
        new LayerLowering("attention", Attention),
        new LayerLowering("mlp", Mlp),
    };

    // A strided convolution, then [N, dim, h, w] → [N, h·w, dim].
    private static string PatchEmbed(LayerContext c)
    {
        var patch = c.Long("patch", 1);
        var proj = c.Child("proj", c.Inputs);
        var (input, weight, bias) = proj.Weighted(outputAxis: 0);
        var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        var map = proj.Node("Conv", inputs, OnnxAttribute.Ints("kernel_shape", new[] { patch, patch }), OnnxAttribute.Ints("strides", new[] { patch, patch }));
        var tokens = c.Node("Reshape", new[] { map, c.Graph.Longs(0, 0, -1) });
        return c.Node("Transpose", new[] { tokens }, OnnxAttribute.Ints("perm", new long[] { 0, 2, 1 }));
    }

    // The [1, 1, dim] token broadcast to the batch, in front of the patch tokens.
    private static string ClsToken(LayerContext c)
    {
        var batch = c.Node("Slice", new[] { c.Node("Shape", new[] { c.Input }), c.Graph.Longs(0), c.Graph.Longs(1) });
        var shape = c.Node("Concat", new[] { batch, c.Graph.Longs(1, 1) }, OnnxAttribute.Int("axis", 0));
        var tokens = c.Node("Expand", new[] { c.Initializer("", c.Parameter!), shape });
        return c.Node("Concat", new[] { tokens, c.Input }, OnnxAttribute.Int("axis", 1));
    }

    // softmax(q·kᵀ / √d)·v per head, with the method's transforms where the runtime applies them.
    private static string Attention(LayerContext c)
    {
        var (dim, heads) = (c.Long("dim", 0), c.Long("heads", 1));
        var qkv = LinearLowering.Linear(c.Child("qkv", c.Inputs));
        var split = c.Node("Transpose", new[] { c.Node("Reshape", new[] { qkv, c.Graph.Longs(0, 0, 3, heads, dim / heads) }) },
            OnnxAttribute.Ints("perm", new long[] { 2, 0, 3, 1, 4 }));
        var q = c.Node("Gather", new[] { split, c.Graph.Index(0) }, OnnxAttribute.Int("axis", 0));
        var k = c.Node("Gather", new[] { split, c.Graph.Index(1) }, OnnxAttribute.Int("axis", 0));
        var v = c.Node("Gather", new[] { split, c.Graph.Index(2) }, OnnxAttribute.Int("axis", 0));
        if (LayerContext.Children(c.Module!).ContainsKey("q_norm"))
        {
            q = HeadNorm(c.Child("q_norm", new[] { q }));
            k = HeadNorm(c.Child("k_norm", new[] { k }));
        }
        q = c.ActivationTransform("q_quant", q);
        k = c.ActivationTransform("k_quant", k);
        v = c.ActivationTransform("v_quant", v);
        var keys = c.Node("Transpose", new[] { k }, OnnxAttribute.Ints("perm", new long[] { 0, 1, 3, 2 }));
        var logits = c.Node("Mul", new[] { c.Node("MatMul", new[] { q, keys }), c.Graph.Float(1.0 / Math.Sqrt(dim / heads)) });
        foreach (var hook in OnnxMethods.AttentionHooks)
        {
            if (hook.LogitBias(c) is { } bias) logits = c.Node("Add", new[] { logits, bias });
        }
        var softmax = c.Node("Softmax", new[] { logits }, OnnxAttribute.Int("axis", -1));
        foreach (var hook in OnnxMethods.AttentionHooks) hook.Weights(c, softmax);
        var weights = c.ActivationTransform("attn_quant", softmax);
        var mixed = c.Node("Transpose", new[] { c.Node("MatMul", new[] { weights, v }) }, OnnxAttribute.Ints("perm", new long[] { 0, 2, 1, 3 }));
        return LinearLowering.Linear(c.Child("proj", new[] { c.Node("Reshape", new[] { mixed, c.Graph.Longs(0, 0, dim) }) }));
    }

    private static string HeadNorm(LayerContext c) => c.Node("LayerNormalization",
        new[] { c.Input, c.Initializer("weight", c.Tensor("weight")), c.Initializer("bias", c.Tensor("bias")) },
        OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", 1e-5));

    private static string Mlp(LayerContext c)
    {
        var hidden = LinearLowering.Linear(c.Child("fc1", c.Inputs));
        var activated = ActivationLowerings.Gelu(c, hidden, "none");
        if (c.Module is Mlp { GeluClip: { } clip }) activated = c.Node("Clip", new[] { activated, c.Graph.Float(-clip), c.Graph.Float(clip) });
        return LinearLowering.Linear(c.Child("fc2", new[] { activated }));
    }
}
