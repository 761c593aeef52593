namespace Dsl.Parser.Methods;

/// <summary>A @quant annotation's settings: bit-widths (null: that side stays in full precision) and LSQ's options.</summary>
public sealed record QuantSettings(long? W, long? A, bool PerChannel, string Act, bool ZeroPoint, bool Attention)
{
    /// <summary>The bits a side computes at: its own, or 32 in full precision.</summary>
    public int WeightBits => (int)(W ?? 32);

    public int ActivationBits => (int)(A ?? 32);
}
