using System;
using Dsl.Runtime.LowBit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// Multi-head attention in PyTorch's nn.MultiheadAttention layout (<c>in_proj_weight</c> [3d, d],
/// <c>in_proj_bias</c> [3d], <c>out_proj</c>), as DETR's checkpoints hold it, on batch-first
/// tensors: queries [N, Q, d] attend to keys [N, T, d] carrying values [N, T, d]. Compressed
/// (@quant, Q-DETR), in_proj's weight passes its quantizer (per output row), each of its three
/// inputs its own, out_proj is a quantized linear, and q, k, v and the softmax output pass
/// theirs (q_quant, ..., attn_quant).
/// </summary>
public sealed class DetrAttention : nn.Module
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly nn.Module<Tensor, Tensor> out_proj;
    private readonly nn.Module<Tensor, Tensor>? in_proj_weight_quant;
    private readonly nn.Module<Tensor, Tensor>? query_input_quant;
    private readonly nn.Module<Tensor, Tensor>? key_input_quant;
    private readonly nn.Module<Tensor, Tensor>? value_input_quant;
    private readonly nn.Module<Tensor, Tensor>? q_quant;
    private readonly nn.Module<Tensor, Tensor>? k_quant;
    private readonly nn.Module<Tensor, Tensor>? v_quant;
    private readonly nn.Module<Tensor, Tensor>? attn_quant;
    private readonly long _heads;
    private readonly double _dropout;

    public DetrAttention(long dim, long heads, double dropout, Compressor? compression = null) : base(nameof(DetrAttention))
    {
        if (dim % heads != 0) throw new ArgumentException($"heads ({heads}) must divide dim ({dim})", nameof(heads));
        (_heads, _dropout) = (heads, dropout);
        // PyTorch's initialisation: Xavier-uniform in_proj, zero biases.
        in_proj_weight = new Parameter(nn.init.xavier_uniform_(empty(3 * dim, dim)));
        in_proj_bias = new Parameter(zeros(3 * dim));
        var projection = nn.Linear(dim, dim);
        using (no_grad()) projection.bias!.zero_();
        out_proj = Layers.Compressed(projection, compression);
        in_proj_weight_quant = compression?.WeightTransform(in_proj_weight, 0);
        (query_input_quant, key_input_quant, value_input_quant) = (compression?.InputTransform(), compression?.InputTransform(), compression?.InputTransform());
        (q_quant, k_quant) = (compression?.AttentionActivation("q", heads), compression?.AttentionActivation("k", heads));
        (v_quant, attn_quant) = (compression?.AttentionActivation("v", heads), compression?.AttentionActivation("attn", heads));
        RegisterComponents();
    }

    public Tensor Forward(Tensor query, Tensor key, Tensor value)
    {
        var d = query.shape[2];
        var weight = in_proj_weight_quant?.forward(in_proj_weight) ?? in_proj_weight;
        var weights = weight.chunk(3, 0);
        var biases = in_proj_bias.chunk(3, 0);
        var q = Heads(nn.functional.linear(Apply(query_input_quant, query), weights[0], biases[0]), q_quant);
        var k = Heads(nn.functional.linear(Apply(key_input_quant, key), weights[1], biases[1]), k_quant);
        var v = Heads(nn.functional.linear(Apply(value_input_quant, value), weights[2], biases[2]), v_quant);
        var scores = matmul(q, k.transpose(-2, -1)) / Math.Sqrt(d / _heads);
        var attention = Apply(attn_quant, scores.softmax(-1));
        var mixed = matmul(nn.functional.dropout(attention, _dropout, training), v).transpose(1, 2).reshape(query.shape[0], query.shape[1], d);
        return out_proj.forward(mixed);
    }

    private static Tensor Apply(nn.Module<Tensor, Tensor>? quantizer, Tensor x) => quantizer is null ? x : quantizer.forward(x);

    private Tensor Heads(Tensor x, nn.Module<Tensor, Tensor>? quantizer) =>
        Apply(quantizer, x.reshape(x.shape[0], x.shape[1], _heads, x.shape[2] / _heads).transpose(1, 2));

}

/// <summary>DETR's encoder layer (post-norm): self-attention with the position added to queries and keys, then linear1 → ReLU → linear2; each residual then LayerNorm.</summary>
public sealed class DetrEncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly DetrAttention self_attn;
    private readonly nn.Module<Tensor, Tensor> linear1;
    private readonly nn.Module<Tensor, Tensor> linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly double _dropout;

    public DetrEncoderLayer(long dim, long heads, long ffn, double dropout, Compressor? compression = null) : base(nameof(DetrEncoderLayer))
    {
        self_attn = new DetrAttention(dim, heads, dropout, compression);
        (linear1, linear2) = (Layers.Compressed(nn.Linear(dim, ffn), compression), Layers.Compressed(nn.Linear(ffn, dim), compression));
        (norm1, norm2) = (nn.LayerNorm(dim), nn.LayerNorm(dim));
        _dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor src, Tensor pos)
    {
        var qk = src + pos;
        src = norm1.forward(src + Drop(self_attn.Forward(qk, qk, src)));
        return norm2.forward(src + Drop(linear2.forward(Drop(nn.functional.relu(linear1.forward(src))))));
    }

    private Tensor Drop(Tensor x) => nn.functional.dropout(x, _dropout, training);
}

