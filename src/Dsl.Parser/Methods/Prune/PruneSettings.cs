namespace Dsl.Parser.Methods;

/// <summary>A @prune annotation's settings: the fraction of each layer's weights it removes.</summary>
public sealed record PruneSettings(double Amount);
