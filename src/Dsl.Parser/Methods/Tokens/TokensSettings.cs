using System.Collections.Generic;

namespace Dsl.Parser.Methods;

/// <summary>
/// A @tokens annotation's settings: fixed kept counts per block (after pruning, after merging;
/// null when not given), or a target (a fraction of the model's MACs, or GMACs) with the
/// candidates' granularity, the exempt blocks and which reductions learn.
/// </summary>
public sealed record TokensSettings(
    IReadOnlyList<long>? Prune, IReadOnlyList<long>? Merge, double? Target, double? TargetGmacs, long Granularity, IReadOnlyList<long> Exempt, string Reduce)
{
    /// <summary>Whether the rates are learned toward a target rather than given.</summary>
    public bool Learned => Target != null || TargetGmacs != null;
}
