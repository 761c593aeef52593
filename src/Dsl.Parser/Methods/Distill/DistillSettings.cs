namespace Dsl.Parser.Methods;

/// <summary>
/// A @distill annotation's settings: the method (<c>logits</c> for classifiers, <c>features</c>
/// or <c>dcd</c> for generators, <c>drd</c> for detectors), the teacher model's name and the
/// losses' weights; the discriminator and its feature layer for DCD, and the student updates per
/// teacher phase; DRD's τ, μ₁ and μ₂.
/// </summary>
public sealed record DistillSettings(string Method, string Teacher, double Soft, double Temperature, double Hard, double Ranking, long Pairs,
    string? Discriminator, string? Layer, double Maps, double Dcd, double Style, double Perceptual, long Steps, double Tau, double Mu1, double Mu2, double Drd)
{
    /// <summary>Whether it distils a generator (features or DCD).</summary>
    public bool ForGenerator => Method is "features" or "dcd";
}
