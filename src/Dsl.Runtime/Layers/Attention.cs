using System;
using TorchSharp;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// timm's multi-head self-attention: `qkv` and `proj` linears, softmax(QKᵀ/√d)V. In a @tokens
/// stack it adds log(size) to the logits (proportional attention) and records the class
/// attention for the block's token reduction. Compressed (@quant, @binarize), its linears are,
/// and q, k, v and the softmax output pass their own quantizers (q_quant, ..., attn_quant),
/// after a per-head LayerNorm on q and k (q_norm, k_norm) for Bi-ViT. With
/// <see cref="RecordScores"/> it keeps the attention logits, for attention distillation.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> qkv;
    private readonly nn.Module<Tensor, Tensor> attn_drop;
    private readonly nn.Module<Tensor, Tensor> proj;
    private readonly nn.Module<Tensor, Tensor> proj_drop;
    private readonly nn.Module<Tensor, Tensor>? q_norm;
    private readonly nn.Module<Tensor, Tensor>? k_norm;
    private readonly nn.Module<Tensor, Tensor>? q_quant;
    private readonly nn.Module<Tensor, Tensor>? k_quant;
    private readonly nn.Module<Tensor, Tensor>? v_quant;
    private readonly nn.Module<Tensor, Tensor>? attn_quant;
    private readonly long _heads;
    private readonly double _scale;
    private readonly double _attnDrop;
    // The stack's shared state, not the block's TokenBlock: a module field would register twice.
    private readonly TokenState? _tokens;

    public Attention(long dim, long heads, bool qkvBias = true, double attnDrop = 0, double projDrop = 0, TokenBlock? tokens = null, Compressor? compression = null) : base(nameof(Attention))
    {
        _tokens = tokens?.State;
        if (dim % heads != 0) throw new ArgumentException($"heads ({heads}) must divide dim ({dim})", nameof(heads));
        _heads = heads;
        _scale = 1.0 / Math.Sqrt(dim / heads);
        _attnDrop = attnDrop;
        qkv = Layers.Compressed(nn.Linear(dim, dim * 3, hasBias: qkvBias), compression);
        attn_drop = nn.Dropout(attnDrop);
        proj = Layers.Compressed(nn.Linear(dim, dim), compression);
        proj_drop = nn.Dropout(projDrop);
        if (compression is { QkNorm: true })
        {
            q_norm = nn.LayerNorm(dim / heads);
            k_norm = nn.LayerNorm(dim / heads);
        }
        q_quant = compression?.AttentionActivation("q", heads);
        k_quant = compression?.AttentionActivation("k", heads);
        v_quant = compression?.AttentionActivation("v", heads);
        attn_quant = compression?.AttentionActivation("attn", heads);
        RegisterComponents();
    }

    /// <summary>Keep each forward's attention logits (QKᵀ/√d, [B, H, T, T]) in <see cref="Scores"/>.</summary>
    public bool RecordScores { get; set; }

    /// <summary>The latest forward's attention logits while <see cref="RecordScores"/> is set.</summary>
    public Tensor? Scores { get; private set; }

    private bool Fused => q_norm is null && q_quant is null && k_quant is null && v_quant is null && attn_quant is null && !RecordScores;

    public override Tensor forward(Tensor x)
    {
        var (batch, tokens, dim) = (x.shape[0], x.shape[1], x.shape[2]);
        var heads = qkv.forward(x).reshape(batch, tokens, 3, _heads, dim / _heads).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (heads[0], heads[1], heads[2]);
        if (q_norm != null) (q, k) = (q_norm.forward(q), k_norm!.forward(k));
        if (q_quant != null) q = q_quant.forward(q);
        if (k_quant != null) k = k_quant.forward(k);
        if (v_quant != null) v = v_quant.forward(v);
        // Proportional attention: log(size) on every key's logit, once a merge made sizes differ from 1.
        var bias = _tokens is { Merged: true, Sizes: { } sizes } ? sizes.log().squeeze(-1).unsqueeze(1).unsqueeze(1) : null;
        Tensor mixed;
        if (_tokens?.Mask is not null || !Fused)
        {
            var logits = q.matmul(k.transpose(-2, -1)) * _scale;
            if (bias is not null) logits = logits + bias;
            if (RecordScores) Scores = logits;
            var weights = _tokens?.Mask is { } mask ? MaskedSoftmax(logits, mask) : logits.softmax(-1);
            if (_tokens != null) _tokens.ClassAttention = ClassAttention(weights.select(2, 0));
            if (attn_quant != null) weights = attn_quant.forward(weights);
            mixed = attn_drop.forward(weights).matmul(v);
        }
        else
        {
            // The fused kernel, several times faster on the CPU than softmax(QKᵀ)V spelled out;
            // the class token's row, which the token reduction sorts by, is recomputed alone.
            mixed = nn.functional.scaled_dot_product_attention(q, k, v, bias, training ? _attnDrop : 0);
            if (_tokens != null)
            {
                var classLogits = q.narrow(2, 0, 1).matmul(k.transpose(-2, -1)) * _scale;
                _tokens.ClassAttention = ClassAttention((bias is null ? classLogits : classLogits + bias).softmax(-1).squeeze(2));
            }
        }
        return proj_drop.forward(proj.forward(mixed.transpose(1, 2).reshape(batch, tokens, dim)));
    }

    /// <summary>The class token's attention to each patch token, averaged over heads: [B, H, T] → [B, T − 1].</summary>
    private static Tensor ClassAttention(Tensor row) => row.narrow(2, 1, row.shape[2] - 1).mean(new long[] { 1 });

    /// <summary>exp(a)·m / Σ exp(a)·m over keys, each query keeping itself: removed tokens get no attention, with a gradient through m.</summary>
    private static Tensor MaskedSoftmax(Tensor logits, Tensor mask)
    {
        const double eps = 1e-6;
        var tokens = logits.shape[^1];
        var keep = mask.unsqueeze(1).unsqueeze(1);
        using var eye = torch.eye(tokens, dtype: logits.dtype, device: logits.device).unsqueeze(0).unsqueeze(0);
        var policy = keep + (1 - keep) * eye;
        var exponent = (logits - logits.amax(new long[] { -1 }, keepdim: true)).exp() * policy;
        return (exponent + eps / tokens) / (exponent.sum(-1, keepdim: true) + eps);
    }
}
