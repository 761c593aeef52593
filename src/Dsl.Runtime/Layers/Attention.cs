using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// timm's multi-head self-attention: `qkv` and `proj` linears, softmax(QKᵀ/√d)V. In a @tokens
/// stack it adds log(size) to the logits (proportional attention) and records the class
/// attention for the block's token reduction.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> qkv;
    private readonly nn.Module<Tensor, Tensor> attn_drop;
    private readonly nn.Module<Tensor, Tensor> proj;
    private readonly nn.Module<Tensor, Tensor> proj_drop;
    private readonly long _heads;
    private readonly double _scale;
    // The stack's shared state, not the block's TokenBlock: a module field would register twice.
    private readonly TokenState? _tokens;

    public Attention(long dim, long heads, bool qkvBias = true, double attnDrop = 0, double projDrop = 0, TokenBlock? tokens = null) : base(nameof(Attention))
    {
        _tokens = tokens?.State;
        if (dim % heads != 0) throw new ArgumentException($"heads ({heads}) must divide dim ({dim})", nameof(heads));
        _heads = heads;
        _scale = 1.0 / Math.Sqrt(dim / heads);
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias);
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var (batch, tokens, dim) = (x.shape[0], x.shape[1], x.shape[2]);
        var heads = qkv.forward(x).reshape(batch, tokens, 3, _heads, dim / _heads).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (heads[0], heads[1], heads[2]);
        var logits = q.matmul(k.transpose(-2, -1)) * _scale;
        if (_tokens?.Sizes is { } sizes) logits = logits + sizes.log().squeeze(-1).unsqueeze(1).unsqueeze(1);
        var weights = _tokens?.Mask is { } mask ? MaskedSoftmax(logits, mask) : logits.softmax(-1);
        if (_tokens != null) _tokens.ClassAttention = weights.select(2, 0).narrow(2, 1, tokens - 1).mean(new long[] { 1 });
        var attention = attn_drop.forward(weights);
        var mixed = attention.matmul(v).transpose(1, 2).reshape(batch, tokens, dim);
        return proj_drop.forward(proj.forward(mixed));
    }

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
