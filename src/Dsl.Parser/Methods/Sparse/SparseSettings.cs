namespace Dsl.Parser.Methods;

/// <summary>
/// A @sparse annotation's settings: N kept of every M weights; the method (bimask: N:M in
/// forward and, through a permutation of output channels, in backward; forward: the forward
/// mask alone with a dense backward; transposable: one mask N:M along both dimensions); Bi-Mask's
/// permutation search (every <see cref="Interval"/> steps, <see cref="Candidates"/> tries); and
/// the decay λ on pruned weights.
/// </summary>
public sealed record SparseSettings(long N, long M, string Method, long Interval, long Candidates, double Decay)
{
    /// <summary>Whether the input gradient runs through an N:M mask (bimask, transposable) rather than the dense weight.</summary>
    public bool SparseBackward => Method != "forward";

    /// <summary>The fraction of a weight's entries kept, N/M.</summary>
    public double Density => N / (double)M;
}
