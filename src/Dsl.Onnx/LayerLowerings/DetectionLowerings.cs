using System;
using System.Collections.Generic;
using Dsl.Onnx.Lowering;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>DETR's layers in PyTorch's layout: sine positions, learned queries, post-norm encoder and decoder layers, Q-DETR's query rectification.</summary>
internal static class DetectionLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("sine_position", SinePosition),
        new LayerLowering("query_embed", QueryEmbed),
        new LayerLowering("detr_encoder_layer", Encoder),
        new LayerLowering("detr_decoder_layer", Decoder),
        new LayerLowering("query_rectify", QueryRectify),
    };

    // The encoding depends on the feature map's size only: computed once by the runtime layer, broadcast to the batch.
    private static string SinePosition(LayerContext c)
    {
        var shape = c.InputShape ?? throw new OnnxExportException($"{c.Name}: the feature map's size is not known");
        var module = (nn.Module<Tensor, Tensor>)c.Module!;
        var encoding = module.forward(zeros(1, shape.Dims[1].Value, shape.Dims[2].Value, shape.Dims[3].Value));
        return Batched(c, c.Initializer("encoding", encoding));
    }

    private static string QueryEmbed(LayerContext c) => Batched(c, c.Initializer("weight", c.Tensor("weight").unsqueeze(0)));

    /// <summary>A [1, ...] constant expanded to the input's batch.</summary>
    private static string Batched(LayerContext c, string constant)
    {
        var batch = c.Node("Slice", new[] { c.Node("Shape", new[] { c.Input }), c.Graph.Longs(0), c.Graph.Longs(1) });
        var shape = c.Node("Concat", new[] { batch, c.Graph.Longs(1, 1) }, OnnxAttribute.Int("axis", 0));
        return c.Node("Expand", new[] { constant, shape });
    }

    private static string Encoder(LayerContext c)
    {
        var (src, pos) = (c.Inputs[0], c.Inputs[1]);
        var qk = c.Node("Add", new[] { src, pos });
        src = Norm(c, "norm1", c.Node("Add", new[] { src, Attention(c.Part("self_attn", new[] { qk, qk, src }), c.Long("heads", 1)) }));
        return Norm(c, "norm2", c.Node("Add", new[] { src, FeedForward(c, src) }));
    }

    private static string Decoder(LayerContext c)
    {
        var (tgt, memory, pos, queryPos) = (c.Inputs[0], c.Inputs[1], c.Inputs[2], c.Inputs[3]);
        var heads = c.Long("heads", 1);
        var qk = c.Node("Add", new[] { tgt, queryPos });
        tgt = Norm(c, "norm1", c.Node("Add", new[] { tgt, Attention(c.Part("self_attn", new[] { qk, qk, tgt }), heads) }));
        var cross = Attention(c.Part("multihead_attn", new[] { c.Node("Add", new[] { tgt, queryPos }), c.Node("Add", new[] { memory, pos }), memory }), heads);
        tgt = Norm(c, "norm2", c.Node("Add", new[] { tgt, cross }));
        return Norm(c, "norm3", c.Node("Add", new[] { tgt, FeedForward(c, tgt) }));
    }

    private static string FeedForward(LayerContext c, string x)
    {
        var hidden = c.Node("Relu", new[] { LinearLowering.Linear(c.Child("linear1", new[] { x })) });
        return LinearLowering.Linear(c.Child("linear2", new[] { hidden }));
    }

    private static string Norm(LayerContext c, string child, string x)
    {
        var norm = c.Part(child, new[] { x });
        return norm.Node("LayerNormalization", new[] { x, norm.Initializer("weight", norm.Tensor("weight")), norm.Initializer("bias", norm.Tensor("bias")) },
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", 1e-5));
    }

    // nn.MultiheadAttention's packed in_proj: one [3d, d] weight (quantized whole), split into q, k and v.
    private static string Attention(LayerContext a, long heads)
    {
        var weight = a.WeightOf("in_proj_weight", "in_proj_weight_quant", outputAxis: 0);
        var parts = a.Graph.Nodes("Split", new[] { weight }, new[] { a.Name + ".q_weight", a.Name + ".k_weight", a.Name + ".v_weight" }, OnnxAttribute.Int("axis", 0));
        var biases = a.Graph.Nodes("Split", new[] { a.Initializer("in_proj_bias", a.Tensor("in_proj_bias")) }, new[] { a.Name + ".q_bias", a.Name + ".k_bias", a.Name + ".v_bias" },
            OnnxAttribute.Int("axis", 0));
        string Project(int i, string input, string inputQuant, string headQuant)
        {
            var x = a.ActivationTransform(inputQuant, input);
            var projected = a.Node("Add", new[] { a.Node("MatMul", new[] { x, a.Node("Transpose", new[] { parts[i] }, OnnxAttribute.Ints("perm", new long[] { 1, 0 })) }), biases[i] });
            var split = a.Node("Transpose", new[] { a.Node("Reshape", new[] { projected, a.Graph.Longs(0, 0, heads, -1) }) }, OnnxAttribute.Ints("perm", new long[] { 0, 2, 1, 3 }));
            return a.ActivationTransform(headQuant, split);
        }
        var q = Project(0, a.Inputs[0], "query_input_quant", "q_quant");
        var k = Project(1, a.Inputs[1], "key_input_quant", "k_quant");
        var v = Project(2, a.Inputs[2], "value_input_quant", "v_quant");
        var d = a.Tensor("in_proj_weight").shape[1];
        var scores = a.Node("Div", new[] { a.Node("MatMul", new[] { q, a.Node("Transpose", new[] { k }, OnnxAttribute.Ints("perm", new long[] { 0, 1, 3, 2 })) }), a.Graph.Float(Math.Sqrt(d / heads)) });
        var attention = a.ActivationTransform("attn_quant", a.Node("Softmax", new[] { scores }, OnnxAttribute.Int("axis", -1)));
        var mixed = a.Node("Transpose", new[] { a.Node("MatMul", new[] { attention, v }) }, OnnxAttribute.Ints("perm", new long[] { 0, 2, 1, 3 }));
        return LinearLowering.Linear(a.Child("out_proj", new[] { a.Node("Reshape", new[] { mixed, a.Graph.Longs(0, 0, d) }) }));
    }

    // Batch normalization of each query's features with the running statistics (Q-DETR's DA), over the last axis.
    private static string QueryRectify(LayerContext c)
    {
        var eps = c.Real("eps", 1e-5);
        var std = (c.Tensor("running_var") + eps).sqrt();
        var normalized = c.Node("Div", new[] { c.Node("Sub", new[] { c.Input, c.Initializer("running_mean", c.Tensor("running_mean")) }), c.Initializer("running_std", std) });
        return c.Node("Add", new[] { c.Node("Mul", new[] { normalized, c.Initializer("weight", c.Tensor("weight")) }), c.Initializer("bias", c.Tensor("bias")) });
    }
}
