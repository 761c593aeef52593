namespace Dsl.Parser.Methods;

/// <summary>
/// A @distill annotation's settings: the method (<c>logits</c> for classifiers, <c>features</c>
/// or <c>dcd</c> for generators), the teacher model's name and the losses' weights; the
/// discriminator and its feature layer for DCD, and the student updates per teacher phase.
/// </summary>
public sealed record DistillSettings(string Method, string Teacher, double Soft, double Temperature, double Hard, double Ranking, long Pairs,
    string? Discriminator, string? Layer, double Maps, double Dcd, double Style, double Perceptual, long Steps)
{
    /// <summary>Whether it distils a generator (features or DCD) rather than a classifier's logits.</summary>
    public bool ForGenerator => Method != "logits";
}