/// <summary>
/// DETR's decoder layer (post-norm): self-attention among the queries (query_pos added to queries
/// and keys), cross-attention to the memory (pos added to its keys), then the feed-forward.
/// </summary>
public sealed class DetrDecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly DetrAttention self_attn;
    private readonly DetrAttention multihead_attn;
    private readonly nn.Module<Tensor, Tensor> linear1;
    private readonly nn.Module<Tensor, Tensor> linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly LayerNorm norm3;
    private readonly double _dropout;

    public DetrDecoderLayer(long dim, long heads, long ffn, double dropout, Compressor? compression = null) : base(nameof(DetrDecoderLayer))
    {
        self_attn = new DetrAttention(dim, heads, dropout, compression);
        multihead_attn = new DetrAttention(dim, heads, dropout, compression);
        (linear1, linear2) = (Layers.Compressed(nn.Linear(dim, ffn), compression), Layers.Compressed(nn.Linear(ffn, dim), compression));
        (norm1, norm2, norm3) = (nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim));
        _dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor tgt, Tensor memory, Tensor pos, Tensor queryPos)
    {
        var qk = tgt + queryPos;
        tgt = norm1.forward(tgt + Drop(self_attn.Forward(qk, qk, tgt)));
        tgt = norm2.forward(tgt + Drop(multihead_attn.Forward(tgt + queryPos, memory + pos, memory)));
        return norm3.forward(tgt + Drop(linear2.forward(Drop(nn.functional.relu(linear1.forward(tgt))))));
    }

    private Tensor Drop(Tensor x) => nn.functional.dropout(x, _dropout, training);
}

/// <summary>DETR's object queries: nn.Embedding's <c>weight</c> [queries, dim], the same for every sample: [N, T, dim] → [N, queries, dim].</summary>
public sealed class QueryEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    public QueryEmbed(long queries, long dim) : base(nameof(QueryEmbed))
    {
        weight = new Parameter(randn(queries, dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => weight.unsqueeze(0).expand(x.shape[0], -1, -1);
}

/// <summary>
/// DETR's PositionEmbeddingSine on a feature map [N, C, H, W], returned as tokens [N, H·W, C]:
/// y and x counted from 1 (normalised to (0, 2π] when asked), each divided by
/// temperature^(2⌊i/2⌋/(C/2)) for i &lt; C/2, even i taking the sine and odd the cosine; y's C/2
/// features first.
/// </summary>
public sealed class SinePosition : nn.Module<Tensor, Tensor>
{
    private readonly double _temperature;
    private readonly bool _normalize;

    public SinePosition(double temperature, bool normalize) : base(nameof(SinePosition)) => (_temperature, _normalize) = (temperature, normalize);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var features = c / 2;
        var y = arange(1, h + 1, dtype: ScalarType.Float32, device: x.device).reshape(h, 1).expand(h, w);
        var xs = arange(1, w + 1, dtype: ScalarType.Float32, device: x.device).reshape(1, w).expand(h, w);
        if (_normalize)
        {
            const double eps = 1e-6;
            y = y / (h + eps) * 2 * Math.PI;
            xs = xs / (w + eps) * 2 * Math.PI;
        }
        var i = arange(features, dtype: ScalarType.Float32, device: x.device);
        var dims = pow(_temperature, 2 * floor(i / 2) / features);
        Tensor Encode(Tensor coordinate)
        {
            var scaled = coordinate.unsqueeze(-1) / dims;
            // Interleaved sin(even), cos(odd), as DETR stacks them.
            return stack(new[] { scaled.slice(-1, 0, features, 2).sin(), scaled.slice(-1, 1, features, 2).cos() }, -1).flatten(-2);
        }
        var pos = cat(new[] { Encode(y), Encode(xs) }, -1).reshape(1, h * w, c).expand(n, -1, -1);
        return pos.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Q-DETR's query rectification on [N, Q, d]: q* = (q − μ)/√(σ² + ε)·γ + β per feature, μ and σ²
/// over the batch's queries in training (kept as running statistics for eval, as BatchNorm does).
/// </summary>
public sealed class QueryRectify : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly double _eps;
    private readonly double _momentum;

    public QueryRectify(long features, double eps, double momentum) : base(nameof(QueryRectify))
    {
        weight = new Parameter(ones(features));
        bias = new Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        (_eps, _momentum) = (eps, momentum);
        RegisterComponents();
    }

    public override Tensor forward(Tensor q)
    {
        var flat = q.reshape(-1, q.shape[^1]);
        return nn.functional.batch_norm(flat, running_mean, running_var, weight, bias, training, _momentum, _eps).reshape(q.shape);
    }
}
