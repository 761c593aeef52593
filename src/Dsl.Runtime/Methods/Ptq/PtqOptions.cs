using System;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// A @ptq annotation's settings. <see cref="Method"/>: dfsq (per-sample, per-channel normalised
/// activations snapped to points chosen from the universal set), minmax (uniform over the
/// calibration range) or percentile (uniform over the range between the
/// <see cref="Percentile"/>-th percentiles). Weights are uniform per output channel for all three.
/// </summary>
public sealed record PtqOptions(string Method, long WeightBits, long ActivationBits, long Samples = 100, long Restarts = 5,
    long Iterations = 100, long Terms = 4, long Shift = 4, double Percentile = 99.99)
{
    public static readonly string[] Methods = { "dfsq", "minmax", "percentile" };

    /// <summary>Refuses settings the layers cannot run, naming the setting.</summary>
    public void Check()
    {
        if (Array.IndexOf(Methods, Method) < 0) throw new ArgumentException($"@ptq's method is dfsq, minmax or percentile, not '{Method}'");
        if (WeightBits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(WeightBits), WeightBits, "@ptq quantizes weights to 2 to 16 bits");
        if (ActivationBits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(ActivationBits), ActivationBits, "@ptq quantizes activations to 2 to 16 bits");
        if (Samples < 1 || Restarts < 1 || Iterations < 1) throw new ArgumentException("@ptq needs at least one calibration sample, restart and iteration");
        if (Method == "dfsq" && (1L << (int)ActivationBits) > UniversalSet.Values((int)Terms, (int)Shift).Length)
            throw new ArgumentException($"DFSQ at {ActivationBits} bits selects {1L << (int)ActivationBits} points, more than the {UniversalSet.Values((int)Terms, (int)Shift).Length} values of its universal set (terms {Terms}, shift {Shift})");
        if (Percentile is <= 50 or > 100) throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "the percentile lies above 50 and at most 100");
    }
}
