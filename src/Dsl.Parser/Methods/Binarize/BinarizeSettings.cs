namespace Dsl.Parser.Methods;

/// <summary>A @binarize annotation's settings: the method (plain, rebnn, bivit), what it binarizes, and each method's options.</summary>
public sealed record BinarizeSettings(
    string Method, bool Weights, bool Activations, bool Attention, bool Scale, double Factor, string Gamma, double GammaValue, bool QkNorm, double GeluClip);
